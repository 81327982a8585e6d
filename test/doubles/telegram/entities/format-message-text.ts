/**
 * A message text as Telegram stores it: `text` with `parse_mode` or `entities`, parsed, cleaned up
 * and checked against Telegram's limits.
 */
import type { MessageEntity } from 'grammy/types';
import { ApiError, badRequest } from '../api-error.js';
import { EntityParseError, toMessageEntity, type Draft, type UserLookup } from './draft.js';
import { fixFormattedText } from './fix-formatted-text.js';
import { inputEntities } from './input-entities.js';
import { parseHtml } from './parse-html.js';
import { parseLegacyMarkdown } from './parse-markdown.js';
import { parseMarkdownV2 } from './parse-markdown-v2.js';

const MESSAGE_TEXT_LIMIT = 4096;
/** The Bot API rejects a `text` parameter over 32 KiB before parsing it. */
const MAX_TEXT_BYTES = 1 << 15;

/**
 * A message text the way Telegram turns `text` + `parse_mode` (HTML, MarkdownV2, Markdown, none;
 * case-insensitive) or `text` + `entities` into the stored text and entities, with the error
 * descriptions the Bot API answers ("Bad Request: can't parse entities: …", "Bad Request: message
 * is too long", …). Exported for renderer unit tests that need no server.
 */
export function formatMessageText(
  text: string,
  options: { parse_mode?: string; entities?: unknown; userById?: UserLookup } = {},
): { ok: true; text: string; entities: MessageEntity[] } | { ok: false; description: string } {
  try {
    const formatted = formatOrThrow(text, options.parse_mode, options.entities, options.userById);
    return { ok: true, ...formatted };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, description: error.description };
    throw error;
  }
}

/** Like {@link formatMessageText}, but a refusal throws the Bot API's `ApiError`. */
export function formatOrThrow(
  text: string,
  parseMode: string | undefined,
  entities: unknown,
  userById: UserLookup = () => undefined,
): { text: string; entities: MessageEntity[] } {
  if (text === '') throw badRequest('message text is empty');
  if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) throw badRequest('text is too long');
  const mode = (parseMode ?? '').toLowerCase();
  let parsed: { text: string; entities: Draft[] };
  try {
    if (mode === '' || mode === 'none') {
      parsed = { text, entities: inputEntities(entities, userById) };
    } else if (mode === 'html') parsed = parseHtml(text, userById);
    else if (mode === 'markdownv2') parsed = parseMarkdownV2(text, userById);
    else if (mode === 'markdown') parsed = parseLegacyMarkdown(text, userById);
    else throw badRequest('unsupported parse_mode');
  } catch (error) {
    if (error instanceof EntityParseError) {
      throw badRequest(`can't parse entities: ${error.message}`);
    }
    throw error;
  }
  const fixed = fixFormattedText(parsed.text, parsed.entities);
  if ([...fixed.text].length > MESSAGE_TEXT_LIMIT) throw badRequest('message is too long');
  return { text: fixed.text, entities: fixed.entities.map(toMessageEntity) };
}
