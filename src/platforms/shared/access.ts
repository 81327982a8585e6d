/**
 * Optional allowlists (`ALLOWED_USER_IDS`, `TELEGRAM_ALLOWED_CHAT_IDS`,
 * `DISCORD_ALLOWED_GUILD_IDS`). An unset list allows everyone; a set one allows only its members.
 */
export interface AccessLists {
  /** Entries `telegram:<id>`, `discord:<id>`, or a bare `<id>` for the same ID on any platform. */
  readonly users?: ReadonlySet<string>;
  readonly telegramChats?: ReadonlySet<string>;
  readonly discordGuilds?: ReadonlySet<string>;
}

export interface Place {
  readonly platform: 'telegram' | 'discord';
  readonly userId: string;
  /** Telegram chat (private chats have the user's ID), Discord guild; absent in Discord DMs. */
  readonly chatId?: string;
  readonly guildId?: string;
}

export function isUserListed(lists: AccessLists, platform: string, userId: string): boolean {
  return !lists.users || lists.users.has(`${platform}:${userId}`) || lists.users.has(userId);
}

/**
 * Whether the bot answers here. A Discord DM belongs to no guild: when a guild list is set, a DM
 * is answered only for users named in `ALLOWED_USER_IDS`, so the bot cannot be used around it.
 */
export function isAllowed(lists: AccessLists, place: Place): boolean {
  if (!isUserListed(lists, place.platform, place.userId)) return false;
  if (place.platform === 'telegram') {
    return !lists.telegramChats || lists.telegramChats.has(place.chatId ?? '');
  }
  if (place.guildId !== undefined) {
    return !lists.discordGuilds || lists.discordGuilds.has(place.guildId);
  }
  return !lists.discordGuilds || lists.users !== undefined;
}
