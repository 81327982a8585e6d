/**
 * The message methods: sendMessage, editMessageText, deleteMessage, sendChatAction and
 * answerCallbackQuery, with the Bot API's checks and error texts.
 */
import type {
  InlineKeyboardMarkup,
  LinkPreviewOptions,
  Message,
  MessageEntity,
  ReplyParameters,
} from 'grammy/types';
import { isRecord } from '../../shared/is-record.js';
import { badRequest } from '../api-error.js';
import { formatOrThrow } from '../entities/format-message-text.js';
import type { Params } from '../params.js';
import {
  asReplyTarget,
  isForum,
  unixNow,
  type ChatRecord,
  type StoredMessage,
  type TelegramState,
} from '../state.js';
import type { SentMessage } from '../types.js';

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

/** The chat `chat_id` names: a known numeric id or `@username`. */
function resolveChat(state: TelegramState, params: Params): ChatRecord {
  const raw = params.raw('chat_id');
  if (raw === undefined) throw badRequest('chat_id is empty');
  let record: ChatRecord | undefined;
  if (typeof raw === 'number') record = state.chats.get(raw);
  else if (typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw)) {
    record = state.chats.get(Number(raw));
  } else if (typeof raw === 'string' && raw.startsWith('@')) {
    const name = raw.slice(1).toLowerCase();
    record = [...state.chats.values()].find((r) => r.chat.username?.toLowerCase() === name);
  }
  if (record === undefined) throw badRequest('chat not found');
  return record;
}

/**
 * `message_thread_id` as the Bot API checks it: required to name a known topic in forums (the
 * General topic, 1, is refused) and in private chats; ignored in other chats.
 */
function resolveThread(record: ChatRecord, params: Params): number | undefined {
  const thread = params.integer('message_thread_id');
  if (thread === undefined || thread === 0) return undefined;
  const chat = record.chat;
  if (isForum(chat) || chat.type === 'private') {
    if (thread === 1 || !record.topics.has(thread)) throw badRequest('message thread not found');
    return thread;
  }
  return undefined;
}

function resolveReply(
  record: ChatRecord,
  params: Params,
): { stored: StoredMessage; parameters: ReplyParameters } | undefined {
  const value = params.json('reply_parameters', 'reply parameters');
  let messageId: number | undefined;
  let allowWithout: boolean;
  let parameters: ReplyParameters | undefined;
  if (isRecord(value)) {
    if (typeof value.message_id !== 'number') {
      throw badRequest("can't parse reply parameters JSON object");
    }
    messageId = value.message_id;
    allowWithout = value.allow_sending_without_reply === true;
    parameters = value as unknown as ReplyParameters;
  } else {
    messageId = params.integer('reply_to_message_id');
    allowWithout = params.boolean('allow_sending_without_reply');
    if (messageId !== undefined) {
      parameters = {
        message_id: messageId,
        ...(allowWithout ? { allow_sending_without_reply: true } : {}),
      };
    }
  }
  if (messageId === undefined || messageId <= 0 || parameters === undefined) return undefined;
  // Replies to other chats (reply_parameters.chat_id) are looked up in this chat: simplified.
  const stored = record.messages.get(messageId);
  if (stored === undefined || stored.deleted) {
    if (allowWithout) return undefined;
    throw badRequest('message to be replied not found');
  }
  return { stored, parameters };
}

function inlineKeyboard(params: Params): InlineKeyboardMarkup | undefined {
  const markup = params.json('reply_markup', 'reply keyboard markup');
  if (markup === undefined) return undefined;
  if (!isRecord(markup)) throw badRequest('object expected as reply markup');
  return Array.isArray(markup.inline_keyboard)
    ? (markup as unknown as InlineKeyboardMarkup)
    : undefined;
}

function linkPreview(params: Params): LinkPreviewOptions | undefined {
  const value = params.json('link_preview_options', 'link preview options');
  if (value === undefined) {
    return params.boolean('disable_web_page_preview') ? { is_disabled: true } : undefined;
  }
  if (!isRecord(value)) throw badRequest('object expected as link preview options');
  return value as LinkPreviewOptions;
}

function textOf(
  state: TelegramState,
  params: Params,
): { text: string; entities: MessageEntity[]; source: string } {
  const source = params.string('text') ?? '';
  const formatted = formatOrThrow(
    source,
    params.string('parse_mode'),
    params.json('entities', 'message entities'),
    state.userById,
  );
  return { ...formatted, source };
}

