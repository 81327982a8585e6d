import { cleanFileName } from '../../core/attachments.js';
import { safeSlice } from './graphemes.js';
import { escapeMarkdown } from './markdown-escape.js';

/**
 * What the bot says about files people send: refusals that name the limit, notes on what was
 * left out, and the quoted transcript of a voice message. File names and transcripts are the
 * person's: cleaned and escaped, so they show literally in the bot's own Markdown.
 */

const numbers = new Intl.NumberFormat('en');

/** A file name as shown in the bot's messages. */
function shown(name: string): string {
  return escapeMarkdown(cleanFileName(name));
}

/** `5242880` → `5 MB`, `1572864` → `1.5 MB`. */
function megabytes(bytes: number): string {
  return `${numbers.format(Math.round((bytes / 1024 / 1024) * 10) / 10)} MB`;
}

/** `75` → `1 min 15 s`, `300` → `5 min`, `40` → `40 s`. */
function duration(seconds: number): string {
  const whole = Math.ceil(seconds);
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  if (minutes === 0) return `${rest} s`;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

function list(names: readonly string[]): string {
  const items = names.map(shown);
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export const attachmentTexts = {
  unsupported: (names: readonly string[]) =>
    `I could not read ${list(names)}: I can read text, images, voice messages and text files.`,
  firstImagesOnly: (max: number) => `I looked at the first ${max} images only.`,
  imageTooLarge: (name: string, max: number) =>
    `${shown(name)} is too large: I can look at images of at most ${megabytes(max)}.`,
  notAnImage: (name: string) =>
    `${shown(name)} is not a JPEG, PNG, WebP or GIF image, so I could not look at it.`,
  fileTooLong: (files: readonly { name: string }[], max: number) =>
    `${list(files.map((f) => f.name))} ${files.length === 1 ? 'is' : 'are'} too long: I can read ` +
    `at most ${numbers.format(max)} characters of files in one message.`,
  notText: (name: string) =>
    `I could not read ${shown(name)}: it is not UTF-8 text. ` +
    'I can read text files, images and voice messages.',
  voiceOff: "I can't listen to voice messages here. Please write your message instead.",
  audioTooLong: (seconds: number, max: number) =>
    `Your voice message is ${duration(seconds)} long, and I can listen to at most ` +
    `${duration(max)}. Please send a shorter one.`,
  audioTooLarge: 'Your voice message is too large for me to listen to. Please send a shorter one.',
  firstAudioOnly: 'I listened to the first voice message only.',
  transcriptionFailed:
    'Sorry, I could not transcribe your voice message. Please try again in a moment, or write it.',
  noWords: 'I could not make out any words in your voice message.',
  fetchFailed: (name: string) => `Sorry, I could not fetch ${shown(name)}. Please send it again.`,
};

/** Longest part of a transcript quoted back, in characters: enough to see it was understood. */
const QUOTE_CHARS = 200;

/** The line shown before the answer to a voice message: what the bot heard, quoted. */
export function quoteTranscript(transcript: string): string {
  const flat = transcript.replace(/\s+/g, ' ').trim();
  const cut = safeSlice(flat, QUOTE_CHARS);
  const quoted = cut.length < flat.length ? `${cut.trimEnd()}…` : cut;
  return `> 🎤 “${escapeMarkdown(quoted)}”`;
}
