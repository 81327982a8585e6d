import type { Message, PhotoSize } from 'grammy/types';
import { kindOf, type AttachmentDescriptor } from '../shared/attachment-kinds.js';

/** Where Telegram keeps a file: its `file_id`, which `getFile` turns into a download path. */
export interface TelegramFileRef {
  readonly fileId: string;
}

export type TelegramAttachment = AttachmentDescriptor<TelegramFileRef>;

/** Media a message can carry that the bot cannot read, with the words used for them. */
const UNREADABLE: readonly (readonly [keyof Message, string])[] = [
  ['sticker', 'the sticker'],
  ['video', 'the video'],
  ['video_note', 'the video message'],
  ['animation', 'the animation'],
  ['location', 'the location'],
  ['venue', 'the venue'],
  ['contact', 'the contact'],
  ['poll', 'the poll'],
  ['dice', 'the dice'],
  ['story', 'the story'],
  ['game', 'the game'],
  ['paid_media', 'the paid media'],
];

/**
 * The files of a message as descriptors, from the payload alone: the photo (the largest size
 * within `maxImageBytes`, or the smallest when none is, so the limit is said before any
 * download), an image, text or other document, a voice message or an audio file; media the bot
 * cannot read as `unsupported`. A GIF comes as `animation` and as `document`: counted once.
 */
export function telegramAttachments(
  message: Message,
  maxImageBytes = Number.POSITIVE_INFINITY,
): TelegramAttachment[] {
  const files: TelegramAttachment[] = [];
  const photo = message.photo && pickPhoto(message.photo, maxImageBytes);
  if (photo) {
    files.push({
      kind: 'image',
      name: 'photo.jpg',
      mime: 'image/jpeg',
      size: photo.file_size,
      locator: { fileId: photo.file_id },
    });
  }
  const document = message.animation ? undefined : message.document;
  if (document?.file_id) {
    const name = document.file_name ?? 'document';
    files.push({
      kind: kindOf(document.mime_type, name),
      name,
      mime: document.mime_type,
      size: document.file_size,
      locator: { fileId: document.file_id },
    });
  }
  const voice = message.voice;
  if (voice?.file_id) {
    files.push({
      kind: 'audio',
      name: 'voice.ogg',
      mime: voice.mime_type ?? 'audio/ogg',
      size: voice.file_size,
      durationSeconds: voice.duration,
      locator: { fileId: voice.file_id },
    });
  }
  const audio = message.audio;
  if (audio?.file_id) {
    files.push({
      kind: 'audio',
      name: audio.file_name ?? 'audio.mp3',
      mime: audio.mime_type,
      size: audio.file_size,
      durationSeconds: audio.duration,
      locator: { fileId: audio.file_id },
    });
  }
  for (const [key, name] of UNREADABLE) {
    if (message[key] !== undefined)
      files.push({ kind: 'unsupported', name, locator: { fileId: '' } });
  }
  return files;
}

/** The largest size that fits, else the smallest; undefined for an empty list. */
function pickPhoto(sizes: readonly PhotoSize[], maxBytes: number): PhotoSize | undefined {
  const bySize = [...sizes]
    .filter((size) => size.file_id)
    .sort((a, b) => a.width * a.height - b.width * b.height);
  const fitting = bySize.filter((size) => (size.file_size ?? 0) <= maxBytes);
  return fitting.at(-1) ?? bySize[0];
}
