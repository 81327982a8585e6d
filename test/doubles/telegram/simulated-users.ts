/**
 * What the test makes users do: send a message, edit it, open a forum topic. Each becomes an update
 * shaped the way Telegram shapes it, queued for the bot's next \`getUpdates\`.
 */
import type { Chat, Message, Update, User } from 'grammy/types';
import { toMessageEntity } from './entities/draft.js';
import { findEntities } from './entities/find-entities.js';
import { asReplyTarget, isForum, unixNow, type TelegramState } from './state.js';
import type { IncomingMessageExtra, NonChannelChat } from './types.js';

export function userSends(
  state: TelegramState,
  from: User,
  chat: NonChannelChat,
  text: string,
  extra: IncomingMessageExtra = {},
): Update {
  if (chat.type === 'private' && chat.id !== from.id) {
    throw new Error(
      `A private chat has the id of the user in it: chat ${chat.id} cannot have messages from user ${from.id}. Use privateChat(user).`,
    );
  }
  const record = state.chatRecord(chat);
  state.users.set(from.id, from);
  const { reply_to_message_id: replyToId, ...fields } = extra;
  let replyTo = fields.reply_to_message;
  if (replyToId !== undefined) {
    const stored = record.messages.get(replyToId);
    if (stored === undefined) {
      throw new Error(`Chat ${chat.id} has no message ${replyToId} to reply to.`);
    }
    replyTo = asReplyTarget(stored.message);
  }
  let thread = fields.message_thread_id;
  if (thread === undefined && isForum(chat) && replyTo?.is_topic_message === true) {
    thread = replyTo.message_thread_id;
  }
  const inTopic = thread !== undefined && isForum(chat);
  if (inTopic && replyTo === undefined) {
    const root = record.topicRoots.get(thread ?? 0);
    if (root !== undefined) replyTo = asReplyTarget(root);
  }
  const entities = fields.entities ?? (text === '' ? [] : findEntities(text).map(toMessageEntity));
  const captionEntities =
    fields.caption_entities ??
    (fields.caption !== undefined ? findEntities(fields.caption).map(toMessageEntity) : []);
  const message: Message & Update.NonChannel = {
    ...fields,
    message_id: record.nextMessageId,
    from,
    chat,
    date: unixNow(),
    ...(thread !== undefined ? { message_thread_id: thread } : {}),
    ...(inTopic ? { is_topic_message: fields.is_topic_message ?? true } : {}),
    ...(replyTo !== undefined ? { reply_to_message: replyTo } : {}),
    ...(text !== '' ? { text } : {}),
    ...(entities.length > 0 ? { entities } : {}),
    ...(captionEntities.length > 0 ? { caption_entities: captionEntities } : {}),
  };
  if (entities.length === 0) delete message.entities;
  return state.enqueue({ message });
}

export function userEdits(
  state: TelegramState,
  chatId: number,
  messageId: number,
  text: string,
): Update {
  const stored = state.chats.get(chatId)?.messages.get(messageId);
  if (stored === undefined || stored.byBot || stored.message.from === undefined) {
    throw new Error(`Chat ${chatId} has no message ${messageId} sent by a user.`);
  }
  const edited: Message & Update.NonChannel & Update.Edited = {
    ...stored.message,
    from: stored.message.from,
    chat: stored.message.chat as NonChannelChat,
    text,
    edit_date: unixNow(),
  };
  delete edited.entities;
  const entities = findEntities(text).map(toMessageEntity);
  if (entities.length > 0) edited.entities = entities;
  return state.enqueue({ edited_message: edited });
}

export function userCreatesTopic(
  state: TelegramState,
  from: User,
  chat: Chat.SupergroupChat,
  name: string,
): { message_thread_id: number; update: Update } {
  if (chat.is_forum !== true) {
    throw new Error(
      `Chat ${chat.id} is not a forum; use supergroupChat(id, title, { isForum: true }).`,
    );
  }
  const record = state.chatRecord(chat);
  state.users.set(from.id, from);
  const id = record.nextMessageId;
  const message: Message & Update.NonChannel = {
    message_id: id,
    from,
    chat,
    date: unixNow(),
    message_thread_id: id,
    is_topic_message: true,
    forum_topic_created: { name, icon_color: 0x6fb9f0 },
  };
  record.topics.add(id);
  record.topicRoots.set(id, message);
  return { message_thread_id: id, update: state.enqueue({ message }) };
}
