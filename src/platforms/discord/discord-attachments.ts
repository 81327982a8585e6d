import type { Message } from 'discord.js';
import { kindOf, type AttachmentDescriptor } from '../shared/attachment-kinds.js';

/** Where Discord serves a file: the attachment's URL from the message payload, never from its text. */
export interface DiscordFileRef {
  readonly url: string;
}

export type DiscordAttachment = AttachmentDescriptor<DiscordFileRef>;

/**
 * The files of a message as descriptors, from the payload alone: each attachment with its
 * declared type, size and (voice messages) duration; stickers as unsupported. A voice message
 * is an `audio/ogg` attachment with `duration_secs`.
 */
export function discordAttachments(
  message: Pick<Message, 'attachments' | 'stickers'>,
): DiscordAttachment[] {
  const files: DiscordAttachment[] = [];
  for (const attachment of message.attachments.values()) {
    const name = attachment.name || 'file';
    files.push({
      kind: kindOf(attachment.contentType ?? undefined, name),
      name,
      mime: attachment.contentType ?? undefined,
      size: attachment.size,
      durationSeconds: attachment.duration ?? undefined,
      locator: { url: attachment.url },
    });
  }
  if (message.stickers.size > 0) {
    files.push({ kind: 'unsupported', name: 'the sticker', locator: { url: '' } });
  }
  return files;
}

/** Hosts Discord serves attachments from. */
export const DISCORD_CDN_ORIGINS: readonly string[] = [
  'https://cdn.discordapp.com',
  'https://media.discordapp.net',
];

/**
 * True when `url` is served by Discord itself: one of its CDN origins, or `extraOrigins` (the
 * origin of `DISCORD_API_URL`, for a proxy or a test double). Anything else is never fetched.
 */
export function isDiscordFileUrl(url: string, extraOrigins: readonly string[] = []): boolean {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return false;
  }
  return DISCORD_CDN_ORIGINS.includes(origin) || extraOrigins.includes(origin);
}
