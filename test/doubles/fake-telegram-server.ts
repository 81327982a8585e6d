/**
 * A fake Telegram Bot API server for end-to-end tests: real HTTP on 127.0.0.1, so the real grammY
 * `Bot` is exercised end to end — its node-fetch client, long polling, `bot.stop()`, transformers
 * such as @grammyjs/auto-retry, and @grammyjs/runner — while api.telegram.org stays unreachable.
 *
 * It simulates Telegram for ONE bot token. Behaviour and error texts follow the open-source Bot API
 * server (tdlib/telegram-bot-api, `Client.cpp`) and tdlib's text parsers (`MessageEntity.cpp`)
 * where that was practical; the doc comments below name the places where it is simpler.
 *
 * Only `node:http`; no dependency beyond Node itself (grammY's types are imported as types only).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  BotCommand,
  Chat,
  InlineKeyboardMarkup,
  LinkPreviewOptions,
  Message,
  MessageEntity,
  ReplyParameters,
  ResponseParameters,
  Update,
  User,
  UserFromGetMe,
} from 'grammy/types';

// ─── Public types ────────────────────────────────────────────────────────────────────────────────

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

// ─── Builders for realistic users and chats ──────────────────────────────────────────────────────

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

// ─── Text formatting, the way Telegram parses it ─────────────────────────────────────────────────

type EntityType = MessageEntity['type'];
type DateTimeFormat = MessageEntity.DateTimeMessageEntity['date_time_format'];

/** An entity while it is being built; turned into a `MessageEntity` at the end. */
interface Draft {
  type: EntityType;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
  user?: User;
  unix_time?: number;
  date_time_format?: DateTimeFormat;
}

/** Finds users for `tg://user?id=` links, which become `text_mention` entities. */
type UserLookup = (id: number) => User | undefined;

/** A parser's error text, which the Bot API reports as "Bad Request: can't parse entities: …". */
class EntityParseError extends Error {}

function parseFailure(message: string): never {
  throw new EntityParseError(message);
}

/** The UTF-8 byte offset of UTF-16 index `index`: Telegram's parse errors count bytes. */
function byteOffset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, index), 'utf8');
}

/** tdlib's `is_space`; past the end counts as space, as the C string's terminating NUL does. */
function isSpaceAt(text: string, index: number): boolean {
  return index >= text.length || ' \t\r\n\v\f\0'.includes(text.charAt(index));
}

/** tdlib's `sort_entities`: offset ascending, then length descending, then a type priority. */
const TYPE_PRIORITY: Partial<Record<EntityType, number>> = {
  blockquote: 0,
  expandable_blockquote: 0,
  pre: 11,
  code: 20,
  text_link: 49,
  text_mention: 49,
  bold: 90,
  italic: 91,
  underline: 92,
  strikethrough: 93,
  spoiler: 94,
  custom_emoji: 99,
};

function priorityOf(draft: Draft): number {
  if (draft.type === 'pre' && draft.language !== undefined) return 10;
  return TYPE_PRIORITY[draft.type] ?? 50;
}

function sortDrafts(drafts: Draft[]): Draft[] {
  return drafts.sort(
    (a, b) => a.offset - b.offset || b.length - a.length || priorityOf(a) - priorityOf(b),
  );
}

const DATE_TIME_FORMAT = /^(?:r|w?[dD]?[tT]?)$/;

function isDateTimeFormat(value: string): value is DateTimeFormat {
  return DATE_TIME_FORMAT.test(value);
}

/**
 * tdlib's `get_checked_link`, simplified: http(s) URLs and bare domains (made `http://…`) need a
 * dotted host name or an IPv4 address and get a `/` path when they have none; `tg:` and `ton:`
 * links are kept; anything else (or anything with whitespace) is not a link, so the entity is
 * dropped silently, as Telegram does. Unlike WHATWG `URL`, nothing is percent-encoded.
 */
