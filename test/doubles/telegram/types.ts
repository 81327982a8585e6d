/**
 * The public types of the fake Telegram Bot API server: what a test configures, calls and asserts.
 * grammY's types are imported as types only.
 */
import type {
  BotCommand,
  Chat,
  Message,
  MessageEntity,
  ReplyParameters,
  ResponseParameters,
  Update,
  User,
  UserFromGetMe,
} from 'grammy/types';
import type { UploadedFile } from './files.js';
import type { MemberStatus } from './methods/members.js';

/** A chat a user can write in: private chats, groups and supergroups (channels have no `from`). */
export type NonChannelChat = Exclude<Chat, Chat.ChannelChat>;

/** The JSON body Telegram answers with; the HTTP status equals `error_code` on failures. */
export type TelegramResponse =
  | { ok: true; result: unknown; description?: string }
  | { ok: false; error_code: number; description: string; parameters?: ResponseParameters };

/** One API call as it arrived, recorded before it is answered. */
export interface RecordedCall {
  /** Canonical method name (`sendMessage`), whatever case the client used; unknown ones as sent. */
  method: string;
  /** Query string and body merged; JSON bodies keep their types, form values are strings. */
  params: Record<string, unknown>;
  /** `Date.now()` when the body had been read. */
  at: number;
  /** HTTP status of the answer; `undefined` while a long poll is held open, 0 for a dropped socket. */
  status?: number;
  /** The JSON answer; `undefined` while held open and for injected raw (non-JSON) failures. */
  response?: TelegramResponse;
}

/**
 * A failure injected with {@link FakeTelegramServer.failNext}.
 *
 * - Telegram's own error shape: `{ error_code, description?, retry_after?, migrate_to_chat_id? }`.
 *   `description` defaults to Telegram's wording for the code (429: "Too Many Requests: retry after
 *   N", 403: "Forbidden: bot was blocked by the user", 500: "Internal Server Error", …);
 *   `retry_after` becomes `parameters.retry_after` and a `Retry-After` header, as Telegram sends.
 * - `{ httpStatus, body }`: a raw answer, e.g. a proxy's HTML 502 page; grammY fails to parse it and
 *   throws an `HttpError` instead of a `GrammyError`.
 * - `{ dropConnection: true }`: the socket is destroyed without an answer (also an `HttpError`).
 */
export type InjectedFailure =
  | { error_code: number; description?: string; retry_after?: number; migrate_to_chat_id?: number }
  | { httpStatus: number; body: string }
  | { dropConnection: true };

/** A message the bot sent, as Telegram stores it; edits and deletion update it in place. */
export interface SentMessage {
  readonly chat_id: number;
  readonly message_id: number;
  /** Forum topic (or private-chat topic) the message went to; absent elsewhere. */
  readonly message_thread_id?: number;
  /** The message it replies to (explicit reply only, not the topic's root message). */
  readonly reply_to_message_id?: number;
  /** `reply_parameters` as the bot sent them (the legacy `reply_to_message_id` is folded in). */
  readonly reply_parameters?: ReplyParameters;
  /** Current text as users see it: markup parsed, entities decoded, trimmed. */
  text: string;
  /** Current entities (UTF-16 offsets), including ones Telegram detects (urls, mentions, …). */
  entities: MessageEntity[];
  /** `parse_mode` of the last send or edit, as given. */
  parse_mode?: string;
  /** The `text` parameter of the last send or edit, markup included. */
  source: string;
  /** Texts after each successful edit, oldest first (so `edits.at(-1) === text` once edited). */
  edits: string[];
  deleted: boolean;
  /** The message as Telegram would return it now. */
  message: Message;
}

/**
 * Extra fields of a message a user sends, in Telegram's names (`entities`, `message_thread_id`,
 * `is_topic_message`, `reply_to_message`, `photo`, `sticker`, `caption`, `forward_origin`, …),
 * merged into the Message. `reply_to_message_id` is a shorthand: the id of a message of the same
 * chat that the fake knows (sent by the bot or injected), looked up and stripped of its own reply.
 */
export type IncomingMessageExtra = Partial<
  Omit<Message, 'message_id' | 'date' | 'chat' | 'from' | 'text'>
> & { reply_to_message_id?: number };

/** Webhook settings as the last `setWebhook` left them; `url` is undefined when none is set. */
export interface WebhookState {
  url?: string;
  secret_token?: string;
  max_connections?: number;
  allowed_updates?: string[];
}

