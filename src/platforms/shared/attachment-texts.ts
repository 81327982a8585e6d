import { cleanFileName } from '../../core/attachments.js';
import { safeSlice } from './graphemes.js';
import { formatDuration, formatList, formatMegabytes } from './i18n/formatters.js';
import type { Locale } from './i18n/locales.js';
import { message } from './i18n/translate.js';
import { escapeMarkdown } from './markdown-escape.js';

/**
 * What the bot says about files people send: refusals that name the limit, notes on what was
 * left out, and the quoted transcript of a voice message. File names and transcripts are the
 * person's: cleaned and escaped, so they show literally in the bot's own Markdown.
 */

/** A file name as shown in the bot's messages. */
function shown(name: string): string {
  return escapeMarkdown(cleanFileName(name));
}

/**
 * The texts about files in one language, as messages (key and values) that the caller says or
 * throws; lists, durations and sizes are written for that language.
 */
export function attachmentTexts(locale: Locale) {
  const list = (names: readonly string[]) => formatList(locale, names.map(shown));
  const duration = (seconds: number) => formatDuration(locale, seconds);
  return {
    unsupported: (names: readonly string[]) =>
      message('attach.unsupported', { names: list(names) }),
    firstImagesOnly: (max: number) => message('attach.firstImagesOnly', { max }),
    imageTooLarge: (name: string, max: number) =>
      message('attach.imageTooLarge', {
        name: shown(name),
        megabytes: formatMegabytes(locale, max),
      }),
    notAnImage: (name: string) => message('attach.notAnImage', { name: shown(name) }),
    fileTooLong: (files: readonly { name: string }[], max: number) =>
      message('attach.fileTooLong', {
        names: list(files.map((f) => f.name)),
        count: files.length,
        max,
      }),
    notText: (name: string) => message('attach.notText', { name: shown(name) }),
    voiceOff: message('attach.voiceOff'),
    audioTooLong: (seconds: number, max: number) =>
      message('attach.audioTooLong', { duration: duration(seconds), max: duration(max) }),
    audioTooLarge: message('attach.audioTooLarge'),
    firstAudioOnly: message('attach.firstAudioOnly'),
    transcriptionFailed: message('attach.transcriptionFailed'),
    noWords: message('attach.noWords'),
    fetchFailed: (name: string) => message('attach.fetchFailed', { name: shown(name) }),
  };
}

/** Longest part of a transcript quoted back, in characters: enough to see it was understood. */
const QUOTE_CHARS = 200;

/** The line shown before the answer to a voice message: what the bot heard, quoted. */
export function quoteTranscript(transcript: string): string {
  const flat = transcript.replace(/\s+/g, ' ').trim();
  const cut = safeSlice(flat, QUOTE_CHARS);
  const quoted = cut.length < flat.length ? `${cut.trimEnd()}…` : cut;
  return `> 🎤 “${escapeMarkdown(quoted)}”`;
}