function checkedLink(url: string): string | undefined {
  if (url === '' || /\s/.test(url)) return undefined;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'tg' || scheme === 'ton') return url;
  let candidate: string;
  if (scheme === 'http' || scheme === 'https') candidate = url;
  else if (scheme === undefined || /^[^:/]+:\d+(?:[/?#]|$)/.test(url)) candidate = `http://${url}`;
  else return undefined;
  const parts = /^([a-zA-Z]+):\/\/([^/?#]*)(.*)$/.exec(candidate);
  if (parts === null) return undefined;
  const [, protocol = '', authority = '', rest = ''] = parts;
  const host = authority.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  const isIp = /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
  const isDomain = /^(?:[\p{L}\p{N}-]+\.)+[\p{L}][\p{L}\p{N}-]*$/u.test(host);
  if (!isIp && !isDomain) return undefined;
  return `${protocol.toLowerCase()}://${authority}${rest.startsWith('/') ? rest : `/${rest}`}`;
}

/** A `text_link` or, for `tg://user?id=<known user>`, a `text_mention`; undefined if no link. */
function linkDraft(
  url: string,
  offset: number,
  length: number,
  userById: UserLookup,
): Draft | undefined {
  const mention = /^tg:(?:\/\/)?user\?id=(\d+)$/i.exec(url.trim());
  if (mention?.[1] !== undefined) {
    const user = userById(Number(mention[1]));
    if (user !== undefined) return { type: 'text_mention', offset, length, user };
  }
  const checked = checkedLink(url);
  return checked === undefined ? undefined : { type: 'text_link', offset, length, url: checked };
}

/** A `tg://time?unix=…&format=…` link as a `date_time` entity (Bot API 9.x), else undefined. */
function dateTimeDraft(url: string, offset: number, length: number): Draft | undefined {
  const match = /^tg:\/\/time\/?\?(.*)$/i.exec(url.trim());
  if (match === null) return undefined;
  const query = new URLSearchParams(match[1]);
  return dateTimeFromAttributes(query.get('unix') ?? '', query.get('format') ?? '', offset, length);
}

function dateTimeFromAttributes(
  unix: string,
  format: string,
  offset: number,
  length: number,
): Draft {
  if (!/^\d{1,12}$/.test(unix)) parseFailure('Invalid Unix time specified');
  if (!isDateTimeFormat(format)) parseFailure('Invalid date and time format specified');
  return { type: 'date_time', offset, length, unix_time: Number(unix), date_time_format: format };
}

function customEmojiId(value: string): string {
  if (!/^[1-9]\d{0,18}$/.test(value)) parseFailure('Invalid custom emoji identifier specified');
  return value;
}

/** `tg://emoji?id=…` as in tdlib's `get_link_custom_emoji_id`, with its error texts. */
function customEmojiFromUrl(url: string): string {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):(?:\/\/)?([^/?#]*)\/?(?:\?([^#]*))?/.exec(url);
  if (match === null || match[1]?.toLowerCase() !== 'tg') {
    parseFailure('Custom emoji URL must have scheme tg');
  }
  if (match[2]?.toLowerCase() !== 'emoji') parseFailure('Custom emoji URL must have host "emoji"');
  const id = new URLSearchParams(match[3] ?? '').get('id');
  if (id === null) parseFailure('Custom emoji URL must have an emoji identifier');
  return customEmojiId(id);
}

/** tdlib's `decode_html_entity`: &lt; &gt; &amp; &quot; and numeric references, `;` optional. */
function decodeHtmlEntity(text: string, pos: number): { code: number; end: number } | undefined {
  let end = pos + 1;
  let code = 0;
  if (text.charAt(pos + 1) === '#') {
    end++;
    if (text.charAt(pos + 2) === 'x') {
      end++;
      while (/[0-9a-fA-F]/.test(text.charAt(end))) {
        code = code * 16 + Number.parseInt(text.charAt(end), 16);
        end++;
      }
    } else {
      while (/[0-9]/.test(text.charAt(end))) {
        code = code * 10 + Number(text.charAt(end));
        end++;
      }
    }
    if (code === 0 || code >= 0x10ffff || end - pos >= 10) return undefined;
  } else {
    while (/[a-zA-Z]/.test(text.charAt(end))) end++;
    const name = text.slice(pos + 1, end);
    const named: Record<string, number> = { lt: 60, gt: 62, amp: 38, quot: 34 };
    code = named[name] ?? 0;
    if (code === 0) return undefined;
  }
  if (text.charAt(end) === ';') end++;
  return { code, end };
}

const HTML_TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'tg-time',
  'span',
  'pre',
  'code',
  'blockquote',
]);

/**
 * Telegram's HTML parse mode: a port of tdlib's `parse_html` with its error texts, plus
 * `<blockquote expandable>` and `<tg-time unix format>`. Like Telegram it is lenient where HTML
 * would be: a bare `&` that starts no known entity and a bare `>` are literal text, and `</>`
 * closes whatever tag is open. A bare `<` is not: it starts a tag, so `1 < 2` fails with
 * `Unsupported start tag "" at byte offset 2`.
 */
function parseHtml(text: string, userById: UserLookup): { text: string; entities: Draft[] } {
  interface OpenTag {
    tag: string;
    argument: string;
    attributes: Map<string, string>;
    expandable: boolean;
    offset: number;
  }
  const stack: OpenTag[] = [];
  const drafts: Draft[] = [];
  let out = '';
  let mayHaveLoneSurrogate = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '&') {
      const decoded = decodeHtmlEntity(text, i);
      if (decoded !== undefined) {
        if (decoded.code >= 0xd800 && decoded.code <= 0xdfff) mayHaveLoneSurrogate = true;
        out += String.fromCodePoint(decoded.code);
        i = decoded.end;
        continue;
      }
    }
    if (c !== '<') {
      out += c;
      i++;
      continue;
    }

    const beginPos = i;
    const at = (): number => byteOffset(text, beginPos);
    i++;
    if (text.charAt(i) !== '/') {
      while (!isSpaceAt(text, i) && text.charAt(i) !== '>') i++;
      if (i >= text.length) parseFailure(`Unclosed start tag at byte offset ${at()}`);
      const tag = text.slice(beginPos + 1, i).toLowerCase();
      if (!HTML_TAGS.has(tag)) {
        parseFailure(`Unsupported start tag "${tag}" at byte offset ${at()}`);
      }
      const attributes = new Map<string, string>();
      let expandable = false;
      while (text.charAt(i) !== '>') {
        while (i < text.length && isSpaceAt(text, i)) i++;
        if (i >= text.length) parseFailure(`Unclosed start tag at byte offset ${at()}`);
        if (text.charAt(i) === '>') break;
        const nameBegin = i;
        while (!isSpaceAt(text, i) && text.charAt(i) !== '=' && text.charAt(i) !== '>') i++;
        const name = text.slice(nameBegin, i);
        if (name === '') {
          parseFailure(`Empty attribute name in the tag "${tag}" at byte offset ${at()}`);
        }
        while (i < text.length && isSpaceAt(text, i)) i++;
        if (text.charAt(i) !== '=') {
          if (tag === 'blockquote' && name.toLowerCase() === 'expandable') {
            expandable = true;
            continue;
          }
          parseFailure(
            `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${at()}`,
          );
        }
        i++;
        while (i < text.length && isSpaceAt(text, i)) i++;
        if (i >= text.length) parseFailure(`Unclosed start tag "${tag}" at byte offset ${at()}`);
        let value = '';
        const quote = text.charAt(i);
        if (quote !== '"' && quote !== "'") {
          const tokenBegin = i;
          while (/[a-zA-Z0-9.-]/.test(text.charAt(i))) i++;
          value = text.slice(tokenBegin, i).toLowerCase();
          if (!isSpaceAt(text, i) && text.charAt(i) !== '>') {
            parseFailure(
              `Unexpected end of name token at byte offset ${byteOffset(text, tokenBegin)}`,
            );
          }
        } else {
          i++;
          while (i < text.length && text.charAt(i) !== quote) {
            if (text.charAt(i) === '&') {
              const decoded = decodeHtmlEntity(text, i);
              if (decoded !== undefined) {
                value += String.fromCodePoint(decoded.code);
                i = decoded.end;
                continue;
              }
            }
            value += text.charAt(i);
            i++;
          }
          if (text.charAt(i) === quote) i++;
        }
        if (i >= text.length) parseFailure(`Unclosed start tag at byte offset ${at()}`);
        attributes.set(name, value);
      }

      let argument = '';
      if (tag === 'a') argument = attributes.get('href') ?? '';
      if (tag === 'code' && attributes.get('class')?.startsWith('language-') === true) {
        argument = (attributes.get('class') ?? '').slice('language-'.length);
      }
      if (tag === 'span') {
        const cls = attributes.get('class') ?? '';
        argument = cls.startsWith('tg-') ? cls.slice(3) : '';
        if (argument !== 'spoiler') {
          parseFailure(`Tag "span" must have class "tg-spoiler" at byte offset ${at()}`);
        }
      }
      if (tag === 'tg-emoji') argument = attributes.get('emoji-id') ?? '';
      stack.push({ tag, argument, attributes, expandable, offset: out.length });
      i++;
      continue;
    }

    // An end tag.
    const open = stack.at(-1);
    if (open === undefined) parseFailure(`Unexpected end tag at byte offset ${at()}`);
    while (!isSpaceAt(text, i) && text.charAt(i) !== '>') i++;
    const endTag = text.slice(beginPos + 2, i).toLowerCase();
    while (i < text.length && isSpaceAt(text, i)) i++;
    if (text.charAt(i) !== '>') parseFailure(`Unclosed end tag at byte offset ${at()}`);
    if (endTag !== '' && endTag !== open.tag) {
      parseFailure(
        `Unmatched end tag at byte offset ${at()}, expected "</${open.tag}>", found "</${endTag}>"`,
      );
    }
    const offset = open.offset;
    const length = out.length - offset;
    if (length > 0) {
      const last = drafts.at(-1);
      const sameRange = last !== undefined && last.offset === offset && last.length === length;
      switch (open.tag) {
        case 'i':
        case 'em':
          drafts.push({ type: 'italic', offset, length });
          break;
        case 'b':
        case 'strong':
          drafts.push({ type: 'bold', offset, length });
          break;
        case 's':
        case 'strike':
        case 'del':
          drafts.push({ type: 'strikethrough', offset, length });
          break;
        case 'u':
        case 'ins':
          drafts.push({ type: 'underline', offset, length });
          break;
        case 'tg-spoiler':
        case 'span':
          drafts.push({ type: 'spoiler', offset, length });
          break;
        case 'tg-emoji':
          drafts.push({
            type: 'custom_emoji',
            offset,
            length,
            custom_emoji_id: customEmojiId(open.argument),
          });
          break;
        case 'tg-time':
          drafts.push(
            dateTimeFromAttributes(
              open.attributes.get('unix') ?? '',
              open.attributes.get('format') ?? '',
              offset,
              length,
            ),
          );
          break;
        case 'a': {
          const url = open.argument === '' ? out.slice(offset) : open.argument;
          const draft = linkDraft(url, offset, length, userById);
          if (draft !== undefined) drafts.push(draft);
          break;
        }
        case 'pre':
          // <pre><code class="language-x">…</code></pre> is one pre entity with a language.
          if (sameRange && last.type === 'code' && last.language !== undefined) {
            last.type = 'pre';
          } else drafts.push({ type: 'pre', offset, length });
          break;
        case 'code':
          if (sameRange && last.type === 'pre' && open.argument !== '') {
            last.language = open.argument;
          } else {
            drafts.push({
              type: 'code',
              offset,
              length,
              ...(open.argument !== '' ? { language: open.argument } : {}),
            });
          }
          break;
        case 'blockquote':
          drafts.push({
            type: open.expandable ? 'expandable_blockquote' : 'blockquote',
            offset,
            length,
          });
          break;
      }
    }
    stack.pop();
    i++;
  }
  const unclosed = stack.at(-1);
  if (unclosed !== undefined) {
    parseFailure(`Can't find end tag corresponding to start tag ${unclosed.tag}`);
  }
  // A language on a code entity only counts inside pre.
  for (const draft of drafts) if (draft.type === 'code') delete draft.language;
  if (mayHaveLoneSurrogate && !out.isWellFormed()) {
    parseFailure(
      'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
    );
  }
  return { text: out, entities: sortDrafts(drafts) };
}

type MarkdownV2Entity =
  | 'Bold'
  | 'Italic'
  | 'Underline'
  | 'Strikethrough'
  | 'Spoiler'
  | 'Code'
  | 'Pre'
  | 'PreCode'
  | 'TextUrl'
  | 'CustomEmoji'
  | 'BlockQuote';

const MARKDOWN_V2_TYPES: Partial<Record<MarkdownV2Entity, EntityType>> = {
  Bold: 'bold',
  Italic: 'italic',
  Underline: 'underline',
  Strikethrough: 'strikethrough',
  Spoiler: 'spoiler',
  Code: 'code',
  Pre: 'pre',
};

function reservedCharacter(c: string): never {
  parseFailure(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
}

/**
 * Telegram's MarkdownV2: a port of tdlib's `parse_markdown_v2` with its error texts, including
 * block quotes (`>` at line starts, `**>` too) and expandable ones (a quote whose last line ends
 * with `||`). Any of `_*[]()~\`>#+-=|{}.!` outside an entity must be escaped with `\`; inside
 * code and pre only `` ` `` and `\`, inside a link's `(…)` only `)` and `\`.
 */
function parseMarkdownV2(text: string, userById: UserLookup): { text: string; entities: Draft[] } {
  interface OpenEntity {
    type: MarkdownV2Entity;
    argument: string;
    offset: number;
    byteOffset: number;
    expandable: boolean;
  }
  const stack: OpenEntity[] = [];
  const drafts: Draft[] = [];
  const n = text.length;
  const ch = (k: number): string => text.charAt(k);
  const escapable = (k: number): boolean => {
    const code = text.charCodeAt(k);
    return code > 0 && code <= 126;
  };
  const atLineEnd = (k: number): boolean =>
    k >= n || ch(k) === '\n' || (ch(k) === '\r' && (k + 1 >= n || ch(k + 1) === '\n'));
  /** Reads `(url)` after `]` at `i`; returns the URL and the index of `)`. */
  const readUrl = (i: number, what: string): { url: string; end: number } => {
    let k = i + 2;
    const urlBegin = k;
    let url = '';
    while (k < n && ch(k) !== ')') {
      if (ch(k) === '\\' && escapable(k + 1)) {
        url += ch(k + 1);
        k += 2;
        continue;
      }
      url += ch(k);
      k++;
    }
    if (ch(k) !== ')')
      parseFailure(`Can't find end of ${what} at byte offset ${byteOffset(text, urlBegin)}`);
    return { url, end: k };
  };

  let out = '';
  let haveBlockquote = false;
  for (let i = 0; i < n; i++) {
    const c = ch(i);
    if (c === '\\' && escapable(i + 1)) {
      i++;
      out += ch(i);
      continue;
    }
    const top = stack.at(-1);
    const inCode =
      top !== undefined && (top.type === 'Code' || top.type === 'Pre' || top.type === 'PreCode');
    const reserved = inCode ? '`' : '_*[]()~`>#+-=|{}.!\n';
    if (!reserved.includes(c)) {
      out += c;
      continue;
    }

    if (top?.type === 'BlockQuote' && c === '|' && ch(i + 1) === '|' && atLineEnd(i + 2)) {
      top.expandable = true; // `||` ending a quote's line makes the quote expandable
      i++;
      continue;
    }

    let isEnd = false;
    if (top !== undefined) {
      if (haveBlockquote && c === '\n' && (i + 1 === n || ch(i + 1) !== '>')) isEnd = true;
      else {
        switch (top.type) {
          case 'Bold':
            isEnd = c === '*';
            break;
          case 'Italic':
            isEnd = c === '_' && ch(i + 1) !== '_';
            break;
          case 'Code':
            isEnd = c === '`';
            break;
          case 'Pre':
          case 'PreCode':
            isEnd = c === '`' && ch(i + 1) === '`' && ch(i + 2) === '`';
            break;
          case 'TextUrl':
          case 'CustomEmoji':
            isEnd = c === ']';
            break;
          case 'Underline':
            isEnd = c === '_' && ch(i + 1) === '_';
            break;
          case 'Strikethrough':
            isEnd = c === '~';
            break;
          case 'Spoiler':
            isEnd = c === '|' && ch(i + 1) === '|';
            break;
          case 'BlockQuote':
            isEnd = false;
            break;
        }
      }
    }

    if (!isEnd) {
      const entityByteOffset = byteOffset(text, i);
      // Nothing written on this line yet: entity markers such as `*` may precede a quote's `>`.
      const atLineStart = out === '' || out.endsWith('\n') || out.endsWith('\r');
      let type: MarkdownV2Entity | undefined;
      let argument = '';
      switch (c) {
        case '_':
          if (ch(i + 1) === '_') {
            type = 'Underline';
            i++;
          } else type = 'Italic';
          break;
        case '*':
          if (atLineStart && !haveBlockquote && text.startsWith('**>', i)) {
            i += 2;
            type = 'BlockQuote';
            haveBlockquote = true;
          } else type = 'Bold';
          break;
        case '~':
          type = 'Strikethrough';
          break;
        case '|':
          if (ch(i + 1) !== '|') reservedCharacter(c);
          i++;
          type = 'Spoiler';
          break;
        case '[':
          type = 'TextUrl';
          break;
        case '`':
          if (ch(i + 1) === '`' && ch(i + 2) === '`') {
            i += 3;
            type = 'Pre';
            let languageEnd = i;
            while (!isSpaceAt(text, languageEnd) && ch(languageEnd) !== '`') languageEnd++;
            if (i !== languageEnd && languageEnd < n && ch(languageEnd) !== '`') {
              type = 'PreCode';
              argument = text.slice(i, languageEnd);
              i = languageEnd;
            }
            // One line break right after the opening fence is not part of the text.
            if (ch(i) === '\n' || ch(i) === '\r') {
              if ((ch(i + 1) === '\n' || ch(i + 1) === '\r') && ch(i) !== ch(i + 1)) i += 2;
              else i++;
            }
            i--;
          } else type = 'Code';
          break;
        case '!':
          if (ch(i + 1) !== '[') reservedCharacter(c);
          i++;
          type = 'CustomEmoji';
          break;
        case '\n':
          out += '\n';
          if (i + 1 < n && ch(i + 1) === '>') {
            i++;
            if (!haveBlockquote) {
              type = 'BlockQuote';
              haveBlockquote = true;
            }
          }
          break;
        case '>':
          if (!atLineStart) reservedCharacter(c);
          if (!haveBlockquote) {
            type = 'BlockQuote';
            haveBlockquote = true;
          }
          break;
        default:
          reservedCharacter(c);
      }
      if (type !== undefined) {
        stack.push({
          type,
          argument,
          offset: out.length,
          byteOffset: entityByteOffset,
          expandable: false,
        });
      }
      continue;
    }

    // The end of the innermost entity.
    const open = top;
    if (open === undefined) continue; // unreachable: isEnd implies an open entity
    if (c === '\n' && open.type !== 'BlockQuote') {
      parseFailure(`Can't find end of ${open.type} entity at byte offset ${open.byteOffset}`);
    }
    const offset = open.offset;
    let draft: Draft | undefined;
    switch (open.type) {
      case 'Underline':
      case 'Spoiler':
        i++;
        break;
      case 'Pre':
      case 'PreCode':
        i += 2;
        break;
      case 'TextUrl': {
        let url: string;
        if (ch(i + 1) !== '(') url = out.slice(offset);
        else {
          const read = readUrl(i, 'a URL');
          url = read.url;
          i = read.end;
        }
        draft = linkDraft(url, offset, out.length - offset, userById);
        break;
      }
      case 'CustomEmoji': {
        if (ch(i + 1) !== '(') parseFailure('Custom emoji entity must contain a tg://emoji URL');
        const read = readUrl(i, 'a custom emoji URL');
        i = read.end;
        draft =
          dateTimeDraft(read.url, offset, out.length - offset) ??
          ({
            type: 'custom_emoji',
            offset,
            length: out.length - offset,
            custom_emoji_id: customEmojiFromUrl(read.url),
          } satisfies Draft);
        break;
      }
      case 'BlockQuote':
        haveBlockquote = false;
        out += c;
        break;
      default:
        break;
    }
    const length = out.length - offset;
    if (length > 0) {
      if (open.type === 'BlockQuote') {
        draft = { type: open.expandable ? 'expandable_blockquote' : 'blockquote', offset, length };
      } else if (open.type === 'PreCode') {
        draft = { type: 'pre', offset, length, language: open.argument };
      } else {
        const simple = MARKDOWN_V2_TYPES[open.type];
        if (simple !== undefined) draft = { type: simple, offset, length };
      }
      if (draft !== undefined && draft.length > 0) drafts.push(draft);
    }
    stack.pop();
  }
  if (haveBlockquote) {
    const quote = stack.at(-1);
    if (quote?.type === 'BlockQuote') {
      const length = out.length - quote.offset;
      if (length > 0) {
        drafts.push({
          type: quote.expandable ? 'expandable_blockquote' : 'blockquote',
          offset: quote.offset,
          length,
        });
      }
      stack.pop();
    }
  }
  const unclosed = stack.at(-1);
  if (unclosed !== undefined) {
    parseFailure(`Can't find end of ${unclosed.type} entity at byte offset ${unclosed.byteOffset}`);
  }
  return { text: out, entities: sortDrafts(drafts) };
}

/** Telegram's legacy `Markdown`: a port of tdlib's `parse_markdown` (no escaping rules to break). */
function parseLegacyMarkdown(
  text: string,
  userById: UserLookup,
): { text: string; entities: Draft[] } {
  const drafts: Draft[] = [];
  const n = text.length;
  const ch = (k: number): string => text.charAt(k);
  let out = '';
  for (let i = 0; i < n; i++) {
    const c = ch(i);
    if (c === '\\' && '_*`['.includes(ch(i + 1)) && ch(i + 1) !== '') {
      i++;
      out += ch(i);
      continue;
    }
    if (c !== '_' && c !== '*' && c !== '`' && c !== '[') {
      out += c;
      continue;
    }
    const beginPos = i;
    const endCharacter = c === '[' ? ']' : c;
    let isPre = false;
    let language = '';
    i++;
    if (c === '`' && ch(i) === '`' && ch(i + 1) === '`') {
      i += 2;
      isPre = true;
      let languageEnd = i;
      while (!isSpaceAt(text, languageEnd) && ch(languageEnd) !== '`') languageEnd++;
      if (i !== languageEnd && languageEnd < n && ch(languageEnd) !== '`') {
        language = text.slice(i, languageEnd);
        i = languageEnd;
      }
      if (ch(i) === '\n' || ch(i) === '\r') {
        if ((ch(i + 1) === '\n' || ch(i + 1) === '\r') && ch(i) !== ch(i + 1)) i += 2;
        else i++;
      }
    }
    const offset = out.length;
    while (
      i < n &&
      (ch(i) !== endCharacter || (isPre && !(ch(i + 1) === '`' && ch(i + 2) === '`')))
    ) {
      out += ch(i);
      i++;
    }
    if (i === n) {
      parseFailure(
        `Can't find end of the entity starting at byte offset ${byteOffset(text, beginPos)}`,
      );
    }
    const length = out.length - offset;
    if (length > 0) {
      if (c === '_') drafts.push({ type: 'italic', offset, length });
      else if (c === '*') drafts.push({ type: 'bold', offset, length });
      else if (c === '[') {
        let url = '';
        if (ch(i + 1) !== '(') url = text.slice(beginPos + 1, i);
        else {
          i += 2;
          while (i < n && ch(i) !== ')') {
            url += ch(i);
            i++;
          }
        }
        const draft = linkDraft(url, offset, length, userById);
        if (draft !== undefined) drafts.push(draft);
      } else if (isPre) {
        drafts.push({ type: 'pre', offset, length, ...(language !== '' ? { language } : {}) });
      } else drafts.push({ type: 'code', offset, length });
    }
    if (isPre) i += 2;
  }
  return { text: out, entities: sortDrafts(drafts) };
}

const WORD = String.raw`\p{L}\p{N}_`;
const HASHTAG_LETTER = String.raw`\p{L}\p{Nd}_\u200c`;
/** Mentions: `@` + 2–32 of [A-Za-z0-9_], not glued to word characters (tdlib `match_mentions`). */
const MENTION = new RegExp(String.raw`(?<![${WORD}])@([a-zA-Z0-9_]{2,32})(?![${WORD}])`, 'gu');
/** `/cmd` or `/cmd@bot_name`, not glued to word characters, `/`, `<`, `>` (tdlib). */
const BOT_COMMAND = new RegExp(
  String.raw`(?<![${WORD}/<>])/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![${WORD}/<>@])`,
  'gu',
);
const HASHTAG = new RegExp(
  String.raw`(?<![${HASHTAG_LETTER}])#[${HASHTAG_LETTER}]{1,256}(?![${HASHTAG_LETTER}]*#)`,
  'gu',
);
const CASHTAG = new RegExp(
  String.raw`(?<![$${HASHTAG_LETTER}])\$(?:1INCH|[A-Z]{1,8})(?![$${HASHTAG_LETTER}])`,
  'gu',
);
/** Top-level domains a bare domain may end with; tdlib knows them all, this fake the common ones. */
const BARE_TLDS =
  'com|org|net|io|me|dev|app|ai|co|info|xyz|ru|de|uk|fr|it|es|nl|eu|us|tk|gg|tv|dog|tech|online|site|page|gov|edu';
const URL_PATTERN = new RegExp(
  String.raw`(?<![${WORD}@.\/-])(?:(?:https?|ftp|tg|ton):\/\/[^\s<>"]+|(?:[a-zA-Z0-9-]+\.)+(?:${BARE_TLDS})(?![${WORD}-])(?::\d{1,5})?(?:[\/?#][^\s<>"]*)?)`,
  'giu',
);
const EMAIL = new RegExp(
  String.raw`(?<![${WORD}.+-])[a-zA-Z0-9._+-]+@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z]{2,}(?![${WORD}])`,
  'gu',
);
/** Mentions of 2 or 3 characters Telegram detects (inline bots); others need 4 or more. */
const SHORT_MENTIONS = new Set(['gif', 'vid', 'pic']);

/**
 * Entities Telegram detects in plain text (tdlib `find_entities`), simplified: mentions, bot
 * commands, hashtags, cashtags, emails, and URLs with a scheme or a common top-level domain;
 * overlapping matches keep the first after sorting. No phone or bank card numbers.
 */
function findEntities(text: string): Draft[] {
  const found: Draft[] = [];
  const collect = (pattern: RegExp, type: EntityType, keep: (match: string) => boolean): void => {
    for (const match of text.matchAll(pattern)) {
      if (keep(match[0])) found.push({ type, offset: match.index, length: match[0].length });
    }
  };
  collect(MENTION, 'mention', (m) => m.length - 1 >= 4 || SHORT_MENTIONS.has(m.slice(1)));
  collect(BOT_COMMAND, 'bot_command', () => true);
  collect(HASHTAG, 'hashtag', (m) => /\p{L}/u.test(m.slice(1)));
  collect(CASHTAG, 'cashtag', () => true);
  collect(EMAIL, 'email', () => true);
  for (const match of text.matchAll(URL_PATTERN)) {
    // Trailing punctuation ends a sentence, not the URL.
    const url = match[0].replace(/[.,:;!?'")\]]+$/, '');
    if (url.length > 0) found.push({ type: 'url', offset: match.index, length: url.length });
  }
  sortDrafts(found);
  const kept: Draft[] = [];
  let end = 0;
  for (const draft of found) {
    if (draft.offset >= end) {
      kept.push(draft);
      end = draft.offset + draft.length;
    }
  }
  return kept;
}

const SPLITTABLE: ReadonlySet<EntityType> = new Set([
  'bold',
  'italic',
  'underline',
  'strikethrough',
  'spoiler',
]);
const BLOCKQUOTES: ReadonlySet<EntityType> = new Set(['blockquote', 'expandable_blockquote']);
/** Entities whose data is not in the text, so whitespace-only ones stay (tdlib "hidden data"). */
const HIDDEN_DATA: ReadonlySet<EntityType> = new Set(['text_link', 'text_mention', 'pre', 'code']);

const isBlank = (s: string): boolean => /^[ \n]*$/.test(s);
const intersects = (a: Draft, b: Draft): boolean =>
  a.offset < b.offset + b.length && b.offset < a.offset + a.length;

/**
 * tdlib's `fix_formatted_text` for a message from a bot, simplified: control characters become
 * spaces and `\r` is dropped (U+2028–U+202E too), entities holding only spaces and line breaks are
 * dropped and the others lose leading ones, the text is trimmed (at the start only up to the first
 * entity), then detected entities that clash with no link or code are added. Entities that
 * overlap improperly are kept as given (Telegram would split or drop them).
 */
function fixFormattedText(input: string, given: Draft[]): { text: string; entities: Draft[] } {
  for (const draft of given) {
    if (draft.offset > input.length) {
      throw badRequest(`entity begins after the end of the text at UTF-16 offset ${draft.offset}`);
    }
    if (draft.offset + draft.length > input.length) {
      throw badRequest(
        `entity beginning at UTF-16 offset ${draft.offset} ends after the end of the text at UTF-16 offset ${draft.offset + draft.length}`,
      );
    }
  }
  // Clean the text, remembering where each old position went.
  let text = '';
  const moved: number[] = [];
  for (let k = 0; k < input.length; k++) {
    moved.push(text.length);
    const code = input.charCodeAt(k);
    if (code === 13) continue;
    if (
      (code >= 0x2028 && code <= 0x202e) ||
      code === 0x030a ||
      code === 0x0333 ||
      code === 0x033f
    ) {
      continue;
    }
    text += code < 32 && code !== 10 ? ' ' : input.charAt(k);
  }
  moved.push(text.length);
  let drafts = given
    .map((d) => {
      const offset = moved[d.offset] ?? text.length;
      const end = moved[d.offset + d.length] ?? text.length;
      return { ...d, offset, length: end - offset };
    })
    .filter((d) => d.length > 0);

  if (isBlank(text)) throw badRequest('message must be non-empty');
  drafts = drafts.flatMap((d) => {
    if (HIDDEN_DATA.has(d.type)) return [d];
    const slice = text.slice(d.offset, d.offset + d.length);
    if (isBlank(slice)) return [];
    const lead = slice.length - slice.replace(/^[ \n]+/, '').length;
    return [{ ...d, offset: d.offset + lead, length: d.length - lead }];
  });

  const last = text.length - text.replace(/[ \n]+$/, '').length;
  text = text.slice(0, text.length - last);
  drafts = drafts
    .filter((d) => d.offset < text.length)
    .map((d) => ({ ...d, length: Math.min(d.length, text.length - d.offset) }));
  sortDrafts(drafts);
  const firstEntity = drafts[0]?.offset ?? text.length;
  let lead = 0;
  while (lead < firstEntity && (text.charAt(lead) === ' ' || text.charAt(lead) === '\n')) lead++;
  if (lead > 0) {
    text = text.slice(lead);
    drafts = drafts.map((d) => ({ ...d, offset: d.offset - lead }));
  }

  const blocking = drafts.filter((d) => !SPLITTABLE.has(d.type) && !BLOCKQUOTES.has(d.type));
  const quotes = drafts.filter((d) => BLOCKQUOTES.has(d.type));
  const detected = findEntities(text).filter(
    (d) =>
      !blocking.some((b) => intersects(b, d)) &&
      !quotes.some(
        (q) =>
          intersects(q, d) && (d.offset < q.offset || d.offset + d.length > q.offset + q.length),
      ),
  );
  return { text, entities: sortDrafts([...drafts, ...detected]) };
}

function toMessageEntity(draft: Draft): MessageEntity {
  const { type, offset, length } = draft;
  switch (type) {
    case 'pre':
      return draft.language !== undefined && draft.language !== ''
        ? { type, offset, length, language: draft.language }
        : { type, offset, length };
    case 'text_link':
      return { type, offset, length, url: draft.url ?? '' };
    case 'text_mention':
      return { type, offset, length, user: draft.user ?? { id: 0, is_bot: false, first_name: '' } };
    case 'custom_emoji':
      return { type, offset, length, custom_emoji_id: draft.custom_emoji_id ?? '' };
    case 'date_time':
      return {
        type,
        offset,
        length,
        unix_time: draft.unix_time ?? 0,
        date_time_format: draft.date_time_format ?? '',
      };
    default:
      return { type, offset, length };
  }
}

/** Entity types the Bot API ignores when given: Telegram detects them itself. */
const DETECTED_TYPES = new Set([
  'mention',
  'hashtag',
  'cashtag',
  'bot_command',
  'url',
  'email',
  'phone_number',
  'bank_card_number',
]);

/** The `entities` parameter, validated like the Bot API's `get_text_entity`. */
function inputEntities(value: unknown, userById: UserLookup): Draft[] {
  if (!Array.isArray(value)) return [];
  const drafts: Draft[] = [];
  const fail = (why: string): never => {
    throw badRequest(`can't parse MessageEntity: ${why}`);
  };
  for (const item of value as unknown[]) {
    if (!isRecord(item)) fail('expected an Object');
    const record = item as Record<string, unknown>;
    const offset = record.offset;
    const length = record.length;
    const type = record.type;
    if (typeof offset !== 'number' || !Number.isInteger(offset)) {
      fail('Field "offset" must be of type Number');
    }
    if (typeof length !== 'number' || !Number.isInteger(length)) {
      fail('Field "length" must be of type Number');
    }
    if (typeof type !== 'string') fail('Field "type" must be of type String');
    const o = Number(offset);
    const l = Number(length);
    if (o < 0) throw badRequest(`receive an entity with incorrect offset ${o}`);
    if (l < 0) throw badRequest(`receive an entity with incorrect length ${l}`);
    const t = String(type);
    if (DETECTED_TYPES.has(t)) continue;
    switch (t) {
      case 'bold':
      case 'italic':
      case 'underline':
      case 'strikethrough':
      case 'spoiler':
      case 'code':
      case 'blockquote':
      case 'expandable_blockquote':
        drafts.push({ type: t, offset: o, length: l });
        break;
      case 'pre':
        drafts.push({
          type: 'pre',
          offset: o,
          length: l,
          ...(typeof record.language === 'string' ? { language: record.language } : {}),
        });
        break;
      case 'text_link': {
        if (typeof record.url !== 'string') fail('Field "url" must be of type String');
        const draft = linkDraft(String(record.url), o, l, userById);
        if (draft === undefined) throw badRequest('entity URL is invalid');
        drafts.push(draft);
        break;
      }
      case 'text_mention': {
        const user = record.user;
        if (!isRecord(user) || typeof user.id !== 'number')
          fail('Field "user" must be of type Object');
        const known = userById(Number((user as Record<string, unknown>).id));
        if (known === undefined) throw badRequest('user not found');
        drafts.push({ type: 'text_mention', offset: o, length: l, user: known });
        break;
      }
      case 'custom_emoji':
        if (typeof record.custom_emoji_id !== 'string') {
          fail('Field "custom_emoji_id" must be of type String');
        }
        drafts.push({
          type: 'custom_emoji',
          offset: o,
          length: l,
          custom_emoji_id: String(record.custom_emoji_id),
        });
        break;
      case 'date_time': {
        const format = typeof record.date_time_format === 'string' ? record.date_time_format : '';
        if (typeof record.unix_time !== 'number' || !isDateTimeFormat(format)) {
          fail('invalid date_time entity');
        }
        drafts.push({
          type: 'date_time',
          offset: o,
          length: l,
          unix_time: Number(record.unix_time),
          date_time_format: isDateTimeFormat(format) ? format : '',
        });
        break;
      }
      default:
        fail('Unsupported type specified');
    }
  }
  return drafts;
}

/** Telegram's limit on a text message, in characters (Unicode code points) after parsing. */
const MESSAGE_TEXT_LIMIT = 4096;
/** The Bot API rejects a `text` parameter over 32 KiB before parsing it. */
const MAX_TEXT_BYTES = 1 << 15;

/**
 * A message text the way Telegram turns `text` + `parse_mode` (HTML, MarkdownV2, Markdown, none;
 * case-insensitive) or `text` + `entities` into the stored text and entities, with the error
 * descriptions the Bot API answers ("Bad Request: can't parse entities: …", "Bad Request: message
 * is too long", …). Exported for renderer unit tests that need no server.
 */
export function formatMessageText(
  text: string,
  options: { parse_mode?: string; entities?: unknown; userById?: UserLookup } = {},
): { ok: true; text: string; entities: MessageEntity[] } | { ok: false; description: string } {
  try {
    const formatted = formatOrThrow(text, options.parse_mode, options.entities, options.userById);
    return { ok: true, ...formatted };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, description: error.description };
    throw error;
  }
}

function formatOrThrow(
  text: string,
  parseMode: string | undefined,
  entities: unknown,
  userById: UserLookup = () => undefined,
): { text: string; entities: MessageEntity[] } {
  if (text === '') throw badRequest('message text is empty');
  if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) throw badRequest('text is too long');
  const mode = (parseMode ?? '').toLowerCase();
  let parsed: { text: string; entities: Draft[] };
  try {
    if (mode === '' || mode === 'none') {
      parsed = { text, entities: inputEntities(entities, userById) };
    } else if (mode === 'html') parsed = parseHtml(text, userById);
    else if (mode === 'markdownv2') parsed = parseMarkdownV2(text, userById);
    else if (mode === 'markdown') parsed = parseLegacyMarkdown(text, userById);
    else throw badRequest('unsupported parse_mode');
  } catch (error) {
    if (error instanceof EntityParseError) {
      throw badRequest(`can't parse entities: ${error.message}`);
    }
    throw error;
  }
  const fixed = fixFormattedText(parsed.text, parsed.entities);
  if ([...fixed.text].length > MESSAGE_TEXT_LIMIT) throw badRequest('message is too long');
  return { text: fixed.text, entities: fixed.entities.map(toMessageEntity) };
}

// ─── The server ──────────────────────────────────────────────────────────────────────────────────

class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }
}