export function sendMessage(state: TelegramState, params: Params): Message {
  // Like the Bot API: the markup is parsed before the chat is looked up.
  const formatted = textOf(state, params);
  const record = resolveChat(state, params);
  let thread = resolveThread(record, params);
  const reply = resolveReply(record, params);
  if (
    thread === undefined &&
    isForum(record.chat) &&
    reply?.stored.message.is_topic_message === true
  ) {
    thread = reply.stored.message.message_thread_id;
  }
  const keyboard = inlineKeyboard(params);
  const preview = linkPreview(params);
  const replyTarget =
    reply?.stored.message ?? (thread !== undefined ? record.topicRoots.get(thread) : undefined);
  const message: Message = {
    message_id: record.nextMessageId++,
    from: state.botAsSender,
    chat: record.chat,
    date: unixNow(),
    ...(thread !== undefined ? { message_thread_id: thread, is_topic_message: true } : {}),
    ...(replyTarget !== undefined ? { reply_to_message: asReplyTarget(replyTarget) } : {}),
    text: formatted.text,
    ...(formatted.entities.length > 0 ? { entities: formatted.entities } : {}),
    ...(preview !== undefined ? { link_preview_options: preview } : {}),
    ...(keyboard !== undefined ? { reply_markup: keyboard } : {}),
  };
  const parseMode = params.string('parse_mode');
  const sentMessage: SentMessage = {
    chat_id: record.chat.id,
    message_id: message.message_id,
    ...(thread !== undefined ? { message_thread_id: thread } : {}),
    ...(reply !== undefined
      ? {
          reply_to_message_id: reply.stored.message.message_id,
          reply_parameters: reply.parameters,
        }
      : {}),
    text: formatted.text,
    entities: formatted.entities,
    ...(parseMode !== undefined ? { parse_mode: parseMode } : {}),
    source: formatted.source,
    edits: [],
    deleted: false,
    message,
  };
  record.messages.set(message.message_id, {
    message,
    byBot: true,
    deleted: false,
    sent: sentMessage,
  });
  state.sent.push(sentMessage);
  return message;
}

function findMessage(state: TelegramState, params: Params, notFound: string): StoredMessage {
  if (params.raw('inline_message_id') !== undefined) {
    throw badRequest('inline messages are not supported by the fake Telegram server');
  }
  const record = resolveChat(state, params);
  const messageId = params.integer('message_id');
  if (messageId === undefined) throw badRequest('message identifier is not specified');
  const stored = record.messages.get(messageId);
  if (stored === undefined || stored.deleted) throw badRequest(notFound);
  return stored;
}

export function editMessageText(state: TelegramState, params: Params): Message {
  const formatted = textOf(state, params);
  const stored = findMessage(state, params, 'message to edit not found');
  if (!stored.byBot || stored.sent === undefined) throw badRequest("message can't be edited");
  const keyboard = inlineKeyboard(params);
  const old = stored.message;
  if (
    old.text === formatted.text &&
    JSON.stringify(old.entities ?? []) === JSON.stringify(formatted.entities) &&
    JSON.stringify(old.reply_markup) === JSON.stringify(keyboard)
  ) {
    throw badRequest(NOT_MODIFIED);
  }
  const preview = linkPreview(params);
  const message: Message = { ...old, text: formatted.text, edit_date: unixNow() };
  delete message.entities;
  delete message.reply_markup;
  if (formatted.entities.length > 0) message.entities = formatted.entities;
  if (keyboard !== undefined) message.reply_markup = keyboard;
  if (preview !== undefined) message.link_preview_options = preview;
  stored.message = message;
  const record = stored.sent;
  record.text = formatted.text;
  record.entities = formatted.entities;
  record.source = formatted.source;
  const parseMode = params.string('parse_mode');
  if (parseMode !== undefined) record.parse_mode = parseMode;
  else delete record.parse_mode;
  record.edits.push(formatted.text);
  record.message = message;
  return message;
}

export function deleteMessage(state: TelegramState, params: Params): true {
  const stored = findMessage(state, params, 'message to delete not found');
  stored.deleted = true;
  if (stored.sent !== undefined) stored.sent.deleted = true;
  return true;
}

export function sendChatAction(state: TelegramState, params: Params): true {
  const record = resolveChat(state, params);
  resolveThread(record, params);
  const action = params.string('action') ?? '';
  if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
  return true;
}

export function answerCallbackQuery(state: TelegramState, params: Params): true {
  const id = params.string('callback_query_id') ?? '';
  if (!state.callbackQueries.delete(id)) {
    throw badRequest('query is too old and response timeout expired or query ID is invalid');
  }
  return true;
}
