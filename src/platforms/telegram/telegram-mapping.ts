import type { CallbackQuery, Message, MessageEntity, UserFromGetMe } from 'grammy/types';
import { InvalidSessionIdError, telegramSession } from '../../core/session-id.js';
import type { SessionRef } from '../../core/types.js';
import type { Place } from '../shared/access.js';
import { tidyAfterMention, type InboundTurn } from '../shared/inbound.js';
import { localeOf, type Locale } from '../shared/i18n/locales.js';
import type { ActionRequest } from '../shared/memory-commands.js';
import type { CommandRequest } from '../shared/turn-pipeline.js';
import { telegramAttachments, type TelegramAttachment } from './telegram-attachments.js';

/** Where an answer goes: the chat, the forum topic, and the message it replies to. */
export interface TelegramTarget {
  readonly chatId: number;
  readonly threadId?: number;
  readonly replyTo: number;
}

/**
 * A turn's attachments are photos, documents, voice and audio, fetched with `getFile` (unreadable
 * media too); its locale is the author's app language (`language_code`).
 */
export type Inbound =
  | (InboundTurn<TelegramAttachment> & { readonly target: TelegramTarget })
  /**
   * Only media the bot cannot read (a sticker, a video, a location, a PDF…), in a private chat or
   * addressed to the bot: answered with a short notice, without a model call.
   */
  | {
      readonly kind: 'not-text';
      readonly target: TelegramTarget;
      readonly place: Place;
      readonly locale?: Locale;
    }
  | { readonly kind: 'ignore'; readonly reason: string };

/** The session of a message's author in its chat (and forum topic, when the chat has topics). */
export function sessionOf(
  message: Pick<Message, 'chat' | 'from' | 'message_thread_id' | 'is_topic_message'>,
): SessionRef | undefined {
  if (!message.from) return undefined;
  try {
    return telegramSession({
      chatId: message.chat.id,
      userId: message.from.id,
      topicId: topicOf(message),
    });
  } catch (error) {
    // IDs that do not look like Telegram's never become keys: such a message is not for us.
    if (error instanceof InvalidSessionIdError) return undefined;
    throw error;
  }
}

/**
 * A pressed button of the bot's message as an action of the presser, in the presser's own session
 * where the message is; undefined when the message is gone or its IDs do not validate. A button
 * under a reply to someone else's command is `foreign`: only that person may use it.
 */
export function actionOf(query: CallbackQuery): ActionRequest | undefined {
  const message = query.message;
  if (!message || message.date === 0 || query.data === undefined || query.from.is_bot) {
    return undefined;
  }
  const session = sessionOf({ ...message, from: query.from });
  if (!session) return undefined;
  // The command the message answers (not a forum topic's root, which every topic message "replies" to).
  const asked = 'reply_to_message' in message ? message.reply_to_message : undefined;
  const askedBy = asked?.forum_topic_created ? undefined : asked?.from?.id;
  return {
    actionId: query.data,
    session,
    place: placeOf(message, query.from.id),
    foreign: askedBy !== undefined && askedBy !== query.from.id,
    locale: localeOf(query.from.language_code),
  };
}

export function targetOf(
  message: Pick<Message, 'chat' | 'message_id' | 'message_thread_id' | 'is_topic_message'>,
): TelegramTarget {
  return { chatId: message.chat.id, threadId: topicOf(message), replyTo: message.message_id };
}

function topicOf(
  message: Pick<Message, 'message_thread_id' | 'is_topic_message'>,
): number | undefined {
  return message.is_topic_message ? message.message_thread_id : undefined;
}

/**
 * Decides what a message means for the bot, with no network: a turn (with the bot's mention
 * stripped from the text or caption, and the message's files), an "I can only read…" notice, or
 * nothing. In private chats every message is a turn; in groups only a mention of the bot (in the
 * text or a caption), a text mention of it, or a reply to one of its messages. Commands are
 * handled before this is called. `maxImageBytes` picks the photo size to fetch.
 */