function badRequest(what: string): ApiError {
  return new ApiError(400, `Bad Request: ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Request parameters, read as leniently as the Bot API reads them (strings or JSON values). */
class Params {
  constructor(readonly values: Readonly<Record<string, unknown>>) {}

  raw(name: string): unknown {
    const value = this.values[name];
    return value === null || value === '' ? undefined : value;
  }

  string(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined || typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return JSON.stringify(value);
  }

  /** Like the Bot API's `get_integer_arg`, garbage reads as absent rather than failing. */
  integer(name: string): number | undefined {
    const value = this.raw(name);
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
    return undefined;
  }

  boolean(name: string): boolean {
    const value = this.raw(name);
    return value === true || value === 1 || value === 'true' || value === '1';
  }

  /** A JSON parameter: objects as sent in a JSON body, or a string holding JSON (forms). */
  json(name: string, what: string): unknown {
    const value = this.raw(name);
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw badRequest(`can't parse ${what} JSON object`);
    }
  }
}

interface StoredMessage {
  message: Message;
  byBot: boolean;
  deleted: boolean;
  sent?: SentMessage;
}

interface ChatRecord {
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
/** The Bot API caps `getUpdates.timeout` at this many seconds. */
const MAX_LONG_POLL_SECONDS = 50;
/**
 * How long a held long poll waits after the first new update before answering, so updates queued
 * together leave together (the Bot API waits 1–2 ms).
 */
const WAKE_DELAY_MS = 2;
const DEFAULT_TOKEN = '1234567:AAFakeTokenForTests-0123456789abcdefghij';
const DEFAULT_WAIT_MS = 5_000;
const CONFLICT_OTHER_POLL =
  'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';
const CONFLICT_WEBHOOK =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
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
const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: CONFLICT_OTHER_POLL,
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
};

