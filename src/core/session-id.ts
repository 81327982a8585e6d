import type { SessionRef } from './types.js';

/**
 * Session IDs: one pure builder per platform. Platform IDs are validated here, before they become
 * part of a storage key, so a malformed update can never address another user's memory or inject
 * key syntax (`:`, `{`, `}`, `*`).
 *
 * - Discord: `discord:g<guild>:c<channel>:u<user>` (a thread is its own channel), `discord:dm:u<user>`
 * - Telegram: `telegram:c<chat>[:t<topic>]:u<user>`
 * - Console: `console:u<name>`
 */

export class InvalidSessionIdError extends Error {
  constructor(what: string, value: unknown) {
    super(`invalid ${what}: ${JSON.stringify(value)?.slice(0, 40)}`);
    this.name = 'InvalidSessionIdError';
  }
}

const SNOWFLAKE = /^\d{1,20}$/;
const TELEGRAM_CHAT = /^-?\d{1,20}$/;
const TELEGRAM_ID = /^\d{1,20}$/;
const CONSOLE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function check(pattern: RegExp, what: string, value: string | number | bigint): string {
  const text = String(value);
  if (!pattern.test(text)) throw new InvalidSessionIdError(what, value);
  return text;
}

export function discordSession(ids: {
  guildId?: string | null;
  channelId: string;
  userId: string;
}): SessionRef {
  const userId = check(SNOWFLAKE, 'Discord user ID', ids.userId);
  if (ids.guildId === undefined || ids.guildId === null) {
    return { platform: 'discord', userId, id: `discord:dm:u${userId}` };
  }
  const guild = check(SNOWFLAKE, 'Discord guild ID', ids.guildId);
  const channel = check(SNOWFLAKE, 'Discord channel ID', ids.channelId);
  return { platform: 'discord', userId, id: `discord:g${guild}:c${channel}:u${userId}` };
}

export function telegramSession(ids: {
  chatId: number | string;
  userId: number | string;
  topicId?: number | string | null;
}): SessionRef {
  const chat = check(TELEGRAM_CHAT, 'Telegram chat ID', ids.chatId);
  const userId = check(TELEGRAM_ID, 'Telegram user ID', ids.userId);
  const topic =
    ids.topicId === undefined || ids.topicId === null
      ? ''
      : `:t${check(TELEGRAM_ID, 'Telegram topic ID', ids.topicId)}`;
  return { platform: 'telegram', userId, id: `telegram:c${chat}${topic}:u${userId}` };
}

export function consoleSession(userName: string): SessionRef {
  const userId = check(CONSOLE_NAME, 'console user name', userName);
  return { platform: 'console', userId, id: `console:u${userId}` };
}

const SESSION_ID = /^[a-z]+(:[A-Za-z0-9_.-]+)+$/;
const PLATFORM = /^[a-z]{1,20}$/;
const USER_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Checks a SessionRef that did not come from the builders above (e.g. from a test or a store). */
export function assertSessionRef(session: SessionRef): void {
  if (!PLATFORM.test(session.platform))
    throw new InvalidSessionIdError('platform', session.platform);
  if (!USER_ID.test(session.userId)) throw new InvalidSessionIdError('user ID', session.userId);
  if (session.id.length > 200 || !SESSION_ID.test(session.id)) {
    throw new InvalidSessionIdError('session ID', session.id);
  }
}

/**
 * The chat a session belongs to, shared by everyone in it (its persona is kept under this ID):
 * the session ID without its person — `telegram:c-100123:t7` (a forum topic is a chat of its
 * own, as a Discord thread is a channel of its own), `discord:g1:c2`. A Discord DM and the
 * terminal belong to one person, so their chat is the session itself.
 */
export function chatOf(session: SessionRef): string {
  const person = `:u${session.userId}`;
  if (!session.id.endsWith(person)) return session.id;
  const chat = session.id.slice(0, -person.length);
  return chat === 'discord:dm' || chat === session.platform ? session.id : chat;
}
