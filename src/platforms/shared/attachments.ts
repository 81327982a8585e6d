import { AttachmentRejectedError, TurnAbortedError } from '../../core/errors.js';
import type { TurnContent, TurnFile, TurnImage } from '../../core/types.js';
import {
  baseType,
  decodeText,
  sniffImageType,
  type AttachmentDescriptor,
} from './attachment-kinds.js';
import { DownloadError } from './bounded-download.js';
import { attachmentTexts } from './attachment-texts.js';
import type { Locale } from './i18n/locales.js';
import { message, say as sayIn, type Message } from './i18n/translate.js';

/**
 * What the shared pipeline does with the files of a turn, for every platform: first the checks
 * the declared facts allow (count, sizes, duration, what is switched off), with no network; then,
 * inside the user's gate, the downloads through the platform's own file endpoint, each capped
 * while it streams, and the transcription of a voice message.
 */

/** Speech to text over an OpenAI-compatible `/audio/transcriptions` (see `src/llm/transcriber.ts`). */
export interface Transcriber {
  /** The words spoken in the audio; throws when the endpoint fails. */
  transcribe(
    audio: { readonly data: Uint8Array; readonly name: string; readonly mime?: string },
    signal: AbortSignal,
  ): Promise<string>;
}

export interface AttachmentSettings {
  /** `LLM_VISION`: false = images are not downloaded; the text is answered, the person told. */
  readonly vision: boolean;
  /** `MAX_IMAGES_PER_TURN`: more are left out, with a note. */
  readonly maxImages: number;
  /** `MAX_IMAGE_BYTES`, checked on the declared size and again while downloading. */
  readonly maxImageBytes: number;
  /** `MAX_FILE_CHARS`: characters of text files in one turn, all files together. */
  readonly maxFileChars: number;
  /** `MAX_AUDIO_SECONDS`, checked on the declared duration before downloading. */
  readonly maxAudioSeconds: number;
  /** Absent (`TRANSCRIBE_MODEL` empty): voice messages get a polite refusal. */
  readonly transcriber?: Transcriber;
  /** Budget of a turn's downloads and transcription together. Default {@link ATTACHMENT_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/**
 * Default budget of one turn's downloads and transcription: a 5-minute voice message takes a few
 * seconds to transcribe; a platform's CDN serves a few MB in well under a second.
 */
export const ATTACHMENT_TIMEOUT_MS = 30_000;

/** Largest audio file downloaded: OpenAI's limit for `/audio/transcriptions`. */
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;

/** The defaults, for platforms built without configuration (tests). */
export const DEFAULT_ATTACHMENT_SETTINGS: AttachmentSettings = {
  vision: true,
  maxImages: 4,
  maxImageBytes: 5 * 1024 * 1024,
  maxFileChars: 20_000,
  maxAudioSeconds: 300,
};

/** A file of a message, bound to the platform's way of fetching it. */
export interface InboundAttachment extends Omit<AttachmentDescriptor, 'locator'> {
  /** The file's bytes, at most `maxBytes` (a `DownloadError` past that, however it was declared). */
  download(maxBytes: number, signal: AbortSignal): Promise<Uint8Array>;
}

/** How a platform fetches a file it described: Telegram's `getFile`, Discord's CDN. */
export type FetchFile<L> = (
  file: AttachmentDescriptor<L>,
  maxBytes: number,
  signal: AbortSignal,
) => Promise<Uint8Array>;

export function bindFetcher<L>(
  files: readonly AttachmentDescriptor<L>[],
  fetchFile: FetchFile<L>,
): InboundAttachment[] {
  return files.map((file) => ({
    kind: file.kind,
    name: file.name,
    mime: file.mime,
    size: file.size,
    durationSeconds: file.durationSeconds,
    download: (maxBytes, signal) => fetchFile(file, maxBytes, signal),
  }));
}

/** What a turn's files come to once checked: what to fetch, and notes for the answer. */
export interface AttachmentPlan {
  readonly images: readonly InboundAttachment[];
  readonly files: readonly InboundAttachment[];
  readonly audio?: InboundAttachment;
  /** Short lines shown after the answer: what was left out and why. */
  readonly notes: readonly string[];
}

/**
 * The checks that need no download. Throws `AttachmentRejectedError` when the turn cannot be
 * answered as sent (a file over a limit, voice switched off, only images and no vision), so
 * nothing is fetched; returns the plan and its notes otherwise.
 */
export function planAttachments(
  items: readonly InboundAttachment[],
  text: string,
  settings: AttachmentSettings,
  locale: Locale = 'en',
): AttachmentPlan {
  const { say, reject } = wording(locale);
  const notes: string[] = [];
  const note = (text: Message) => notes.push(sayIn(locale, text));
  const of = (kind: InboundAttachment['kind']) => items.filter((item) => item.kind === kind);
  const unsupported = of('unsupported');
  if (unsupported.length > 0) note(say.unsupported(unsupported.map((u) => u.name)));

  let images = of('image');
  if (images.length > 0 && !settings.vision) {
    if (!text.trim() && items.every((item) => item.kind === 'image')) {
      throw reject(message('images.unseenOnly'));
    }
    note(message('images.unseen'));
    images = [];
  }
  if (images.length > settings.maxImages) {
    note(say.firstImagesOnly(settings.maxImages));
    images = images.slice(0, settings.maxImages);
  }
  const big = images.find((image) => (image.size ?? 0) > settings.maxImageBytes);
  if (big) throw reject(say.imageTooLarge(big.name, settings.maxImageBytes));

  const files = of('text-file');
  const declared = files.reduce((sum, file) => sum + (file.size ?? 0), 0);
  // UTF-8 takes at most 4 bytes a character: more bytes than that is more characters for sure.
  if (declared > settings.maxFileChars * 4) {
    throw reject(say.fileTooLong(files, settings.maxFileChars));
  }

  const [audio, ...moreAudio] = of('audio');
  if (audio) {
    if (!settings.transcriber) throw reject(say.voiceOff);
    const seconds = audio.durationSeconds ?? 0;
    if (seconds > settings.maxAudioSeconds) {
      throw reject(say.audioTooLong(seconds, settings.maxAudioSeconds));
    }
    if ((audio.size ?? 0) > MAX_AUDIO_BYTES) throw reject(say.audioTooLarge);
    if (moreAudio.length > 0) note(say.firstAudioOnly);
  }
  return { images, files, audio, notes };
}

/** A turn's content once its files are fetched; `transcript` is the voice message's words. */
export interface PreparedContent {
  readonly content: TurnContent;
  readonly transcript?: string;
}

/**
 * Downloads what the plan kept and transcribes the voice message, within the settings' time
 * budget. Every failure becomes an `AttachmentRejectedError` with a message for the person.
 */
export async function fetchAttachments(
  plan: AttachmentPlan,
  text: string,
  settings: AttachmentSettings,
  signal: AbortSignal,
  locale: Locale = 'en',
): Promise<PreparedContent> {
  const words = wording(locale);
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), settings.timeoutMs ?? ATTACHMENT_TIMEOUT_MS);
  const within = AbortSignal.any([signal, budget.signal]);
  try {
    const images: TurnImage[] = [];
    for (const image of plan.images) images.push(await fetchImage(image, settings, within, words));
    const files = await fetchTextFiles(plan.files, settings.maxFileChars, within, words);
    const transcript = plan.audio && (await transcribe(plan.audio, settings, within, words));
    const spoken = [text.trim(), transcript].filter(Boolean).join('\n\n');
    return {
      content: { text: spoken, images, files, fromVoice: transcript !== undefined },
      transcript,
    };
  } catch (error) {
    if (signal.aborted) throw new TurnAbortedError();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function fetchImage(
  image: InboundAttachment,
  settings: AttachmentSettings,
  signal: AbortSignal,
  { say, reject }: Wording,
): Promise<TurnImage> {
  const bytes = await download(image, settings.maxImageBytes, signal, { say, reject }, () =>
    say.imageTooLarge(image.name, settings.maxImageBytes),
  );
  const mime = sniffImageType(bytes);
  if (!mime) throw reject(say.notAnImage(image.name));
  return { name: image.name, mime, data: Buffer.from(bytes).toString('base64') };
}

async function fetchTextFiles(
  files: readonly InboundAttachment[],
  maxChars: number,
  signal: AbortSignal,
  { say, reject }: Wording,
): Promise<TurnFile[]> {
  const read: TurnFile[] = [];
  let chars = 0;
  for (const file of files) {
    const tooLong = () => say.fileTooLong(files, maxChars);
    const bytes = await download(file, maxChars * 4, signal, { say, reject }, tooLong);
    const text = decodeText(bytes);
    if (text === undefined) throw reject(say.notText(file.name));
    chars += text.length;
    if (chars > maxChars) throw reject(tooLong());
    read.push({ name: file.name, text });
  }
  return read;
}

async function transcribe(
  audio: InboundAttachment,
  settings: AttachmentSettings,
  signal: AbortSignal,
  { say, reject }: Wording,
): Promise<string> {
  const data = await download(
    audio,
    MAX_AUDIO_BYTES,
    signal,
    { say, reject },
    () => say.audioTooLarge,
  );
  let transcript: string;
  try {
    const mime = baseType(audio.mime);
    transcript = await settings.transcriber!.transcribe({ data, name: audio.name, mime }, signal);
  } catch (error) {
    throw reject(say.transcriptionFailed, error);
  }
  const words = transcript.trim();
  if (!words) throw reject(say.noWords);
  return words;
}

/**
 * `file.download`, with its failures worded for the person (`tooLarge` past the cap); a shutdown
 * is told apart by the caller.
 */
async function download(
  file: InboundAttachment,
  maxBytes: number,
  signal: AbortSignal,
  { say, reject }: Wording,
  tooLarge: () => Message,
): Promise<Uint8Array> {
  try {
    return await file.download(maxBytes, signal);
  } catch (error) {
    if (error instanceof DownloadError && error.failure === 'too_large') {
      throw reject(tooLarge(), error);
    }
    throw reject(say.fetchFailed(file.name), error);
  }
}

/** The texts of one language, and refusals worded in it. */
interface Wording {
  readonly say: ReturnType<typeof attachmentTexts>;
  readonly reject: (text: Message, cause?: unknown) => AttachmentRejectedError;
}

function wording(locale: Locale): Wording {
  return {
    say: attachmentTexts(locale),
    reject: (text, cause) =>
      new AttachmentRejectedError(
        text,
        sayIn(locale, text),
        cause === undefined ? undefined : { cause },
      ),
  };
}