/** The type of an update: its one field besides `update_id`. */
function updateType(update: Omit<Update, 'update_id'>): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? '';
}

/** A copy of a message fit for `reply_to_message`: Telegram does not nest replies further. */
function asReplyTarget(message: Message): Message & { reply_to_message: undefined } {
  const copy = { ...message };
  delete copy.reply_to_message;
  return { ...copy, reply_to_message: undefined };
}

/** Token shape as the Bot API checks it (`ClientManager::send`). */
function isWellFormedToken(token: string): boolean {
  const colon = token.indexOf(':');
  return (
    colon > 0 &&
    !token.startsWith('0') &&
    token.length <= 80 &&
    !token.includes('/') &&
    /^\d+$/.test(token.slice(0, colon))
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Parameters of a request: the query string merged with the body. JSON and
 * `application/x-www-form-urlencoded` bodies are understood — grammY sends JSON unless a payload
 * carries an `InputFile`, and no method this fake implements takes one — so `multipart/form-data`
 * is answered with a 400 that says so.
 */
function parseParams(url: URL, contentType: string, body: string): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (body.trim() === '') return params;
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (!isRecord(parsed)) throw badRequest('JSON object expected');
    return { ...params, ...parsed };
  }
  if (type === 'application/x-www-form-urlencoded') {
    return { ...params, ...Object.fromEntries(new URLSearchParams(body)) };
  }
  if (type === 'multipart/form-data') {
    throw badRequest('multipart/form-data is not supported by the fake Telegram server');
  }
  return params;
}

