/**
 * What the fake Telegram knows: chats and their messages, users, the update queue, webhook and
 * command settings, and every call recorded. The API methods, the long poll and the simulated
 * users all read and change this one object.
 */
import type { BotCommand, Chat, Message, Update, User, UserFromGetMe } from 'grammy/types';
import type { UserLookup } from './entities/draft.js';
import { FileStore } from './files.js';
import type { MemberStatus } from './methods/members.js';
import type { InjectedFailure, RecordedCall, SentMessage, WebhookState } from './types.js';

export interface StoredMessage {
  message: Message;
  byBot: boolean;
  deleted: boolean;
  sent?: SentMessage;
}

export interface ChatRecord {
  chat: Chat;
  nextMessageId: number;
  messages: Map<number, StoredMessage>;
  /** Forum topics known: created with createForumTopic or seen in injected messages. */
  topics: Set<number>;
  /** Root (`forum_topic_created`) message of each topic created with createForumTopic. */
  topicRoots: Map<number, Message>;
}

/** Default `allowed_updates`: everything except these (Bot API `DEFAULT_ALLOWED_UPDATE_TYPES`). */
const EXCLUDED_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

/** Telegram's clock: whole seconds since the epoch. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

export function isForum(chat: Chat): boolean {
  return chat.type === 'supergroup' && chat.is_forum === true;
}

/** A copy of a message fit for `reply_to_message`: Telegram does not nest replies further. */
export function asReplyTarget(message: Message): Message & { reply_to_message: undefined } {
  const copy = { ...message };
  delete copy.reply_to_message;
  return { ...copy, reply_to_message: undefined };
}

/** The type of an update: its one field besides `update_id`. */
function updateType(update: Omit<Update, 'update_id'>): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? '';
}

export class TelegramState {
  readonly calls: RecordedCall[] = [];
  readonly chats = new Map<number, ChatRecord>();
  readonly users = new Map<number, User>();
  /** Messages the bot sent, in send order. */
  readonly sent: SentMessage[] = [];
  /** Failures injected with `failNext`, by lower-case method name. */
  readonly failures = new Map<string, InjectedFailure[]>();
  readonly commandSets = new Map<string, BotCommand[]>();
  /** Callback queries not answered yet. */
  readonly callbackQueries = new Set<string>();
  /** Files users uploaded, served by `getFile` and `/file/bot<token>/<path>`. */
  readonly files = new FileStore();
  /** Statuses set with `setMemberStatus`, by `<chat id>:<user id>` (getChatMember). */
  readonly memberStatuses = new Map<string, MemberStatus>();
  /** Updates not yet confirmed by a `getUpdates` offset, oldest first. */
  queue: Update[] = [];
  nextUpdateId: number;
  allowedUpdates: ReadonlySet<string> | 'default' = 'default';
  webhook: WebhookState = {};
  /** Called after an update is queued; the long poll sets it to answer a held request. */
  onQueued: () => void = () => undefined;
  /** The bot as the `from` of its messages. */
  readonly botAsSender: User;

  constructor(
    readonly botUser: UserFromGetMe,
    firstUpdateId: number,
  ) {
    this.nextUpdateId = firstUpdateId;
    this.botAsSender = {
      id: botUser.id,
      is_bot: true,
      first_name: botUser.first_name,
      username: botUser.username,
    };
  }

  /** Finds users for `tg://user?id=` links and `text_mention` entities. */
  readonly userById: UserLookup = (id) =>
    id === this.botUser.id ? this.botAsSender : this.users.get(id);

  chatRecord(chat: Chat): ChatRecord {
    let record = this.chats.get(chat.id);
    if (record === undefined) {
      record = {
        chat,
        // In a forum, message 1 opened the General topic, whose thread id 1 is not addressable.
        nextMessageId: isForum(chat) ? 2 : 1,
        messages: new Map(),
        topics: new Set(),
        topicRoots: new Map(),
      };
      this.chats.set(chat.id, record);
    } else record.chat = chat; // the latest description of a chat wins, as in updates
    return record;
  }

  /** Queues an update unless its type is not allowed (then it has `update_id: 0`). */
  enqueue(update: Omit<Update, 'update_id'>): Update {
    this.learn(update);
    if (!this.isAllowed(updateType(update))) return { ...update, update_id: 0 };
    const full: Update = { ...update, update_id: this.nextUpdateId++ };
    this.queue.push(full);
    this.onQueued();
    return full;
  }

  /** Forgets updates confirmed by `offset`, as `getUpdates` does (negative: keep the last -offset). */
  confirm(offset: number): void {
    if (offset < 0) this.queue = this.queue.slice(Math.max(0, this.queue.length + offset));
    else if (offset > 0 && offset <= this.nextUpdateId) {
      this.queue = this.queue.filter((update) => update.update_id >= offset);
    }
    // An offset beyond the last update id confirms nothing: the Bot API falls back to the head.
  }

  setAllowedUpdates(value: unknown): void {
    let list = value;
    if (typeof list === 'string') {
      try {
        list = JSON.parse(list) as unknown;
      } catch {
        return;
      }
    }
    if (!Array.isArray(list)) return;
    const names = (list as unknown[]).filter((v): v is string => typeof v === 'string');
    this.allowedUpdates =
      names.length === 0 ? 'default' : new Set(names.map((n) => n.toLowerCase()));
  }

  private isAllowed(type: string): boolean {
    return this.allowedUpdates === 'default'
      ? !EXCLUDED_BY_DEFAULT.has(type)
      : this.allowedUpdates.has(type);
  }

  /** Makes chats, users, messages and callback queries of an incoming update known. */
  private learn(update: Omit<Update, 'update_id'>): void {
    const rememberMessage = (message: Message | undefined): void => {
      if (message === undefined) return;
      const record = this.chatRecord(message.chat);
      if (message.from !== undefined) this.users.set(message.from.id, message.from);
      if (message.message_id > 0) {
        const existing = record.messages.get(message.message_id);
        record.messages.set(message.message_id, {
          message,
          byBot: existing?.byBot ?? message.from?.id === this.botUser.id,
          deleted: false,
          ...(existing?.sent !== undefined ? { sent: existing.sent } : {}),
        });
        record.nextMessageId = Math.max(record.nextMessageId, message.message_id + 1);
      }
      if (isForum(message.chat) && message.message_thread_id !== undefined) {
        record.topics.add(message.message_thread_id);
      }
    };
    rememberMessage(update.message);
    rememberMessage(update.edited_message);
    rememberMessage(update.channel_post);
    rememberMessage(update.edited_channel_post);
    const callback = update.callback_query;
    if (callback !== undefined) {
      this.callbackQueries.add(callback.id);
      this.users.set(callback.from.id, callback.from);
      if (callback.message !== undefined && callback.message.date !== 0) {
        rememberMessage(callback.message as Message);
      }
    }
    for (const member of [update.my_chat_member, update.chat_member, update.chat_join_request]) {
      if (member !== undefined) {
        this.chatRecord(member.chat);
        this.users.set(member.from.id, member.from);
      }
    }
  }
}
