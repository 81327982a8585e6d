/** Builders for realistic Telegram users and chats (ids in the ranges Telegram uses). */
import type { Chat, User } from 'grammy/types';

/** A human user; `extra` adds `last_name`, `username`, `language_code`, `is_premium`, … */
export function makeUser(
  id: number,
  firstName: string,
  extra: Partial<Omit<User, 'id' | 'first_name' | 'is_bot'>> = {},
): User {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new RangeError(`User ids are positive integers, got ${id}.`);
  }
  return { id, is_bot: false, first_name: firstName, ...extra };
}

/** The private chat with `user`: Telegram gives it the user's id and names. */
export function privateChat(user: User): Chat.PrivateChat {
  return {
    id: user.id,
    type: 'private',
    first_name: user.first_name,
    ...(user.last_name !== undefined ? { last_name: user.last_name } : {}),
    ...(user.username !== undefined ? { username: user.username } : {}),
  };
}

/** A basic group; Telegram gives groups small negative ids such as -4012345678. */
export function groupChat(id: number, title: string): Chat.GroupChat {
  if (!Number.isSafeInteger(id) || id >= 0 || id <= -1_000_000_000_000) {
    throw new RangeError(
      `Group ids are negative and above -1000000000000 (e.g. -4012345678), got ${id}; supergroups use supergroupChat().`,
    );
  }
  return { id, type: 'group', title };
}

/**
 * A supergroup; Telegram gives them ids of the form -100xxxxxxxxxx. `isForum` turns topics on,
 * which makes `message_thread_id` meaningful.
 */
export function supergroupChat(
  id: number,
  title: string,
  options: { isForum?: boolean; username?: string } = {},
): Chat.SupergroupChat {
  if (!Number.isSafeInteger(id) || id > -1_000_000_000_000) {
    throw new RangeError(
      `Supergroup ids look like -100xxxxxxxxxx (e.g. -1001234567890), got ${id}; basic groups use groupChat().`,
    );
  }
  return {
    id,
    type: 'supergroup',
    title,
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.isForum === true ? { is_forum: true } : {}),
  };
}
