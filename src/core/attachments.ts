import { HumanMessage, type BaseMessage, type MessageContent } from '@langchain/core/messages';
import { ModelError } from './errors.js';
import type { TokenCounter } from './token-counter.js';
import type { TurnContent, TurnFile, TurnImage } from './types.js';

/**
 * How images and text files reach the model and what memory keeps of them. Images go as content
 * parts of the question (`image_url` with a `data:` URL) and are never stored: the stored message
 * holds the text and an `[image: name]` marker. Text files go whole, fenced with their names;
 * memory keeps a marker and their first lines.
 */

/**
 * Detail asked for every image. `low` has the model look at a 512×512 version, which OpenAI
 * counts as a flat {@link IMAGE_TOKENS} whatever the size: enough for screenshots of a chat or a
 * page of text, and a prompt cost known before the call.
 */
export const IMAGE_DETAIL = 'low';

/**
 * Prompt tokens of one image at `detail: low` (OpenAI's documented figure for GPT-4o-class
 * models). This is a count, not a price: some models (gpt-4o-mini) bill image tokens at a multiple.
 */
export const IMAGE_TOKENS = 85;

/** Added to an answer when the images of the turn could not be shown to the model. */
export const IMAGES_UNSEEN =
  'The language model I use cannot see images, so I answered your text only.';

/** The refusal when a turn held nothing but images the model cannot see. */
export const IMAGES_UNSEEN_ONLY =
  'The language model I use cannot see images. Describe the picture in words and I will help.';

/** Lines and characters of a text file that memory keeps after its marker. */
const STORED_FILE_LINES = 5;
const STORED_FILE_CHARS = 400;

/** Longest file name shown to the model or stored, in code points. */
const MAX_FILE_NAME = 80;

/** A file name fit for a marker: one line, no brackets or backticks, bounded. */
export function cleanFileName(name: string): string {
  const clean = name
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}[\]`]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const points = Array.from(clean || 'file');
  return points.length <= MAX_FILE_NAME
    ? points.join('')
    : `${points.slice(0, MAX_FILE_NAME - 1).join('')}…`;
}

/** True when the turn holds something for the model beyond blank text. */
export function hasAttachments(content: TurnContent): boolean {
  return (content.images?.length ?? 0) > 0 || (content.files?.length ?? 0) > 0;
}

/** The question as the model reads it: the text, then each file fenced with its name. */
export function questionText(text: string, files: readonly TurnFile[] = []): string {
  const parts = text ? [text] : [];
  for (const file of files) {
    const longestRun = Math.max(0, ...(file.text.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(Math.max(3, longestRun + 1));
    parts.push(
      `File ${JSON.stringify(cleanFileName(file.name))}:\n${fence}\n${file.text}\n${fence}`,
    );
  }
  return parts.join('\n\n');
}

/**
 * The question as memory keeps it: the text, an `[image: name]` marker per image (`[image not
 * seen: name]` when the model could not look at it) and, per file, a marker with its first lines.
 */
export function storedQuestion(content: TurnContent, imagesSeen: boolean): string {
  const lines = content.text ? [content.text] : [];
  for (const image of content.images ?? []) {
    lines.push(`[image${imagesSeen ? '' : ' not seen'}: ${cleanFileName(image.name)}]`);
  }
  for (const file of content.files ?? []) {
    const all = file.text.split(/\r?\n/);
    let head = all.slice(0, STORED_FILE_LINES).join('\n');
    const cut = head.length > STORED_FILE_CHARS || all.length > STORED_FILE_LINES;
    if (head.length > STORED_FILE_CHARS)
      head = Array.from(head).slice(0, STORED_FILE_CHARS).join('');
    const size = `${all.length} line${all.length === 1 ? '' : 's'}`;
    lines.push(
      `[file: ${cleanFileName(file.name)}, ${size}; it began:]\n${head}${cut ? '\n[…]' : ''}`,
    );
  }
  return lines.join('\n');
}

/** The human message of the prompt: plain text, or text and image parts. */
export function questionMessage(text: string, images: readonly TurnImage[] = []): HumanMessage {
  if (images.length === 0) return new HumanMessage(text);
  const content: MessageContent = [
    ...(text ? [{ type: 'text' as const, text }] : []),
    ...images.map((image) => ({
      type: 'image_url' as const,
      image_url: { url: `data:${image.mime};base64,${image.data}`, detail: IMAGE_DETAIL },
    })),
  ];
  return new HumanMessage({ content });
}

/** Image parts of a message. */
export function imagePartCount(message: BaseMessage): number {
  if (typeof message.content === 'string') return 0;
  return message.content.filter((part) => part.type === 'image_url' || part.type === 'image')
    .length;
}

/** `tokens`, with {@link IMAGE_TOKENS} counted for every image part of a message. */
export function withImageTokens(tokens: TokenCounter): TokenCounter {
  return {
    countText: (text) => tokens.countText(text),
    truncate: (text, maxTokens) => tokens.truncate(text, maxTokens),
    countMessage: (message) =>
      tokens.countMessage(message) + IMAGE_TOKENS * imagePartCount(message),
  };
}

/** Statuses an endpoint answers a request it cannot take as sent with. */
const REQUEST_REJECTED = new Set([400, 415, 422]);

/**
 * True when the endpoint refused the request because of its images: a 400 (or 415, 422) whose
 * message speaks of images, vision or the content type — OpenAI's "Invalid content type.
 * image_url is only supported by certain models", vLLM's and Ollama's "does not support images".
 */
export function isImageRejection(error: unknown): boolean {
  if (!(error instanceof ModelError) || error.kind !== 'rejected') return false;
  if (error.status === undefined || !REQUEST_REJECTED.has(error.status)) return false;
  const cause = error.cause as { message?: unknown; error?: { message?: unknown } } | undefined;
  const message = [cause?.message, cause?.error?.message].filter((m) => typeof m === 'string');
  return message.some((m) => /image|vision|multi-?modal|content.?type/i.test(m as string));
}
