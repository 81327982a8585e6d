/** getChatMember: who a user is in a chat, as set by the test (`setMemberStatus`). */
import type { ChatMember, User } from 'grammy/types';
import { badRequest } from '../api-error.js';
import type { Params } from '../params.js';
import type { TelegramState } from '../state.js';

/** The statuses a test may give a user in a chat. */
export type MemberStatus = 'creator' | 'administrator' | 'member' | 'left';

/**
 * getChatMember, with the Bot API's checks: the chat must be known (else "chat not found"), the
 * user too (else "user not found"). A user's status is what the test set, else `member` once
 * they wrote in the chat and `left` otherwise; in a private chat its user is a `member`.
 */
export function getChatMember(state: TelegramState, params: Params): ChatMember {
  const chatId = params.integer('chat_id');
  const userId = params.integer('user_id');
  if (userId === undefined) throw badRequest('invalid user_id specified');
  const record = chatId === undefined ? undefined : state.chats.get(chatId);
  if (!record) throw badRequest('chat not found');
  const user = state.users.get(userId);
  if (!user) throw badRequest('user not found');
  const wrote = [...record.messages.values()].some((m) => m.message.from?.id === userId);
  const status =
    state.memberStatuses.get(`${record.chat.id}:${userId}`) ?? (wrote ? 'member' : 'left');
  return memberOf(user, status);
}

function memberOf(user: User, status: MemberStatus): ChatMember {
  switch (status) {
    case 'creator':
      return { status, user, is_anonymous: false };
    case 'administrator':
      return {
        status,
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_send_welcome_messages: false,
      };
    case 'left':
    case 'member':
      return { status, user };
  }
}