/**
 * Starts the server on `options.host` (default 127.0.0.1) and an ephemeral port, so parallel test
 * files never collide.
 *
 * Routes: `POST`/`GET /bot<token>/<method>` (method names case-insensitive, as in Telegram).
 * Implemented: getMe, getUpdates (real long polling), sendMessage, editMessageText,
 * deleteMessage, sendChatAction, setMyCommands, getMyCommands, deleteMyCommands, setWebhook,
 * deleteWebhook, getWebhookInfo, answerCallbackQuery. Any other method is 404 "Not Found" (the
 * self-hosted Bot API says "Not Found: method not found"); a path without `/bot` is 404 too.
 *
 * Known simplifications: no anti-flood rules (the Bot API stretches a repeated short poll to 3 s
 * and delays a second 409 by 3 s), no admin rights (any known message may be deleted), no
 * webhook delivery (setWebhook only records, and blocks getUpdates as Telegram does), no media.
 */
export async function startFakeTelegramServer(
  options: FakeTelegramServerOptions = {},
): Promise<FakeTelegramServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? DEFAULT_TOKEN;
  const botId = Number(token.slice(0, token.indexOf(':')));
  if (!isWellFormedToken(token) || !Number.isSafeInteger(botId)) {
    throw new Error(
      `Telegram tokens look like "<bot id>:<secret>", e.g. "${DEFAULT_TOKEN}"; got "${token}".`,
    );
  }
  const botUser: UserFromGetMe = {
    id: botId,
    is_bot: true,
    first_name: options.botFirstName ?? 'Fake ChatMem',
    username: options.botUsername ?? 'fake_chatmem_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
  const botAsSender: User = {
    id: botUser.id,
    is_bot: true,
    first_name: botUser.first_name,
    username: botUser.username,
  };

  const calls: RecordedCall[] = [];
  const chats = new Map<number, ChatRecord>();
  const users = new Map<number, User>();
  const sent: SentMessage[] = [];
  const failures = new Map<string, InjectedFailure[]>();
  const commandSets = new Map<string, BotCommand[]>();
  const callbackQueries = new Set<string>();
  let queue: Update[] = [];
  let nextUpdateId = options.firstUpdateId ?? 100_000_001;
  let allowedUpdates: ReadonlySet<string> | 'default' = 'default';
  let webhook: WebhookState = {};
  let closing = false;

  interface HeldPoll {
    res: ServerResponse;
    call: RecordedCall;
    limit: number;
    timer: NodeJS.Timeout;
  }
  let held: HeldPoll | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;

  const now = (): number => Math.floor(Date.now() / 1000);
  const userById: UserLookup = (id) => (id === botUser.id ? botAsSender : users.get(id));

  // ── State helpers ──

  function chatRecord(chat: Chat): ChatRecord {
    let record = chats.get(chat.id);
    if (record === undefined) {
      record = {
        chat,
        // In a forum, message 1 opened the General topic, whose thread id 1 is not addressable.
        nextMessageId: isForum(chat) ? 2 : 1,
        messages: new Map(),
        topics: new Set(),
        topicRoots: new Map(),
      };
      chats.set(chat.id, record);
    } else record.chat = chat; // the latest description of a chat wins, as in updates
    return record;
  }

  function isForum(chat: Chat): boolean {
    return chat.type === 'supergroup' && chat.is_forum === true;
  }

  /** Makes chats, users, messages and callback queries of an incoming update known. */
  function learn(update: Omit<Update, 'update_id'>): void {
    const rememberMessage = (message: Message | undefined): void => {
      if (message === undefined) return;
      const record = chatRecord(message.chat);
      if (message.from !== undefined) users.set(message.from.id, message.from);
      if (message.message_id > 0) {
        const existing = record.messages.get(message.message_id);
        record.messages.set(message.message_id, {
          message,
          byBot: existing?.byBot ?? message.from?.id === botUser.id,
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
      callbackQueries.add(callback.id);
      users.set(callback.from.id, callback.from);
      if (callback.message !== undefined && callback.message.date !== 0) {
        rememberMessage(callback.message as Message);
      }
    }
    for (const member of [update.my_chat_member, update.chat_member, update.chat_join_request]) {
      if (member !== undefined) {
        chatRecord(member.chat);
        users.set(member.from.id, member.from);
      }
    }
  }

  function isAllowed(type: string): boolean {
    return allowedUpdates === 'default' ? !EXCLUDED_BY_DEFAULT.has(type) : allowedUpdates.has(type);
  }

  function enqueue(update: Omit<Update, 'update_id'>): Update {
    learn(update);
    if (!isAllowed(updateType(update))) return { ...update, update_id: 0 };
    const full: Update = { ...update, update_id: nextUpdateId++ };
    queue.push(full);
    scheduleWake();
    return full;
  }

  /** Forgets updates confirmed by `offset`, as `getUpdates` does (negative: keep the last -offset). */
  function confirm(offset: number): void {
    if (offset < 0) queue = queue.slice(Math.max(0, queue.length + offset));
    else if (offset > 0 && offset <= nextUpdateId) {
      queue = queue.filter((update) => update.update_id >= offset);
    }
    // An offset beyond the last update id confirms nothing: the Bot API falls back to the head.
  }

  function setAllowedUpdates(value: unknown): void {
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
    allowedUpdates = names.length === 0 ? 'default' : new Set(names.map((n) => n.toLowerCase()));
  }

  // ── Answers ──

  function answer(
    res: ServerResponse,
    call: RecordedCall | undefined,
    status: number,
    body: TelegramResponse,
  ): void {
    if (call !== undefined) {
      call.status = status;
      call.response = body;
    }
    if (res.destroyed || res.headersSent) return;
    const payload = JSON.stringify(body);
    const retryAfter = body.ok ? undefined : body.parameters?.retry_after;
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}),
    });
    res.end(payload);
  }

  function answerError(res: ServerResponse, call: RecordedCall | undefined, error: ApiError): void {
    answer(res, call, error.errorCode, {
      ok: false,
      error_code: error.errorCode,
      description: error.description,
      ...(error.parameters !== undefined ? { parameters: error.parameters } : {}),
    });
  }

  function injectFailure(res: ServerResponse, call: RecordedCall, failure: InjectedFailure): void {
    if ('dropConnection' in failure) {
      call.status = 0;
      res.socket?.destroy();
      return;
    }
    if ('httpStatus' in failure) {
      call.status = failure.httpStatus;
      res.writeHead(failure.httpStatus, { 'content-type': 'text/html' });
      res.end(failure.body);
      return;
    }
    const parameters: ResponseParameters = {
      ...(failure.retry_after !== undefined ? { retry_after: failure.retry_after } : {}),
      ...(failure.migrate_to_chat_id !== undefined
        ? { migrate_to_chat_id: failure.migrate_to_chat_id }
        : {}),
    };
    const description =
      failure.description ??
      (failure.error_code === 429
        ? `Too Many Requests: retry after ${failure.retry_after ?? 5}`
        : (DEFAULT_DESCRIPTIONS[failure.error_code] ?? `Error ${failure.error_code}`));
    answerError(
      res,
      call,
      new ApiError(
        failure.error_code,
        description,
        Object.keys(parameters).length > 0 ? parameters : undefined,
      ),
    );
  }

  // ── Long polling ──

  function releaseHeld(): HeldPoll | undefined {
    const poll = held;
    if (poll !== undefined) {
      clearTimeout(poll.timer);
      held = undefined;
    }
    return poll;
  }

  function answerHeld(): void {
    const poll = releaseHeld();
    if (poll !== undefined) {
      answer(poll.res, poll.call, 200, { ok: true, result: queue.slice(0, poll.limit) });
    }
  }

  function scheduleWake(): void {
    if (held === undefined || wakeTimer !== undefined) return;
    wakeTimer = setTimeout(() => {
      wakeTimer = undefined;
      if (queue.length > 0) answerHeld();
    }, WAKE_DELAY_MS);
  }

  function getUpdates(params: Params, res: ServerResponse, call: RecordedCall): void {
    if (webhook.url !== undefined) throw new ApiError(409, CONFLICT_WEBHOOK);
    const offset = params.integer('offset') ?? 0;
    const limit = Math.min(100, Math.max(1, params.integer('limit') ?? 100));
    const timeout = Math.min(MAX_LONG_POLL_SECONDS, Math.max(0, params.integer('timeout') ?? 0));
    setAllowedUpdates(params.raw('allowed_updates'));
    confirm(offset);
    if (queue.length > 0 || timeout === 0) {
      // Like the Bot API, an answered short poll leaves a held one alone.
      answer(res, call, 200, { ok: true, result: queue.slice(0, limit) });
      return;
    }
    const previous = releaseHeld();
    if (previous !== undefined) {
      answerError(previous.res, previous.call, new ApiError(409, CONFLICT_OTHER_POLL));
    }
    const poll: HeldPoll = {
      res,
      call,
      limit,
      timer: setTimeout(() => {
        if (held === poll) answerHeld();
      }, timeout * 1000),
    };
    held = poll;
    res.on('close', () => {
      // The client gave up (grammY aborts its poll on stop()); forget it, answer nothing.
      if (held === poll) releaseHeld();
    });
  }

  // ── Methods ──

  function resolveChat(params: Params): ChatRecord {
    const raw = params.raw('chat_id');
    if (raw === undefined) throw badRequest('chat_id is empty');
    let record: ChatRecord | undefined;
    if (typeof raw === 'number') record = chats.get(raw);
    else if (typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw)) record = chats.get(Number(raw));
    else if (typeof raw === 'string' && raw.startsWith('@')) {
      const name = raw.slice(1).toLowerCase();
      record = [...chats.values()].find((r) => r.chat.username?.toLowerCase() === name);
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

  function textOf(params: Params): { text: string; entities: MessageEntity[]; source: string } {
    const source = params.string('text') ?? '';
    const formatted = formatOrThrow(
      source,
      params.string('parse_mode'),
      params.json('entities', 'message entities'),
      userById,
    );
    return { ...formatted, source };
  }

  function sendMessage(params: Params): Message {
    // Like the Bot API: the markup is parsed before the chat is looked up.
    const formatted = textOf(params);
    const record = resolveChat(params);
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
      from: botAsSender,
      chat: record.chat,
      date: now(),
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
    sent.push(sentMessage);
    return message;
  }

  function findMessage(
    params: Params,
    notFound: string,
  ): { record: ChatRecord; stored: StoredMessage } {
    if (params.raw('inline_message_id') !== undefined) {
      throw badRequest('inline messages are not supported by the fake Telegram server');
    }
    const record = resolveChat(params);
    const messageId = params.integer('message_id');
    if (messageId === undefined) throw badRequest('message identifier is not specified');
    const stored = record.messages.get(messageId);
    if (stored === undefined || stored.deleted) throw badRequest(notFound);
    return { record, stored };
  }

  function editMessageText(params: Params): Message {
    const formatted = textOf(params);
    const { stored } = findMessage(params, 'message to edit not found');
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
    const message: Message = { ...old, text: formatted.text, edit_date: now() };
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

  function deleteMessage(params: Params): true {
    const { stored } = findMessage(params, 'message to delete not found');
    stored.deleted = true;
    if (stored.sent !== undefined) stored.sent.deleted = true;
    return true;
  }

  function sendChatAction(params: Params): true {
    const record = resolveChat(params);
    resolveThread(record, params);
    const action = params.string('action') ?? '';
    if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
    return true;
  }

  /** The key of a command list: its scope (default `{ type: 'default' }`) and language. */
  function commandKey(scope: unknown, languageCode: string | undefined): string {
    const given = isRecord(scope) ? scope : { type: 'default' };
    const normalized = {
      type: given.type,
      ...(given.chat_id !== undefined ? { chat_id: String(given.chat_id) } : {}),
      ...(given.user_id !== undefined ? { user_id: String(given.user_id) } : {}),
    };
    const language = languageCode ?? '';
    if (language !== '' && !/^[a-z]{2}$/.test(language)) {
      throw badRequest('invalid language code specified');
    }
    return `${JSON.stringify(normalized)}|${language}`;
  }

  function scopeOf(params: Params): unknown {
    const scope = params.json('scope', 'BotCommandScope');
    if (scope !== undefined && !isRecord(scope))
      throw badRequest('BotCommandScope must be an Object');
    return scope;
  }

  /** setMyCommands, validated like tdlib's `set_commands` and the server behind it. */
  function setMyCommands(params: Params): true {
    const value = params.json('commands', 'commands');
    if (!Array.isArray(value)) throw badRequest('expected an Array of BotCommand');
    const commands: BotCommand[] = [];
    for (const item of value as unknown[]) {
      if (!isRecord(item)) throw badRequest('expected BotCommand');
      let command = typeof item.command === 'string' ? item.command.trim() : '';
      if (command.startsWith('/')) command = command.slice(1);
      const description = typeof item.description === 'string' ? item.description.trim() : '';
      if (command === '') throw badRequest('command must be non-empty');
      if ([...command].length > 32) throw badRequest('command length must not exceed 32');
      if (description === '') throw badRequest('command description must be non-empty');
      if ([...description].length > 256) {
        throw badRequest('command description length must not exceed 256');
      }
      if (!/^[a-z0-9_]+$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
      commands.push({ command, description });
    }
    if (commands.length > 100) throw badRequest('BOT_COMMANDS_TOO_MUCH');
    const key = commandKey(scopeOf(params), params.string('language_code'));
    if (commands.length === 0) commandSets.delete(key);
    else commandSets.set(key, commands);
    return true;
  }

  function getMyCommands(params: Params): BotCommand[] {
    const key = commandKey(scopeOf(params), params.string('language_code'));
    return (commandSets.get(key) ?? []).map((c) => ({ ...c }));
  }

  function deleteMyCommands(params: Params): true {
    commandSets.delete(commandKey(scopeOf(params), params.string('language_code')));
    return true;
  }

  function setWebhook(params: Params): { result: true; description: string } {
    const url = params.string('url') ?? '';
    if (params.boolean('drop_pending_updates')) queue = [];
    if (url === '') return deleteWebhookResult();
    let parsed: URL;
    try {
      parsed = new URL(url.includes('://') ? url : `https://${url}`);
    } catch {
      throw badRequest('invalid webhook URL specified');
    }
    if (parsed.protocol !== 'https:') {
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    }
    const secret = params.string('secret_token');
    if (secret !== undefined && secret.length > 256) throw badRequest('secret token is too long');
    if (secret !== undefined && !/^[A-Za-z0-9_-]*$/.test(secret)) {
      throw badRequest('secret token contains unallowed characters');
    }
    setAllowedUpdates(params.raw('allowed_updates'));
    const maxConnections = Math.min(100, Math.max(1, params.integer('max_connections') ?? 40));
    const already = webhook.url === url && webhook.secret_token === secret;
    const previous = releaseHeld();
    if (previous !== undefined) {
      answerError(
        previous.res,
        previous.call,
        new ApiError(409, 'Conflict: terminated by setWebhook request'),
      );
    }
    webhook = {
      url,
      ...(secret !== undefined ? { secret_token: secret } : {}),
      max_connections: maxConnections,
      ...(allowedUpdates !== 'default' ? { allowed_updates: [...allowedUpdates] } : {}),
    };
    return { result: true, description: already ? 'Webhook is already set' : 'Webhook was set' };
  }

  function deleteWebhookResult(): { result: true; description: string } {
    const had = webhook.url !== undefined;
    webhook = {};
    return {
      result: true,
      description: had ? 'Webhook was deleted' : 'Webhook is already deleted',
    };
  }

  function deleteWebhook(params: Params): { result: true; description: string } {
    if (params.boolean('drop_pending_updates')) queue = [];
    return deleteWebhookResult();
  }

  function getWebhookInfo(): Record<string, unknown> {
    return {
      url: webhook.url ?? '',
      has_custom_certificate: false,
      pending_update_count: queue.length,
      ...(webhook.url !== undefined
        ? { max_connections: webhook.max_connections, ip_address: '127.0.0.1' }
        : {}),
      ...(allowedUpdates !== 'default' ? { allowed_updates: [...allowedUpdates] } : {}),
    };
  }

  function answerCallbackQuery(params: Params): true {
    const id = params.string('callback_query_id') ?? '';
    if (!callbackQueries.delete(id)) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    return true;
  }

  /** Methods by lower-case name; a result with `description` carries Telegram's note along. */
  const methods = new Map<string, { name: string; run: (params: Params) => unknown }>(
    (
      [
        ['getMe', () => botUser],
        ['sendMessage', sendMessage],
        ['editMessageText', editMessageText],
        ['deleteMessage', deleteMessage],
        ['sendChatAction', sendChatAction],
        ['setMyCommands', setMyCommands],
        ['getMyCommands', getMyCommands],
        ['deleteMyCommands', deleteMyCommands],
        ['setWebhook', setWebhook],
        ['deleteWebhook', deleteWebhook],
        ['getWebhookInfo', getWebhookInfo],
        ['answerCallbackQuery', answerCallbackQuery],
        ['getUpdates', () => undefined],
      ] as const
    ).map(([name, run]) => [name.toLowerCase(), { name, run }]),
  );

  // ── HTTP ──

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.telegram');
    const match = /^\/bot([^/]*)\/(?:test\/)?([^/]+)$/.exec(url.pathname);
    const body = await readBody(req);
    if (closing) {
      res.socket?.destroy();
      return;
    }
    if (match === null) {
      answerError(res, undefined, new ApiError(404, 'Not Found'));
      return;
    }
    const requestToken = decodeURIComponent(match[1] ?? '');
    const requested = decodeURIComponent(match[2] ?? '');
    const method = methods.get(requested.toLowerCase());
    const call: RecordedCall = { method: method?.name ?? requested, params: {}, at: Date.now() };
    calls.push(call);
    let malformed: ApiError | undefined;
    try {
      call.params = parseParams(url, req.headers['content-type'] ?? '', body);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      malformed = error;
    }
    try {
      if (requestToken !== token) {
        throw new ApiError(
          401,
          isWellFormedToken(requestToken)
            ? 'Unauthorized'
            : 'Unauthorized: invalid token specified',
        );
      }
      if (method === undefined) throw new ApiError(404, 'Not Found');
      if (malformed !== undefined) throw malformed;
      const failure = failures.get(method.name.toLowerCase())?.shift();
      if (failure !== undefined) {
        injectFailure(res, call, failure);
        return;
      }
      const params = new Params(call.params);
      if (method.name === 'getUpdates') {
        getUpdates(params, res, call);
        return;
      }
      const result = method.run(params);
      if (isRecord(result) && result.result === true && typeof result.description === 'string') {
        answer(res, call, 200, { ok: true, result: true, description: result.description });
      } else answer(res, call, 200, { ok: true, result });
    } catch (error) {
      if (error instanceof ApiError) answerError(res, call, error);
      else throw error;
    }
  }

  const server: Server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      // Only reached on a bug in this file; answer rather than leave the client hanging.
      answerError(
        res,
        undefined,
        new ApiError(500, `Internal Server Error: fake Telegram server failed: ${String(error)}`),
      );
    });
  });
  server.keepAliveTimeout = 1_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  // ── Simulated users ──

  function userSends(
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
    const record = chatRecord(chat);
    users.set(from.id, from);
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
    const entities =
      fields.entities ?? (text === '' ? [] : findEntities(text).map(toMessageEntity));
    const captionEntities =
      fields.caption_entities ??
      (fields.caption !== undefined ? findEntities(fields.caption).map(toMessageEntity) : []);
    const message: Message & Update.NonChannel = {
      ...fields,
      message_id: record.nextMessageId,
      from,
      chat,
      date: now(),
      ...(thread !== undefined ? { message_thread_id: thread } : {}),
      ...(inTopic ? { is_topic_message: fields.is_topic_message ?? true } : {}),
      ...(replyTo !== undefined ? { reply_to_message: replyTo } : {}),
      ...(text !== '' ? { text } : {}),
      ...(entities.length > 0 ? { entities } : {}),
      ...(captionEntities.length > 0 ? { caption_entities: captionEntities } : {}),
    };
    if (entities.length === 0) delete message.entities;
    return enqueue({ message });
  }

  function userEdits(chatId: number, messageId: number, text: string): Update {
    const stored = chats.get(chatId)?.messages.get(messageId);
    if (stored === undefined || stored.byBot || stored.message.from === undefined) {
      throw new Error(`Chat ${chatId} has no message ${messageId} sent by a user.`);
    }
    const edited: Message & Update.NonChannel & Update.Edited = {
      ...stored.message,
      from: stored.message.from,
      chat: stored.message.chat as NonChannelChat,
      text,
      edit_date: now(),
    };
    delete edited.entities;
    const entities = findEntities(text).map(toMessageEntity);
    if (entities.length > 0) edited.entities = entities;
    return enqueue({ edited_message: edited });
  }

  function userCreatesTopic(
    from: User,
    chat: Chat.SupergroupChat,
    name: string,
  ): { message_thread_id: number; update: Update } {
    if (chat.is_forum !== true) {
      throw new Error(
        `Chat ${chat.id} is not a forum; use supergroupChat(id, title, { isForum: true }).`,
      );
    }
    const record = chatRecord(chat);
    users.set(from.id, from);
    const id = record.nextMessageId;
    const message: Message & Update.NonChannel = {
      message_id: id,
      from,
      chat,
      date: now(),
      message_thread_id: id,
      is_topic_message: true,
      forum_topic_created: { name, icon_color: 0x6fb9f0 },
    };
    record.topics.add(id);
    record.topicRoots.set(id, message);
    return { message_thread_id: id, update: enqueue({ message }) };
  }

  let closed: Promise<void> | undefined;
  return {
    apiRoot: `http://${urlHost}:${port}`,
    token,
    botUser,
    calls,
    callsTo(method) {
      const wanted = method.toLowerCase();
      return calls.filter((call) => call.method.toLowerCase() === wanted);
    },
    sendMessage: userSends,
    editMessage: userEdits,
    createForumTopic: userCreatesTopic,
    pushUpdate: enqueue,
    pendingUpdates() {
      return [...queue];
    },
    sentMessages(chatId) {
      return chatId === undefined ? [...sent] : sent.filter((m) => m.chat_id === chatId);
    },
    async waitFor(predicate, timeoutMs = DEFAULT_WAIT_MS) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) {
          const last = calls
            .slice(-5)
            .map((c) => `${c.method} → ${c.status ?? 'held'}`)
            .join(', ');
          throw new Error(
            `waitFor: condition not met within ${timeoutMs} ms (last calls: ${last})`,
          );
        }
        await sleep(5);
      }
    },
    failNext(method, failure, times = 1) {
      const key = method.toLowerCase();
      const list = failures.get(key) ?? [];
      for (let k = 0; k < times; k++) list.push(failure);
      failures.set(key, list);
    },
    get webhook() {
      return { ...webhook };
    },
    commands(scope, languageCode) {
      return (commandSets.get(commandKey(scope, languageCode)) ?? []).map((c) => ({ ...c }));
    },
    close() {
      closed ??= (async () => {
        closing = true;
        clearTimeout(wakeTimer);
        const poll = releaseHeld();
        if (poll !== undefined) {
          answer(poll.res, poll.call, 200, { ok: true, result: [] });
          // Let the answer reach the client before its socket is cut.
          await Promise.race([
            new Promise((resolve) => poll.res.once('finish', resolve).once('close', resolve)),
            sleep(200),
          ]);
        }
        const stopped = new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}
