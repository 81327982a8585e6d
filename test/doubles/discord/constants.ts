/** Discord's numbers the fake needs: intents, channel types, message flags, permissions. */

export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;
export const PRIVILEGED_INTENTS =
  Intent.GuildMembers | Intent.GuildPresences | Intent.MessageContent;
/** Intent bits 0–25 exist in API v10; anything above is refused with 4013. */
export const KNOWN_INTENTS = (1 << 26) - 1;

export const ChannelType = {
  GuildText: 0,
  DM: 1,
  GuildVoice: 2,
  GuildCategory: 4,
  GuildAnnouncement: 5,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
  GuildStageVoice: 13,
  GuildForum: 15,
  GuildMedia: 16,
} as const;
export const THREAD_TYPES: readonly number[] = [10, 11, 12];
/** Channels that accept `POST /channels/:id/messages` (voice and stage channels have a text chat). */
export const MESSAGEABLE_TYPES: readonly number[] = [0, 1, 2, 3, 5, 10, 11, 12, 13];

export const MessageFlag = {
  SuppressEmbeds: 1 << 2,
  Ephemeral: 1 << 6,
  Loading: 1 << 7,
  SuppressNotifications: 1 << 12,
};

function permissionBits(bits: readonly number[]): bigint {
  return bits.reduce((all, bit) => all | (1n << BigInt(bit)), 0n);
}

/**
 * `@everyone` of a new guild: invite, reactions, stream, view, send, embed, attach, history,
 * external emoji, connect, speak, VAD, nickname, application commands, request to speak, threads,
 * external stickers, send in threads, activities, voice messages, polls, external apps.
 */
export const DEFAULT_EVERYONE_PERMISSIONS = permissionBits([
  0, 6, 9, 10, 11, 14, 15, 16, 18, 20, 21, 25, 26, 31, 32, 35, 36, 37, 38, 39, 46, 49, 50,
]);

/** Discord keeps an interaction token usable for follow-ups for 15 minutes. */
export const INTERACTION_TOKEN_TTL_MS = 15 * 60_000;
export const MAX_CONTENT_LENGTH = 2_000;