export interface FakeTelegramServerOptions {
  /**
   * The one token the server accepts (default `1234567:AAFakeTokenForTests-...`). Like real tokens
   * it starts with the bot's user id, which `getMe` reports; other well-formed tokens get 401
   * "Unauthorized", malformed ones 401 "Unauthorized: invalid token specified".
   */
  token?: string;
  /** Default `fake_chatmem_bot`. */
  botUsername?: string;
  /** Default `Fake ChatMem`. */
  botFirstName?: string;
  /**
   * First `update_id` handed out (default 100000001): real ids are large, so code that assumes
   * they start at 0 or 1 fails here too.
   */
  firstUpdateId?: number;
  /** Default 127.0.0.1: loopback only, no firewall prompt, no IPv6 surprises. */
  host?: string;
  /**
   * How long an idle connection stays open (default 1000 ms: idle sockets go away soon). HTTP
   * clients (Node's agent under grammY) stop reusing a connection whose server announces 1 s or
   * less, so a benchmark of many calls passes a longer one.
   */
  keepAliveTimeoutMs?: number;
}

export interface FakeTelegramServer {
  /** `http://127.0.0.1:<port>` — for grammY's `client.apiRoot` or `TELEGRAM_API_ROOT`. */
  readonly apiRoot: string;
  readonly token: string;
  /** What `getMe` answers. */
  readonly botUser: UserFromGetMe;
  /** Every call that reached `/bot<token>/<method>` (wrong tokens included), in arrival order. */
  readonly calls: RecordedCall[];
  /** Calls to `method` (case-insensitive), in order. */
  callsTo(method: string): RecordedCall[];

  /**
   * A user sends a text message: queues a `message` update and returns it. Assigns `update_id`,
   * `message_id` (per chat) and `date`; detects `mention`, `bot_command`, `hashtag`, `cashtag`,
   * `url` and `email` entities with UTF-16 offsets, as Telegram does, unless `extra.entities` is
   * given. In a forum supergroup a `message_thread_id` makes it a topic message
   * (`is_topic_message: true`) that replies to the topic's root message when
   * {@link createForumTopic} made that topic. An empty `text` leaves `text` out (for media).
   * Throws on test mistakes (a private chat whose id is not the sender's, an unknown reply id).
   */
  sendMessage(from: User, chat: NonChannelChat, text: string, extra?: IncomingMessageExtra): Update;
  /** A user edits a message they sent: queues an `edited_message` update and returns it. */
  editMessage(chatId: number, messageId: number, text: string): Update;
  /**
   * A user creates a topic in a forum supergroup: queues the `forum_topic_created` service message
   * and returns the topic's `message_thread_id` (the id of that message) with the update.
   */
  createForumTopic(
    from: User,
    chat: Chat.SupergroupChat,
    name: string,
  ): { message_thread_id: number; update: Update };
  /**
   * Queues a raw update (edited messages, service messages, callback queries, member updates…) and
   * returns it with its `update_id`. Chats, messages and callback query ids in it become known.
   * Like Telegram, an update of a type outside the current `allowed_updates` is dropped: it is
   * returned with `update_id: 0` and never delivered.
   */
  pushUpdate(update: Omit<Update, 'update_id'>): Update;
  /** Updates queued and not yet confirmed by a `getUpdates` offset, oldest first. */
  pendingUpdates(): Update[];
  /**
   * A user uploads a file: `getFile` will hand out its path and `/file/bot<token>/<path>` its
   * bytes. Returns the `file_id`, `file_unique_id` and true `file_size` to put in a message's
   * `photo`, `document`, `voice` or `audio` (a test may declare another size there, to lie).
   * `name` gives the path its extension.
   */
  addFile(bytes: Uint8Array, name?: string): UploadedFile;
  /** `file_path`s the bot downloaded, in order. */
  downloads(): string[];
  /**
   * Gives a user a status in a chat for `getChatMember` (`creator` and `administrator` are the
   * chat's admins). Unset: `member` once they wrote in the chat, else `left`.
   */
  setMemberStatus(chatId: number, userId: number, status: MemberStatus): void;

  /** Messages the bot sent (deleted ones included, flagged), in send order; optionally one chat's. */
  sentMessages(chatId?: number): SentMessage[];
  /**
   * Resolves once `predicate()` holds (checked every 5 ms); rejects after `timeoutMs` (default
   * 5000, well below vitest's test timeout so the failure names the condition, not the test) with
   * the last calls in the message.
   */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** The next `times` (default 1) calls to `method` fail with `failure` before being looked at. */
  failNext(method: string, failure: InjectedFailure, times?: number): void;
  /** Webhook settings from `setWebhook`, cleared by `deleteWebhook`. */
  readonly webhook: Readonly<WebhookState>;
  /**
   * Commands `setMyCommands` stored for exactly this scope (default `{ type: 'default' }`) and
   * language (default ''), like `getMyCommands`: no fallback to broader scopes.
   */
  commands(scope?: Record<string, unknown>, languageCode?: string): BotCommand[];
  /**
   * Answers a held long poll with `[]`, then stops listening and closes every socket. Stop bots
   * first: a bot still polling would retry against the closed port. Idempotent.
   */
  close(): Promise<void>;
}