export function classifyMessage(
  message: Message,
  me: UserFromGetMe,
  options: { readonly maxImageBytes?: number } = {},
): Inbound {
  const from = message.from;
  if (!from) return { kind: 'ignore', reason: 'no author' };
  if (from.is_bot) return { kind: 'ignore', reason: 'from a bot' };
  if (message.chat.type === 'channel') return { kind: 'ignore', reason: 'channel' };
  const isPrivate = message.chat.type === 'private';
  const attachments = telegramAttachments(message, options.maxImageBytes);
  const text = message.text ?? message.caption;
  if (text === undefined && attachments.length === 0) {
    return { kind: 'ignore', reason: 'service message' };
  }
  const entities = (message.text !== undefined ? message.entities : message.caption_entities) ?? [];
  const ownMentions = entities.filter((entity) => isOwnMention(entity, text ?? '', me));
  const repliesToBot =
    message.reply_to_message?.from?.id === me.id &&
    // In forum topics, a message "replies" to the topic's creation message when it replies to
    // nothing; that is not a reply to the bot even if the bot created the topic.
    !message.reply_to_message.forum_topic_created;
  if (!isPrivate && ownMentions.length === 0 && !repliesToBot) {
    return { kind: 'ignore', reason: 'not addressed to the bot' };
  }
  const said = stripEntities(text ?? '', ownMentions);
  if (!said && attachments.length > 0 && attachments.every((a) => a.kind === 'unsupported')) {
    return {
      kind: 'not-text',
      target: targetOf(message),
      place: placeOf(message, from.id),
      locale: localeOf(from.language_code),
    };
  }
  const session = sessionOf(message);
  if (!session) return { kind: 'ignore', reason: 'no author or invalid id' };
  return {
    kind: 'turn',
    session,
    text: said,
    authorName:
      [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username || 'someone',
    target: targetOf(message),
    place: placeOf(message, from.id),
    private: isPrivate,
    attachments,
    locale: localeOf(from.language_code),
  };
}

/** Who is writing where, for the allowlists. */
export function placeOf(message: Pick<Message, 'chat'>, userId: number): Place {
  return { platform: 'telegram', userId: String(userId), chatId: String(message.chat.id) };
}

/**
 * The command a message starts with, when it is one for this bot: `/forget all` and
 * `/forget@this_bot all` in any chat, `/forget@other_bot` never. Undefined for anything else.
 */
export function commandOf(message: Message, me: UserFromGetMe): CommandRequest | undefined {
  const text = message.text;
  const entity = message.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!text || !entity || !message.from || message.from.is_bot) return undefined;
  const [command = '', username] = text.slice(1, entity.length).split('@');
  if (username !== undefined && username.toLowerCase() !== me.username.toLowerCase()) {
    return undefined;
  }
  const session = sessionOf(message);
  if (!session) return undefined;
  return {
    name: command.toLowerCase(),
    args: text.slice(entity.length).trim(),
    session,
    place: placeOf(message, message.from.id),
    private: message.chat.type === 'private',
    addressed: username !== undefined,
    displayName: message.from.first_name,
    locale: localeOf(message.from.language_code),
  };
}

function isOwnMention(entity: MessageEntity, text: string, me: UserFromGetMe): boolean {
  if (entity.type === 'text_mention') return entity.user.id === me.id;
  if (entity.type !== 'mention') return false;
  const mention = text.slice(entity.offset, entity.offset + entity.length);
  return mention.toLowerCase() === `@${me.username.toLowerCase()}`;
}

/** Removes the given entities (UTF-16 offsets, as JavaScript strings count) and tidies spaces. */
function stripEntities(text: string, entities: readonly MessageEntity[]): string {
  let result = text;
  for (const entity of [...entities].sort((a, b) => b.offset - a.offset)) {
    const isTextMention = entity.type === 'text_mention';
    // A text mention is the user's name written out; keep it readable, drop only @username.
    if (isTextMention) continue;
    result = result.slice(0, entity.offset) + result.slice(entity.offset + entity.length);
  }
  return tidyAfterMention(result);
}
