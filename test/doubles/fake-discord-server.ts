/**
 * A fake Discord for end-to-end tests: REST v10 and a JSON gateway on 127.0.0.1, so the real
 * discord.js `Client` is exercised — gateway handshake and caching, rate-limit handling, replies,
 * interaction responses — while discord.com stays unreachable.
 *
 * Point discord.js at it with `new Client({ ..., rest: { api: server.apiUrl } })`: discord.js asks
 * `GET /api/v10/gateway/bot` for the gateway address, so the WebSocket follows on its own.
 *
 * One bot token is valid. The world (guilds, channels, threads, users) is built by the test; user
 * activity is pushed as gateway dispatches; whatever the bot does over REST is recorded and can be
 * asserted. Like Discord, it echoes the bot's own messages back as MESSAGE_CREATE, filters events
 * by the intents given at IDENTIFY, and blanks the content of guild messages that do not mention the
 * bot unless the privileged MessageContent intent was requested.
 *
 * Dependencies: `node:http`, `node:zlib` and `ws` (a dev dependency); nothing from discord.js, so
 * the wire format here is an independent statement of what Discord sends.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createDeflate, deflateSync, constants as zlibConstants } from 'node:zlib';
import type { Deflate } from 'node:zlib';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';

// ---------------------------------------------------------------------------------------------
// Wire types (the subset of Discord's API v10 objects this fake produces)
// ---------------------------------------------------------------------------------------------

/** A JSON object as it came over the wire. */
export type JsonObject = Record<string, unknown>;

/** A Discord user object. Bots keep a four-digit discriminator; migrated users have `'0'`. */
export interface FakeUser {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
  public_flags: number;
  flags?: number;
}

/** A role object; the role whose id equals the guild id is `@everyone`. */
export interface FakeRole {
  id: string;
  name: string;
  color: number;
  hoist: boolean;
  icon: null;
  unicode_emoji: null;
  position: number;
  /** Decimal string of the permission bit set, as Discord sends it. */
  permissions: string;
  managed: boolean;
  mentionable: boolean;
  flags: number;
  tags?: { bot_id?: string };
}

/** Thread metadata of a thread channel (types 10, 11, 12). */
export interface ThreadMetadata {
  archived: boolean;
  auto_archive_duration: number;
  archive_timestamp: string;
  locked: boolean;
  create_timestamp: string;
}

/**
 * A channel object. Guild channels carry `guild_id`, `name`, `position`; DMs (type 1) carry
 * `recipients`; threads (11 public, 12 private) carry `parent_id`, `owner_id`, `thread_metadata`.
 */
export interface FakeChannel {
  id: string;
  type: number;
  flags: number;
  last_message_id: string | null;
  guild_id?: string;
  name?: string;
  position?: number;
  parent_id?: string | null;
  topic?: string | null;
  nsfw?: boolean;
  rate_limit_per_user?: number;
  permission_overwrites?: unknown[];
  recipients?: FakeUser[];
  owner_id?: string;
  thread_metadata?: ThreadMetadata;
  member_count?: number;
  message_count?: number;
  total_message_sent?: number;
}

/** A guild member object without `user` (as embedded in messages) or with it (GUILD_CREATE). */
export interface MemberObject {
  user?: FakeUser;
  nick: string | null;
  avatar: string | null;
  roles: string[];
  joined_at: string;
  premium_since: string | null;
  deaf: boolean;
  mute: boolean;
  flags: number;
  pending: boolean;
  communication_disabled_until: string | null;
  permissions?: string;
}

/** A guild as the test sees it: ids to use in events and live lists of channels and roles. */
export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  /** Equals the guild id, as on Discord. */
  readonly everyoneRoleId: string;
  /** The managed role Discord gives a bot when it joins. */
  readonly botRoleId: string;
  readonly roles: readonly FakeRole[];
  /** Guild channels and threads, in creation order. */
  readonly channels: readonly FakeChannel[];
}

/** An attachment object; files are counted and sized, not kept. */
export interface AttachmentObject {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
}

/** `allowed_mentions` as Discord accepts it. */
export interface AllowedMentions {
  parse?: string[];
  users?: string[];
  roles?: string[];
  replied_user?: boolean;
}

/** A message reference after Discord resolved it (type 0 = reply). */
export interface MessageReference {
  type: number;
  message_id: string;
  channel_id: string;
  guild_id?: string;
}

/** A message object. Gateway copies add `guild_id`, `member` and `channel_type`. */
export interface MessageObject {
  id: string;
  channel_id: string;
  guild_id?: string;
  channel_type?: number;
  author: FakeUser;
  member?: MemberObject;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: (FakeUser & { member?: MemberObject })[];
  mention_roles: string[];
  attachments: AttachmentObject[];
  embeds: unknown[];
  components: unknown[];
  pinned: boolean;
  type: number;
  flags: number;
  nonce?: string | number;
  webhook_id?: string;
  application_id?: string;
  message_reference?: MessageReference;
  referenced_message?: MessageObject | null;
  interaction_metadata?: {
    id: string;
    type: number;
    user: FakeUser;
    name: string;
    authorizing_integration_owners: Record<string, string>;
  };
}

/** One option value of a chat input command, as Discord sends it in `data.options`. */
export interface CommandOptionValue {
  name: string;
  /** 3 string, 4 integer, 5 boolean, 10 number; other types are passed through unchecked. */
  type: number;
  value: string | number | boolean;
}

/** An INTERACTION_CREATE payload for an application command. */
export interface InteractionObject {
  id: string;
  application_id: string;
  type: number;
  token: string;
  version: 1;
  data: {
    id: string;
    name: string;
    type: number;
    options?: CommandOptionValue[];
    guild_id?: string;
  };
  guild_id?: string;
  guild?: { id: string; locale: string; features: string[] };
  channel_id: string;
  channel: FakeChannel & { permissions?: string };
  member?: MemberObject & { user: FakeUser; permissions: string };
  user?: FakeUser;
  app_permissions: string;
  locale: string;
  guild_locale?: string;
  entitlements: unknown[];
  authorizing_integration_owners: Record<string, string>;
  /** 0 guild, 1 the bot's DM, 2 a private channel (user-installed apps). */
  context: number;
  attachment_size_limit: number;
}

/** An application command as stored and returned by Discord. */
export interface ApplicationCommand {
  id: string;
  application_id: string;
  version: string;
  /** 1 chat input (slash), 2 user, 3 message. */
  type: number;
  name: string;
  name_localizations: Record<string, string> | null;
  description: string;
  description_localizations: Record<string, string> | null;
  options?: unknown[];
  default_member_permissions: string | null;
  contexts: number[] | null;
  integration_types: number[];
  nsfw: boolean;
  guild_id?: string;
}

// ---------------------------------------------------------------------------------------------
// Recording types (what the bot did)
// ---------------------------------------------------------------------------------------------

/** A REST call as it arrived, recorded before it is answered. */
export interface RecordedRequest {
  method: string;
  /**
   * Path below `/api/v10` without the query string, percent-decoded, e.g. `/channels/123/messages`
   * or `/webhooks/1/tok/messages/@original`; requests outside
   * `/api/v10` keep their full path (and are answered 404).
   */
  path: string;
  query: Record<string, string>;
  /** Node's lower-cased request headers, e.g. `headers.authorization === 'Bot <token>'`. */
  headers: IncomingHttpHeaders;
  /** The JSON body, or `payload_json` of a multipart body; `undefined` when there was none. */
  body: unknown;
  /** Files of a multipart body (their bytes are counted, not kept). */
  files: { field: string; filename: string; contentType: string; size: number }[];
  /** The status answered; 0 until the answer is chosen. */
  status: number;
  /** `Date.now()` when the body had been read. */
  at: number;
}

/** One PATCH applied to a message, in order. */
export interface MessageEdit {
  body: JsonObject;
  /** Content after the edit. */
  content: string;
  at: number;
}

/** Who a message pings, after `allowed_mentions` was applied. */
export interface MentionSet {
  users: string[];
  roles: string[];
  everyone: boolean;
}

/** A message in the fake's store: written by a test user or by the bot. */
export interface StoredMessage {
  readonly id: string;
  readonly channelId: string;
  readonly guildId: string | undefined;
  readonly author: FakeUser;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: AttachmentObject[];
  flags: number;
  readonly type: number;
  readonly tts: boolean;
  readonly nonce: string | number | undefined;
  /** The reference as Discord resolved it; `undefined` for no reply or a dropped one. */
  readonly messageReference: MessageReference | undefined;
  /** `allowed_mentions` as sent, updated by edits that send one. */
  allowedMentions: AllowedMentions | undefined;
  mentions: MentionSet;
  /** Set on an interaction's original response and follow-ups. */
  readonly interactionId: string | undefined;
  /** The create body as the bot sent it (`message_reference` included); `undefined` for test users. */
  readonly body: JsonObject | undefined;
  readonly edits: MessageEdit[];
  /** Emoji the bot reacted with (`PUT .../reactions/:emoji/@me`), removals applied. */
  readonly reactions: string[];
  readonly createdAt: number;
  editedAt: number | undefined;
  deletedAt: number | undefined;
}

/** How the bot answered one interaction. */
export interface InteractionRecord {
  readonly interaction: InteractionObject;
  /** `POST /interactions/:id/:token/callback`; `data.flags` 64 marks an ephemeral response. */
  callback:
    { type: number; data: JsonObject | undefined; withResponse: boolean; at: number } | undefined;
  /** The original response message (type 4, or type 5 then `PATCH .../@original`). */
  original: StoredMessage | undefined;
  readonly followUps: StoredMessage[];
}

/** The `d` of an IDENTIFY (op 2) as discord.js sent it. */
export interface IdentifyPayload {
  token: string;
  intents: number;
  properties: Record<string, string>;
  compress?: boolean;
  large_threshold?: number;
  shard?: [number, number];
  presence?: unknown;
}

/** The `d` of a RESUME (op 6). */
export interface ResumePayload {
  token: string;
  session_id: string;
  seq: number;
}

/**
 * A scripted REST failure for {@link FakeDiscordServer.failNext}.
 *
 * - `{ status: 429, retryAfter }`: a rate limit with the headers discord.js reads — `retry-after`
 *   (whole seconds, rounded up, as Discord sends it), `x-ratelimit-limit`/`-remaining` (0)/`-reset`/
 *   `-reset-after`/`-bucket`/`-scope`, plus `x-ratelimit-global: true` when `global` — and body
 *   `{ message, retry_after, global }`. `scope` defaults to `'global'` when `global`, else `'user'`.
 * - `{ status, code?, message? }`: an error in Discord's shape `{ message, code }`; defaults per
 *   status: 403 `Missing Permissions`/50013, 404 `404: Not Found`/0, 5xx `<status>: …`/0. Note that
 *   discord.js retries 5xx answers up to 3 times by default (`rest.retries`), so only 4 or more
 *   consecutive 5xx failures reach the caller.
 */
export type FakeFailure =
  | { status: 429; retryAfter: number; global?: boolean; scope?: 'user' | 'global' | 'shared' }
  | {
      status: 400 | 401 | 403 | 404 | 405 | 500 | 502 | 503 | 504;
      code?: number;
      message?: string;
      errors?: JsonObject;
    };

/** A test user message for {@link FakeDiscordServer.createMessage}. */
export interface CreateMessageInput {
  /** Omit for a DM with the bot: the DM channel (type 1) is created on first use. */
  channelId?: string;
  author: FakeUser;
  content: string;
  /**
   * Users pinged besides those written as `<@id>` in `content` (those are picked up on their own,
   * as are `<@&role>` and `@everyone`/`@here`).
   */
  mentions?: FakeUser[];
  mentionRoles?: string[];
  mentionEveryone?: boolean;
  /** Makes the message a reply (type 19) to this message in the same channel. */
  referencedMessageId?: string;
  /** Whether a reply pings the replied-to author. Default true, as in Discord's client. */
  mentionRepliedUser?: boolean;
  /** Default 0 (DEFAULT), or 19 (REPLY) when `referencedMessageId` is set. */
  type?: number;
  embeds?: unknown[];
}

/** An application command invocation for {@link FakeDiscordServer.createInteraction}. */
export interface CreateInteractionInput {
  name: string;
  user: FakeUser;
  /** Omit for the user's DM with the bot (context 1). */
  channelId?: string;
  /** Values keyed by option name; the option type is inferred (string 3, integer 4, boolean 5, number 10). */
  options?: Record<string, string | number | boolean> | CommandOptionValue[];
  /** 1 chat input (default), 2 user, 3 message. */
  commandType?: number;
  /**
   * How long the bot has to call the callback route; later calls get 404 `Unknown interaction`
   * (10062). Default: the server's `interactionAckTimeoutMs`.
   */
  ackTimeoutMs?: number;
}

export interface FakeDiscordServerOptions {
  /** The one valid bot token. Default `'fake-bot-token'`. */
  token?: string;
  /** The bot's username. Default `'fake-bot'`. */
  botUsername?: string;
  /**
   * Shard count recommended by `GET /gateway/bot`. Default 1, as for any bot in fewer than 2,500
   * guilds. Guild events go to shard `(guild_id >> 22) % shard_count`, DMs to shard 0.
   */
  shards?: number;
  /**
   * `session_start_limit.max_concurrency`. Default 1 (Discord's value for small bots); discord.js
   * then waits 5 s between IDENTIFYs of the same process, so raise it for multi-shard tests.
   */
  maxConcurrency?: number;
  /**
   * `heartbeat_interval` in HELLO. Default 41,250 ms, Discord's value; tests that want to see
   * heartbeats acknowledged use something short such as 200.
   */
  heartbeatIntervalMs?: number;
  /**
   * Privileged intents (GuildMembers 1<<1, GuildPresences 1<<8, MessageContent 1<<15) the
   * application may request. Default: all of them, as if enabled in the Developer Portal; an
   * IDENTIFY asking for one not listed here is closed with 4014 "Disallowed intent(s).".
   */
  privilegedIntents?: number;
  /**
   * Time the bot has to acknowledge an interaction. Default 3,000 ms: Discord's limit, so a bot that
   * forgets to defer before a slow model call fails here as it would in production.
   */
  interactionAckTimeoutMs?: number;
  /** Whether the bot's own messages come back as MESSAGE_CREATE, as on Discord. Default true. */
  echoOwnMessages?: boolean;
}

export interface FakeDiscordServer {
  /** `http://127.0.0.1:<port>/api` — the value for discord.js `rest.api` (or `DISCORD_API_URL`). */
  readonly apiUrl: string;
  /** `ws://127.0.0.1:<port>/gateway`, as returned by `GET /gateway/bot`. */
  readonly gatewayUrl: string;
  readonly token: string;
  readonly botUser: FakeUser;
  /** Equals the bot user's id, as for every application created since 2019. */
  readonly applicationId: string;
  /** Every REST call in arrival order (gateway traffic is not included). */
  readonly requests: RecordedRequest[];

  /** A user known to the fake, so mentions and DMs can refer to it. Default username `user<n>`. */
  addUser(input?: { username?: string; globalName?: string; bot?: boolean }): FakeUser;
  /**
   * A guild the bot is a member of. Default: one text channel `general`; channel type defaults to
   * 0 (text). Emitted as GUILD_CREATE on every IDENTIFY and, when added later, right away.
   */
  addGuild(input?: {
    id?: string;
    name?: string;
    channels?: { id?: string; name?: string; type?: number; parentId?: string; topic?: string }[];
    roles?: { id?: string; name?: string; permissions?: bigint }[];
    /** Permissions of the bot's managed role. Default: those of a new guild's `@everyone`. */
    botPermissions?: bigint;
  }): FakeGuild;
  /** A guild channel, emitted as CHANNEL_CREATE. */
  addChannel(
    guildId: string,
    input?: { id?: string; name?: string; type?: number; parentId?: string },
  ): FakeChannel;
  /** A thread under a text channel (type 11 public by default), emitted as THREAD_CREATE. */
  addThread(
    parentChannelId: string,
    input?: { name?: string; type?: 11 | 12; owner?: FakeUser },
  ): FakeChannel;
  /** The DM channel between `user` and the bot, created on first use. */
  dmChannelFor(user: FakeUser): FakeChannel;
  channel(channelId: string): FakeChannel | undefined;

  /** A user message, stored and dispatched as MESSAGE_CREATE with the next sequence number. */
  createMessage(input: CreateMessageInput): MessageObject;
  /** Edits a stored message (any author) and dispatches MESSAGE_UPDATE. */
  updateMessage(input: { channelId: string; messageId: string; content: string }): MessageObject;
  /** Deletes a stored message and dispatches MESSAGE_DELETE. */
  deleteMessage(channelId: string, messageId: string): void;
  /** An application command invocation, dispatched as INTERACTION_CREATE. */
  createInteraction(input: CreateInteractionInput): InteractionObject;

  /**
   * Messages the bot created in a channel — REST posts and non-ephemeral interaction responses —
   * oldest first, deleted ones included (with `deletedAt`). Ephemeral responses are only in
   * {@link FakeDiscordServer.interactionResponses}.
   */
  messagesIn(channelId: string): StoredMessage[];
  /** Any stored message by id (test users' included). */
  message(messageId: string): StoredMessage | undefined;
  /** The bot's answer to an interaction; throws for an unknown id. */
  interactionResponses(interactionId: string): InteractionRecord;
  /** `POST /channels/:id/typing` calls so far. */
  typingIn(channelId: string): number;
  /** Commands registered globally, or for `guildId`, in registration order. */
  registeredCommands(guildId?: string): ApplicationCommand[];

  /**
   * Makes the next `times` (default 1) REST calls whose method and path (below `/api/v10`) match
   * fail with `failure`. `method` `'*'` matches any; a string `path` must match exactly. Checked
   * before authentication and routing; earlier scripts are used first.
   */
  failNext(method: string, path: RegExp | string, failure: FakeFailure, times?: number): void;
  /** Resolves once `predicate()` is true (polled every 10 ms); rejects after `timeoutMs` (default 5,000). */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;

  /** Gateway connections currently open. */
  gatewayConnections(): number;
  /** URLs (path and query) of every gateway connection, e.g. `/gateway?v=10&encoding=json`. */
  gatewayUrls(): string[];
  identifyPayloads(): IdentifyPayload[];
  resumePayloads(): ResumePayload[];
  /** Sends RECONNECT (op 7) on every open connection; discord.js then resumes. */
  requestReconnect(): void;
  /** Closes every open gateway connection with `code` (default 4000, after which clients resume). */
  disconnectClients(code?: number, reason?: string): void;
  /**
   * Makes the token invalid from now on (REST 401, IDENTIFY and RESUME closed with 4004) and closes
   * open connections with 4004, as when a token is reset in the Developer Portal.
   */
  revokeToken(): void;
  /** Closes every socket and stops listening. Idempotent. Destroy clients first, or they reconnect. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

const API_PREFIX = '/api/v10';
const DISCORD_EPOCH = 1_420_070_400_000n;

const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;
const PRIVILEGED_INTENTS = Intent.GuildMembers | Intent.GuildPresences | Intent.MessageContent;
/** Intent bits 0–25 exist in API v10; anything above is refused with 4013. */
const KNOWN_INTENTS = (1 << 26) - 1;

const ChannelType = {
  GuildText: 0,
  DM: 1,
  GuildVoice: 2,
  GuildCategory: 4,
  GuildAnnouncement: 5,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
  GuildStageVoice: 13,
  GuildForum: 15,
  GuildMedia: 16,
} as const;
const THREAD_TYPES: readonly number[] = [10, 11, 12];
/** Channels that accept `POST /channels/:id/messages` (voice and stage channels have a text chat). */
const MESSAGEABLE_TYPES: readonly number[] = [0, 1, 2, 3, 5, 10, 11, 12, 13];

const MessageFlag = {
  SuppressEmbeds: 1 << 2,
  Ephemeral: 1 << 6,
  Loading: 1 << 7,
  SuppressNotifications: 1 << 12,
};

const CLOSE_REASONS: Record<number, string> = {
  4000: 'Unknown error.',
  4001: 'Unknown opcode.',
  4002: 'Error while decoding payload.',
  4003: 'Not authenticated.',
  4004: 'Authentication failed.',
  4005: 'Already authenticated.',
  4007: 'Invalid seq.',
  4009: 'Session timed out.',
  4010: 'Invalid shard.',
  4012: 'Invalid API version.',
  4013: 'Invalid intent(s).',
  4014: 'Disallowed intent(s).',
};

function permissionBits(bits: readonly number[]): bigint {
  return bits.reduce((all, bit) => all | (1n << BigInt(bit)), 0n);
}

/**
 * `@everyone` of a new guild: invite, reactions, stream, view, send, embed, attach, history,
 * external emoji, connect, speak, VAD, nickname, application commands, request to speak, threads,
 * external stickers, send in threads, activities, voice messages, polls, external apps.
 */
const DEFAULT_EVERYONE_PERMISSIONS = permissionBits([
  0, 6, 9, 10, 11, 14, 15, 16, 18, 20, 21, 25, 26, 31, 32, 35, 36, 37, 38, 39, 46, 49, 50,
]);

/** Discord keeps an interaction token usable for follow-ups for 15 minutes. */
const INTERACTION_TOKEN_TTL_MS = 15 * 60_000;
/** Dispatches kept per session for RESUME; older ones make a resume fail with INVALID_SESSION. */
const SESSION_LOG_LIMIT = 1_000;
const MAX_CONTENT_LENGTH = 2_000;

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isoTime(at: number = Date.now()): string {
  return new Date(at).toISOString();
}

/** Snowflakes with the current time, so discord.js's `createdAt` and route bucketing (17–19 digits) work. */
function createSnowflakeGenerator(): () => string {
  let lastMs = 0n;
  let increment = 0n;
  return () => {
    let ms = BigInt(Date.now()) - DISCORD_EPOCH;
    if (ms <= lastMs) {
      increment += 1n;
      if (increment > 0xfffn) {
        lastMs += 1n;
        increment = 0n;
      }
      ms = lastMs;
    } else {
      lastMs = ms;
      increment = 0n;
    }
    return ((ms << 22n) | (1n << 17n) | (1n << 12n) | increment).toString();
  };
}

function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

const NO_CONTENT: Reply = { status: 204 };

function apiError(status: number, code: number, message: string, errors?: JsonObject): Reply {
  return { status, body: errors ? { message, code, errors } : { message, code } };
}

const Errors = {
  unauthorized: () => apiError(401, 0, '401: Unauthorized'),
  notFound: () => apiError(404, 0, '404: Not Found'),
  methodNotAllowed: () => apiError(405, 0, '405: Method Not Allowed'),
  invalidJson: () => apiError(400, 50109, 'The request body contains invalid JSON.'),
  unknownChannel: () => apiError(404, 10003, 'Unknown Channel'),
  unknownGuild: () => apiError(404, 10004, 'Unknown Guild'),
  unknownMember: () => apiError(404, 10007, 'Unknown Member'),
  unknownMessage: () => apiError(404, 10008, 'Unknown Message'),
  unknownUser: () => apiError(404, 10013, 'Unknown User'),
  unknownWebhook: () => apiError(404, 10015, 'Unknown Webhook'),
  unknownInteraction: () => apiError(404, 10062, 'Unknown interaction'),
  unknownCommand: () => apiError(404, 10063, 'Unknown application command'),
  missingAccess: () => apiError(403, 50001, 'Missing Access'),
  cannotEditOthers: () => apiError(403, 50005, 'Cannot edit a message authored by another user'),
  emptyMessage: () => apiError(400, 50006, 'Cannot send an empty message'),
  nonTextChannel: () => apiError(400, 50008, 'Cannot send messages in a non-text channel'),
  invalidWebhookToken: () => apiError(401, 50027, 'Invalid Webhook Token'),
  invalidRecipient: () => apiError(400, 50033, 'Invalid Recipient(s)'),
  alreadyAcknowledged: () => apiError(400, 40060, 'Interaction has already been acknowledged.'),
};

const DEFAULT_FAILURES: Record<number, { code: number; message: string }> = {
  400: { code: 0, message: '400: Bad Request' },
  401: { code: 0, message: '401: Unauthorized' },
  403: { code: 50013, message: 'Missing Permissions' },
  404: { code: 0, message: '404: Not Found' },
  405: { code: 0, message: '405: Method Not Allowed' },
  500: { code: 0, message: '500: Internal Server Error' },
  502: { code: 0, message: '502: Bad Gateway' },
  503: { code: 0, message: '503: Service Unavailable' },
  504: { code: 0, message: '504: Gateway Timeout' },
};

/** Collects field errors into Discord's nested `errors` shape (`{ content: { _errors: [...] } }`). */
class FormErrors {
  readonly tree: JsonObject = {};
  count = 0;

  add(path: readonly (string | number)[], code: string, message: string): void {
    let node = this.tree;
    for (const key of path) {
      const next = node[String(key)];
      if (isRecord(next)) {
        node = next;
      } else {
        const created: JsonObject = {};
        node[String(key)] = created;
        node = created;
      }
    }
    const list = Array.isArray(node._errors) ? (node._errors as unknown[]) : [];
    list.push({ code, message });
    node._errors = list;
    this.count++;
  }

  reply(): Reply {
    return apiError(400, 50035, 'Invalid Form Body', this.tree);
  }
}

/** Checks the message fields Discord validates on create and edit; errors land under `path`. */
function validateMessageFields(body: JsonObject, form: FormErrors, path: readonly string[]): void {
  const content = body.content;
  if (content !== undefined && content !== null) {
    if (typeof content !== 'string') {
      form.add([...path, 'content'], 'BASE_TYPE_STRING', 'Could not interpret value as string.');
    } else if (codePointLength(content) > MAX_CONTENT_LENGTH) {
      form.add(
        [...path, 'content'],
        'BASE_TYPE_MAX_LENGTH',
        `Must be ${MAX_CONTENT_LENGTH} or fewer in length.`,
      );
    }
  }
  if (Array.isArray(body.embeds) && body.embeds.length > 10) {
    form.add([...path, 'embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  }
  const allowed = body.allowed_mentions;
  if (allowed !== undefined && allowed !== null) {
    if (!isRecord(allowed)) {
      form.add(
        [...path, 'allowed_mentions'],
        'MODEL_TYPE_CONVERT',
        'Only dictionaries may be used in a ModelType',
      );
      return;
    }
    const parse = Array.isArray(allowed.parse) ? allowed.parse : [];
    parse.forEach((value, index) => {
      if (value !== 'users' && value !== 'roles' && value !== 'everyone') {
        form.add(
          [...path, 'allowed_mentions', 'parse', index],
          'BASE_TYPE_CHOICES',
          "Value must be one of ('roles', 'users', 'everyone').",
        );
      }
    });
    for (const kind of ['users', 'roles'] as const) {
      const list = allowed[kind];
      if (parse.includes(kind) && Array.isArray(list) && list.length > 0) {
        form.add(
          [...path, 'allowed_mentions'],
          'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
          `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
        );
      }
    }
  }
}

/** Whether a create body has anything to show; Discord answers 50006 otherwise. */
function hasSomethingToSend(body: JsonObject, fileCount: number): boolean {
  const nonEmpty = (value: unknown): boolean => Array.isArray(value) && value.length > 0;
  return (
    (typeof body.content === 'string' && body.content.length > 0) ||
    nonEmpty(body.embeds) ||
    nonEmpty(body.components) ||
    nonEmpty(body.sticker_ids) ||
    body.poll !== undefined ||
    fileCount > 0
  );
}

function toAllowedMentions(value: unknown): AllowedMentions | undefined {
  if (!isRecord(value)) return undefined;
  const strings = (list: unknown): string[] | undefined =>
    Array.isArray(list)
      ? list.filter((item): item is string => typeof item === 'string')
      : undefined;
  const result: AllowedMentions = {};
  const parse = strings(value.parse);
  const users = strings(value.users);
  const roles = strings(value.roles);
  if (parse) result.parse = parse;
  if (users) result.users = users;
  if (roles) result.roles = roles;
  if (typeof value.replied_user === 'boolean') result.replied_user = value.replied_user;
  return result;
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Discord's checks on a command (or a chat input option): names, descriptions, option order. */
function validateCommand(
  command: unknown,
  form: FormErrors,
  path: readonly (string | number)[],
): void {
  if (!isRecord(command)) {
    form.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return;
  }
  const type = command.type ?? 1;
  if (type !== 1 && type !== 2 && type !== 3 && type !== 4) {
    form.add([...path, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4}.');
    return;
  }
  const name = command.name;
  if (typeof name !== 'string' || name.length === 0) {
    form.add([...path, 'name'], 'BASE_TYPE_REQUIRED', 'This field is required');
  } else if (type === 1 && (!COMMAND_NAME.test(name) || name !== name.toLowerCase())) {
    form.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  } else if (codePointLength(name) > 32) {
    form.add([...path, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
  }
  const description = command.description;
  if (type === 1) {
    if (typeof description !== 'string' || description.length === 0) {
      form.add([...path, 'description'], 'BASE_TYPE_REQUIRED', 'This field is required');
    } else if (codePointLength(description) > 100) {
      form.add(
        [...path, 'description'],
        'BASE_TYPE_BAD_LENGTH',
        'Must be between 1 and 100 in length.',
      );
    }
    validateOptions(command.options, form, [...path, 'options']);
  } else if (typeof description === 'string' && description.length > 0) {
    form.add(
      [...path, 'description'],
      'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION',
      'Context menu commands cannot have description',
    );
  }
}

function validateOptions(
  options: unknown,
  form: FormErrors,
  path: readonly (string | number)[],
): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) {
    form.add(path, 'BASE_TYPE_LIST', 'Could not interpret value as list.');
    return;
  }
  if (options.length > 25) form.add(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  let sawOptional = false;
  const names = new Set<string>();
  options.forEach((option: unknown, index) => {
    const at = [...path, index];
    if (!isRecord(option)) {
      form.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    const { type, name, description } = option;
    if (typeof type !== 'number' || type < 1 || type > 11) {
      form.add(
        [...at, 'type'],
        'BASE_TYPE_CHOICES',
        'Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.',
      );
    }
    if (typeof name !== 'string' || !COMMAND_NAME.test(name) || name !== name.toLowerCase()) {
      form.add([...at, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    } else if (names.has(name)) {
      form.add(
        [...at, 'name'],
        'APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME',
        'Option names must be unique',
      );
    } else {
      names.add(name);
    }
    if (
      typeof description !== 'string' ||
      description.length === 0 ||
      codePointLength(description) > 100
    ) {
      form.add(
        [...at, 'description'],
        'BASE_TYPE_BAD_LENGTH',
        'Must be between 1 and 100 in length.',
      );
    }
    if (type === 1 || type === 2) {
      validateOptions(option.options, form, [...at, 'options']);
      return;
    }
    if (option.required === true && sawOptional) {
      form.add(
        path,
        'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        'Required options must be placed before non-required options',
      );
    }
    if (option.required !== true) sawOptional = true;
    if (Array.isArray(option.choices) && option.choices.length > 25) {
      form.add([...at, 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    }
  });
}

/** Parses a JSON or multipart body; a multipart body's JSON is its `payload_json` part. */
async function parseRequestBody(
  contentType: string | undefined,
  raw: Buffer,
): Promise<{ body: unknown; files: RecordedRequest['files']; invalid: boolean }> {
  if (raw.length === 0) return { body: undefined, files: [], invalid: false };
  if (contentType?.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), {
      headers: { 'content-type': contentType },
    }).formData();
    const files: RecordedRequest['files'] = [];
    let body: unknown;
    let invalid = false;
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') {
          try {
            body = JSON.parse(value);
          } catch {
            invalid = true;
          }
        }
      } else {
        files.push({ field, filename: value.name, contentType: value.type, size: value.size });
      }
    }
    return { body, files, invalid };
  }
  try {
    return { body: JSON.parse(raw.toString('utf8')), files: [], invalid: false };
  } catch {
    return { body: undefined, files: [], invalid: true };
  }
}

function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  if (reply.body === undefined) {
    res.writeHead(reply.status, reply.headers ?? {});
    res.end();
    return;
  }
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...reply.headers,
  });
  res.end(payload);
}

// ---------------------------------------------------------------------------------------------
// Gateway state
// ---------------------------------------------------------------------------------------------

interface GatewayDispatch {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

interface GatewaySession {
  readonly id: string;
  readonly shard: readonly [number, number];
  readonly intents: number;
  seq: number;
  readonly log: GatewayDispatch[];
  connection: GatewayConnection | undefined;
  ended: boolean;
}

interface GatewayConnection {
  readonly socket: WebSocket;
  /** zlib-stream transport compression: one deflate context for the connection's lifetime. */
  readonly deflate: Deflate | undefined;
  identifyCompress: boolean;
  session: GatewaySession | undefined;
}

interface DispatchTarget {
  /** Routes to the shard of this guild; DMs and guild-less events go to shard 0. */
  guildId: string | undefined;
  /** The intent a session needs to receive the event; 0 = every session. */
  intent: number;
}

interface InternalGuild {
  readonly id: string;
  name: string;
  readonly ownerId: string;
  readonly botRoleId: string;
  readonly roles: FakeRole[];
  readonly channels: FakeChannel[];
  readonly members: Map<string, MemberObject & { user: FakeUser }>;
  readonly joinedAt: string;
}

interface InternalInteraction {
  readonly record: InteractionRecord;
  readonly ackDeadline: number;
  readonly tokenExpiresAt: number;
}

interface ScriptedFailure {
  method: string;
  path: RegExp | string;
  failure: FakeFailure;
  remaining: number;
}

interface RouteContext {
  params: string[];
  body: unknown;
  query: URLSearchParams;
  files: RecordedRequest['files'];
}

interface Route {
  method: string;
  pattern: RegExp;
  /** False for the interaction callback and webhook routes, which discord.js calls without a token. */
  auth: boolean;
  handle(context: RouteContext): Reply | Promise<Reply>;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/**
 * Starts the fake on 127.0.0.1 (loopback only: no firewall prompt, no IPv6 surprises) and an
 * ephemeral port, so parallel test files never collide. REST and gateway share the port.
 */
export async function startFakeDiscordServer(
  options: FakeDiscordServerOptions = {},
): Promise<FakeDiscordServer> {
  const token = options.token ?? 'fake-bot-token';
  let tokenRevoked = false;
  const shardCount = options.shards ?? 1;
  const maxConcurrency = options.maxConcurrency ?? 1;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
  const privilegedIntents = options.privilegedIntents ?? PRIVILEGED_INTENTS;
  const interactionAckTimeoutMs = options.interactionAckTimeoutMs ?? 3_000;
  const echoOwnMessages = options.echoOwnMessages ?? true;

  const nextId = createSnowflakeGenerator();
  const botUser: FakeUser = {
    id: nextId(),
    username: options.botUsername ?? 'fake-bot',
    discriminator: '0001',
    global_name: null,
    avatar: null,
    bot: true,
    public_flags: 0,
    flags: 0,
  };
  const applicationId = botUser.id;
  const guildOwner: FakeUser = {
    id: nextId(),
    username: 'guild-owner',
    discriminator: '0',
    global_name: 'Guild Owner',
    avatar: null,
    public_flags: 0,
  };

  const users = new Map<string, FakeUser>([
    [botUser.id, botUser],
    [guildOwner.id, guildOwner],
  ]);
  const guilds = new Map<string, InternalGuild>();
  const channels = new Map<string, FakeChannel>();
  const dmChannelsByUser = new Map<string, FakeChannel>();
  const messages = new Map<string, StoredMessage>();
  const messagesByChannel = new Map<string, StoredMessage[]>();
  const typing = new Map<string, number>();
  const commands = new Map<string, ApplicationCommand[]>(); // key: guild id or 'global'
  const interactions = new Map<string, InternalInteraction>();
  const interactionsByToken = new Map<string, InternalInteraction>();
  const requests: RecordedRequest[] = [];
  const failures: ScriptedFailure[] = [];
  const sessions = new Map<string, GatewaySession>();
  const connections = new Set<GatewayConnection>();
  const identifies: IdentifyPayload[] = [];
  const resumes: ResumePayload[] = [];
  const gatewayUrlLog: string[] = [];
  let sessionStarts = 0;
  let userCounter = 0;
  let apiUrl = '';
  let gatewayUrl = '';

  // ----- world helpers ------------------------------------------------------------------------

  function guildOfChannel(channel: FakeChannel): InternalGuild | undefined {
    return channel.guild_id === undefined ? undefined : guilds.get(channel.guild_id);
  }

  function ensureMember(guild: InternalGuild, user: FakeUser): MemberObject & { user: FakeUser } {
    let member = guild.members.get(user.id);
    if (!member) {
      member = {
        user,
        nick: null,
        avatar: null,
        roles: [],
        joined_at: isoTime(),
        premium_since: null,
        deaf: false,
        mute: false,
        flags: 0,
        pending: false,
        communication_disabled_until: null,
      };
      guild.members.set(user.id, member);
    }
    return member;
  }

  function memberWithoutUser(member: MemberObject): MemberObject {
    const { user: _user, ...rest } = member;
    return rest;
  }

  function permissionsOf(guild: InternalGuild, userId: string): bigint {
    if (userId === guild.ownerId) return (1n << 53n) - 1n;
    const member = guild.members.get(userId);
    let bits = BigInt(guild.roles.find((role) => role.id === guild.id)?.permissions ?? '0');
    for (const roleId of member?.roles ?? []) {
      bits |= BigInt(guild.roles.find((role) => role.id === roleId)?.permissions ?? '0');
    }
    return bits;
  }

  function guildCreatePayload(guild: InternalGuild): JsonObject {
    const regular = guild.channels.filter((channel) => !THREAD_TYPES.includes(channel.type));
    const threads = guild.channels.filter((channel) => THREAD_TYPES.includes(channel.type));
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: guild.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      roles: guild.roles,
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id:
        regular.find((channel) => channel.type === ChannelType.GuildText)?.id ?? null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: 'en-US',
      nsfw_level: 0,
      hub_type: null,
      incidents_data: null,
      max_members: 500_000,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      // GUILD_CREATE-only fields
      joined_at: guild.joinedAt,
      large: false,
      unavailable: false,
      member_count: guild.members.size,
      members: [...guild.members.values()],
      channels: regular,
      threads,
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      lazy: true,
    };
  }

  function createGuildChannel(
    guild: InternalGuild,
    input: { id?: string; name?: string; type?: number; parentId?: string; topic?: string },
  ): FakeChannel {
    const type = input.type ?? ChannelType.GuildText;
    const channel: FakeChannel = {
      id: input.id ?? nextId(),
      type,
      flags: 0,
      guild_id: guild.id,
      name: input.name ?? `channel-${guild.channels.length + 1}`,
      position: guild.channels.length,
      parent_id: input.parentId ?? null,
      permission_overwrites: [],
      nsfw: false,
      last_message_id: null,
    };
    if (type === ChannelType.GuildText || type === ChannelType.GuildAnnouncement) {
      channel.topic = input.topic ?? null;
      channel.rate_limit_per_user = 0;
    }
    if (channels.has(channel.id))
      throw new Error(`fake Discord: channel ${channel.id} already exists`);
    guild.channels.push(channel);
    channels.set(channel.id, channel);
    return channel;
  }

  function requireChannel(channelId: string): FakeChannel {
    const channel = channels.get(channelId);
    if (!channel)
      throw new Error(
        `fake Discord: unknown channel ${channelId}; add it with addGuild/addChannel/addThread first`,
      );
    return channel;
  }

  function registerUser(user: FakeUser): FakeUser {
    const known = users.get(user.id);
    if (known) return known;
    users.set(user.id, user);
    return user;
  }

  function dmChannelFor(user: FakeUser): FakeChannel {
    registerUser(user);
    let channel = dmChannelsByUser.get(user.id);
    if (!channel) {
      channel = {
        id: nextId(),
        type: ChannelType.DM,
        flags: 0,
        last_message_id: null,
        recipients: [user],
      };
      dmChannelsByUser.set(user.id, channel);
      channels.set(channel.id, channel);
    }
    return channel;
  }

  // ----- messages -----------------------------------------------------------------------------

  function storeMessage(message: StoredMessage): void {
    messages.set(message.id, message);
    let list = messagesByChannel.get(message.channelId);
    if (!list) {
      list = [];
      messagesByChannel.set(message.channelId, list);
    }
    list.push(message);
    const channel = channels.get(message.channelId);
    if (channel) {
      channel.last_message_id = message.id;
      if (THREAD_TYPES.includes(channel.type)) {
        channel.message_count = (channel.message_count ?? 0) + 1;
        channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
      }
    }
  }

  function mentionedUserIds(content: string): string[] {
    const ids = new Set<string>();
    for (const match of content.matchAll(/<@!?(\d+)>/g)) {
      const id = match[1];
      if (id !== undefined && users.has(id)) ids.add(id);
    }
    return [...ids];
  }

  function mentionedRoleIds(content: string, guild: InternalGuild | undefined): string[] {
    if (!guild) return [];
    const ids = new Set<string>();
    for (const match of content.matchAll(/<@&(\d+)>/g)) {
      const id = match[1];
      if (id !== undefined && guild.roles.some((role) => role.id === id)) ids.add(id);
    }
    return [...ids];
  }

  /** Who a bot message pings: the text's mentions filtered by `allowed_mentions`, as Discord does. */
  function resolveBotMentions(
    content: string,
    allowed: AllowedMentions | undefined,
    guild: InternalGuild | undefined,
    repliedAuthorId: string | undefined,
  ): MentionSet {
    const textUsers = mentionedUserIds(content);
    const textRoles = mentionedRoleIds(content, guild);
    const textEveryone = /@(everyone|here)\b/.test(content);
    let mentions: MentionSet;
    let pingReplied: boolean;
    if (allowed === undefined) {
      mentions = { users: textUsers, roles: textRoles, everyone: textEveryone };
      pingReplied = true; // without allowed_mentions Discord pings the replied-to author
    } else {
      const parse = allowed.parse ?? [];
      mentions = {
        users: parse.includes('users')
          ? textUsers
          : textUsers.filter((id) => allowed.users?.includes(id) === true),
        roles: parse.includes('roles')
          ? textRoles
          : textRoles.filter((id) => allowed.roles?.includes(id) === true),
        everyone: parse.includes('everyone') && textEveryone,
      };
      pingReplied = allowed.replied_user === true;
    }
    if (repliedAuthorId !== undefined && pingReplied && !mentions.users.includes(repliedAuthorId)) {
      mentions.users.push(repliedAuthorId);
    }
    return mentions;
  }

  /** The REST shape of a stored message; `depth` stops `referenced_message` from nesting further. */
  function toWire(message: StoredMessage, depth = 0): MessageObject {
    const wire: MessageObject = {
      id: message.id,
      channel_id: message.channelId,
      author: message.author,
      content: message.content,
      timestamp: isoTime(message.createdAt),
      edited_timestamp: message.editedAt === undefined ? null : isoTime(message.editedAt),
      tts: message.tts,
      mention_everyone: message.mentions.everyone,
      mentions: message.mentions.users.flatMap((id) => {
        const user = users.get(id);
        return user ? [user] : [];
      }),
      mention_roles: [...message.mentions.roles],
      attachments: message.attachments,
      embeds: message.embeds,
      components: message.components,
      pinned: false,
      type: message.type,
      flags: message.flags,
    };
    if (message.nonce !== undefined) wire.nonce = message.nonce;
    if (message.messageReference) {
      wire.message_reference = message.messageReference;
      if (depth === 0) {
        const referenced = messages.get(message.messageReference.message_id);
        wire.referenced_message =
          referenced && referenced.deletedAt === undefined ? toWire(referenced, depth + 1) : null;
      }
    }
    if (message.interactionId !== undefined) {
      const interaction = interactions.get(message.interactionId)?.record.interaction;
      wire.webhook_id = applicationId;
      wire.application_id = applicationId;
      if (interaction) {
        const user = interaction.member?.user ?? interaction.user ?? botUser;
        wire.interaction_metadata = {
          id: interaction.id,
          type: interaction.type,
          user,
          name: interaction.data.name,
          authorizing_integration_owners: interaction.authorizing_integration_owners,
        };
      }
    }
    return wire;
  }

  /**
   * The gateway copy for one session: adds `guild_id`, `member`, `channel_type`, and blanks content
   * the session may not see (no MessageContent intent, guild channel, bot neither author nor
   * mentioned) — Discord's rule since 2022.
   */
  function toGatewayMessage(message: StoredMessage, session: GatewaySession): MessageObject {
    const wire = toWire(message);
    const channel = channels.get(message.channelId);
    const guild = message.guildId === undefined ? undefined : guilds.get(message.guildId);
    if (channel) wire.channel_type = channel.type;
    if (guild) {
      wire.guild_id = guild.id;
      const member = guild.members.get(message.author.id);
      if (member && message.interactionId === undefined) wire.member = memberWithoutUser(member);
      wire.mentions = wire.mentions.map((user) => {
        const mentioned = guild.members.get(user.id);
        return mentioned ? { ...user, member: memberWithoutUser(mentioned) } : user;
      });
      const canSeeContent =
        (session.intents & Intent.MessageContent) !== 0 ||
        message.author.id === botUser.id ||
        message.mentions.users.includes(botUser.id);
      if (!canSeeContent) {
        wire.content = '';
        wire.embeds = [];
        wire.attachments = [];
        wire.components = [];
      }
    }
    return wire;
  }

  function messageTarget(message: StoredMessage): DispatchTarget {
    return message.guildId === undefined
      ? { guildId: undefined, intent: Intent.DirectMessages }
      : { guildId: message.guildId, intent: Intent.GuildMessages };
  }

  function dispatchMessage(t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: StoredMessage): void {
    if (message.author.id === botUser.id && !echoOwnMessages) return;
    if ((message.flags & MessageFlag.Ephemeral) !== 0) return; // only the invoking user sees those
    dispatch(t, (session) => toGatewayMessage(message, session), messageTarget(message));
  }

  function dispatchMessageDelete(message: StoredMessage): void {
    if ((message.flags & MessageFlag.Ephemeral) !== 0) return;
    const d: JsonObject = { id: message.id, channel_id: message.channelId };
    if (message.guildId !== undefined) d.guild_id = message.guildId;
    dispatch('MESSAGE_DELETE', () => d, messageTarget(message));
  }

  /**
   * Creates a bot message from a create body (channel message, interaction response or follow-up).
   * Returns an error reply when Discord would refuse it.
   */
  function createBotMessage(
    channel: FakeChannel,
    body: JsonObject,
    files: RecordedRequest['files'],
    extra: {
      interactionId?: string;
      type?: number;
      flags?: number;
      errorPath?: readonly string[];
      /** The placeholder of a deferred interaction response starts empty. */
      allowEmpty?: boolean;
    },
  ): StoredMessage | Reply {
    const form = new FormErrors();
    const path = extra.errorPath ?? [];
    validateMessageFields(body, form, path);
    const guild = guildOfChannel(channel);
    let reference: MessageReference | undefined;
    let repliedAuthorId: string | undefined;
    const rawReference = body.message_reference;
    if (isRecord(rawReference) && (rawReference.type === undefined || rawReference.type === 0)) {
      const referenceChannelId =
        typeof rawReference.channel_id === 'string' ? rawReference.channel_id : channel.id;
      const referenced =
        typeof rawReference.message_id === 'string'
          ? messages.get(rawReference.message_id)
          : undefined;
      if (
        referenced &&
        referenced.channelId === referenceChannelId &&
        referenced.deletedAt === undefined
      ) {
        reference = { type: 0, message_id: referenced.id, channel_id: referenced.channelId };
        if (referenced.guildId !== undefined) reference.guild_id = referenced.guildId;
        repliedAuthorId = referenced.author.id;
      } else if (rawReference.fail_if_not_exists !== false) {
        form.add([...path, 'message_reference'], 'REPLIES_UNKNOWN_MESSAGE', 'Unknown message');
      }
    }
    if (form.count > 0) return form.reply();
    if (extra.allowEmpty !== true && !hasSomethingToSend(body, files.length))
      return Errors.emptyMessage();

    const nonce =
      typeof body.nonce === 'string' || typeof body.nonce === 'number' ? body.nonce : undefined;

    const allowedMentions = toAllowedMentions(body.allowed_mentions);
    const content = typeof body.content === 'string' ? body.content : '';
    const requestedFlags = typeof body.flags === 'number' ? body.flags : 0;
    const at = Date.now();
    const message: StoredMessage = {
      id: nextId(),
      channelId: channel.id,
      guildId: channel.guild_id,
      author: botUser,
      content,
      embeds: Array.isArray(body.embeds) ? body.embeds : [],
      components: Array.isArray(body.components) ? body.components : [],
      attachments: files.map((file) => {
        const id = nextId();
        const url = `${apiUrl.replace(/\/api$/, '')}/attachments/${channel.id}/${id}/${file.filename}`;
        return {
          id,
          filename: file.filename,
          size: file.size,
          url,
          proxy_url: url,
          content_type: file.contentType,
        };
      }),
      flags:
        (extra.flags ?? 0) |
        (requestedFlags & (MessageFlag.SuppressEmbeds | MessageFlag.SuppressNotifications)),
      type: extra.type ?? (reference ? 19 : 0),
      tts: body.tts === true,
      nonce,
      messageReference: reference,
      allowedMentions,
      mentions: resolveBotMentions(content, allowedMentions, guild, repliedAuthorId),
      interactionId: extra.interactionId,
      body,
      edits: [],
      reactions: [],
      createdAt: at,
      editedAt: undefined,
      deletedAt: undefined,
    };
    storeMessage(message);
    return message;
  }

  /**
   * With `enforce_nonce`, Discord answers a repeated nonce (same author and channel, within a few
   * minutes) with the first message instead of posting again — what makes retries idempotent.
   */
  function nonceDuplicate(channel: FakeChannel, body: JsonObject): StoredMessage | undefined {
    const nonce = body.nonce;
    if (body.enforce_nonce !== true || (typeof nonce !== 'string' && typeof nonce !== 'number'))
      return undefined;
    return (messagesByChannel.get(channel.id) ?? []).find(
      (m) =>
        m.nonce === nonce && m.author.id === botUser.id && Date.now() - m.createdAt < 5 * 60_000,
    );
  }

  /** Applies a PATCH body to a bot message; returns an error reply when Discord would refuse it. */
  function editBotMessage(
    message: StoredMessage,
    body: JsonObject,
    files: RecordedRequest['files'],
  ): Reply | undefined {
    const form = new FormErrors();
    validateMessageFields(body, form, []);
    if (form.count > 0) return form.reply();
    const content =
      typeof body.content === 'string'
        ? body.content
        : body.content === null
          ? ''
          : message.content;
    const embeds = Array.isArray(body.embeds)
      ? body.embeds
      : body.embeds === null
        ? []
        : message.embeds;
    const components = Array.isArray(body.components) ? body.components : message.components;
    const attachments = Array.isArray(body.attachments)
      ? message.attachments.filter((kept) =>
          (body.attachments as unknown[]).some((a) => isRecord(a) && a.id === kept.id),
        )
      : message.attachments;
    if (
      content.length === 0 &&
      embeds.length === 0 &&
      components.length === 0 &&
      attachments.length + files.length === 0
    ) {
      return Errors.emptyMessage();
    }
    const at = Date.now();
    message.content = content;
    message.embeds = embeds;
    message.components = components;
    message.attachments = attachments;
    message.flags &= ~MessageFlag.Loading;
    if (body.allowed_mentions !== undefined)
      message.allowedMentions = toAllowedMentions(body.allowed_mentions);
    const guild = message.guildId === undefined ? undefined : guilds.get(message.guildId);
    const repliedAuthorId = message.messageReference
      ? messages.get(message.messageReference.message_id)?.author.id
      : undefined;
    message.mentions = resolveBotMentions(content, message.allowedMentions, guild, repliedAuthorId);
    message.editedAt = at;
    message.edits.push({ body, content, at });
    return undefined;
  }

  // ----- gateway ------------------------------------------------------------------------------

  function sendPayload(connection: GatewayConnection, payload: unknown): void {
    const { socket } = connection;
    if (socket.readyState !== socket.OPEN) return;
    const text = JSON.stringify(payload);
    if (connection.deflate) {
      // One zlib context per connection; each payload ends in a sync flush (00 00 ff ff), which is
      // how clients know a message is complete. Chunks go out as zlib emits them, possibly split.
      connection.deflate.write(text);
      connection.deflate.flush(zlibConstants.Z_SYNC_FLUSH);
    } else if (connection.identifyCompress) {
      socket.send(deflateSync(text));
    } else {
      socket.send(text);
    }
  }

  function closeConnection(connection: GatewayConnection, code: number, reason?: string): void {
    const { socket } = connection;
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) {
      socket.close(code, reason ?? CLOSE_REASONS[code] ?? '');
    }
  }

  function sessionReceives(session: GatewaySession, target: DispatchTarget): boolean {
    if (session.ended) return false;
    if (target.intent !== 0 && (session.intents & target.intent) === 0) return false;
    const [shardId, count] = session.shard;
    return target.guildId === undefined
      ? shardId === 0
      : shardOf(target.guildId, count) === shardId;
  }

  function pushToSession(session: GatewaySession, t: string, d: unknown): void {
    const payload: GatewayDispatch = { op: 0, t, s: ++session.seq, d };
    session.log.push(payload);
    if (session.log.length > SESSION_LOG_LIMIT) session.log.shift();
    if (session.connection) sendPayload(session.connection, payload);
  }

  /** Sends an event to every live session that should get it, each with its own next `s`. */
  function dispatch(
    t: string,
    build: (session: GatewaySession) => unknown,
    target: DispatchTarget,
  ): void {
    for (const session of sessions.values()) {
      if (sessionReceives(session, target)) pushToSession(session, t, build(session));
    }
  }

  function guildsOfShard(shard: readonly [number, number]): InternalGuild[] {
    return [...guilds.values()].filter((guild) => shardOf(guild.id, shard[1]) === shard[0]);
  }

  function onIdentify(connection: GatewayConnection, d: unknown): void {
    if (connection.session) {
      closeConnection(connection, 4005);
      return;
    }
    if (!isRecord(d)) {
      closeConnection(connection, 4002);
      return;
    }
    const identify = d as unknown as IdentifyPayload;
    identifies.push(identify);
    if (typeof d.token !== 'string' || tokenRevoked || d.token.replace(/^Bot\s+/i, '') !== token) {
      closeConnection(connection, 4004);
      return;
    }
    const intents = d.intents;
    if (
      typeof intents !== 'number' ||
      !Number.isInteger(intents) ||
      intents < 0 ||
      (intents & ~KNOWN_INTENTS) !== 0
    ) {
      closeConnection(connection, 4013);
      return;
    }
    if ((intents & PRIVILEGED_INTENTS & ~privilegedIntents) !== 0) {
      closeConnection(connection, 4014);
      return;
    }
    let shard: [number, number] = [0, 1];
    if (d.shard !== undefined) {
      const [shardId, count] = Array.isArray(d.shard) ? d.shard : [];
      if (
        typeof shardId !== 'number' ||
        typeof count !== 'number' ||
        count < 1 ||
        shardId < 0 ||
        shardId >= count
      ) {
        closeConnection(connection, 4010);
        return;
      }
      shard = [shardId, count];
    }
    connection.identifyCompress = d.compress === true && connection.deflate === undefined;
    sessionStarts++;
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      shard,
      intents,
      seq: 0,
      log: [],
      connection,
      ended: false,
    };
    sessions.set(session.id, session);
    connection.session = session;
    const shardGuilds = guildsOfShard(shard);
    pushToSession(session, 'READY', {
      v: 10,
      user: { ...botUser, verified: true, mfa_enabled: false, email: null },
      guilds: shardGuilds.map((guild) => ({ id: guild.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: `${gatewayUrl}/resume`,
      shard,
      application: { id: applicationId, flags: 0 },
      user_settings: {},
      relationships: [],
      private_channels: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['fake-local'],
      _trace: ['["fake-discord-gateway",{"micros":0}]'],
    });
    if ((intents & Intent.Guilds) !== 0) {
      for (const guild of shardGuilds)
        pushToSession(session, 'GUILD_CREATE', guildCreatePayload(guild));
    }
  }

  function onResume(connection: GatewayConnection, d: unknown): void {
    if (connection.session) {
      closeConnection(connection, 4005);
      return;
    }
    if (!isRecord(d)) {
      closeConnection(connection, 4002);
      return;
    }
    resumes.push(d as unknown as ResumePayload);
    if (typeof d.token !== 'string' || tokenRevoked || d.token.replace(/^Bot\s+/i, '') !== token) {
      closeConnection(connection, 4004);
      return;
    }
    const session = typeof d.session_id === 'string' ? sessions.get(d.session_id) : undefined;
    const seq = typeof d.seq === 'number' ? d.seq : -1;
    const oldest = session?.log[0]?.s ?? 1;
    if (!session || session.ended || seq < oldest - 1) {
      sendPayload(connection, { op: 9, d: false });
      return;
    }
    if (seq > session.seq) {
      closeConnection(connection, 4007);
      return;
    }
    if (session.connection && session.connection !== connection)
      closeConnection(session.connection, 4000);
    session.connection = connection;
    connection.session = session;
    for (const payload of session.log) if (payload.s > seq) sendPayload(connection, payload);
    pushToSession(session, 'RESUMED', null);
  }

  function onGatewayMessage(connection: GatewayConnection, data: RawData): void {
    let payload: unknown;
    try {
      payload = JSON.parse(rawText(data));
    } catch {
      closeConnection(connection, 4002);
      return;
    }
    if (!isRecord(payload) || typeof payload.op !== 'number') {
      closeConnection(connection, 4002);
      return;
    }
    switch (payload.op) {
      case 1: // HEARTBEAT → HEARTBEAT_ACK
        sendPayload(connection, { op: 11 });
        return;
      case 2:
        onIdentify(connection, payload.d);
        return;
      case 6:
        onResume(connection, payload.d);
        return;
      case 3: // PRESENCE_UPDATE
      case 4: // VOICE_STATE_UPDATE
      case 8: // REQUEST_GUILD_MEMBERS
      case 31: // REQUEST_SOUNDBOARD_SOUNDS
        if (!connection.session) closeConnection(connection, 4003);
        return;
      default:
        closeConnection(connection, 4001);
    }
  }

  function onGatewayConnection(socket: WebSocket, url: URL): void {
    const compression = url.searchParams.get('compress');
    const deflate = compression === 'zlib-stream' ? createDeflate() : undefined;
    const connection: GatewayConnection = {
      socket,
      deflate,
      identifyCompress: false,
      session: undefined,
    };
    connections.add(connection);
    gatewayUrlLog.push(`${url.pathname}${url.search}`);
    deflate?.on('error', () => undefined); // only after the socket closed; nothing left to send to
    deflate?.on('data', (chunk: Buffer) => {
      if (socket.readyState === socket.OPEN) socket.send(chunk);
    });
    socket.on('error', () => undefined); // a client that vanishes is not the fake's failure
    socket.on('message', (data) => onGatewayMessage(connection, data));
    socket.on('close', (code) => {
      connections.delete(connection);
      deflate?.destroy();
      const { session } = connection;
      if (session?.connection === connection) {
        session.connection = undefined;
        // A normal close (1000/1001) ends the session on Discord; other codes leave it resumable.
        if (code === 1000 || code === 1001 || code === 4004) session.ended = true;
      }
    });
    if (url.searchParams.get('v') !== '10') {
      closeConnection(connection, 4012);
      return;
    }
    sendPayload(connection, {
      op: 10,
      d: {
        heartbeat_interval: heartbeatIntervalMs,
        _trace: ['["fake-discord-gateway",{"micros":0}]'],
      },
    });
  }

  // ----- interactions -------------------------------------------------------------------------

  function interactionByWebhook(
    appId: string,
    interactionToken: string,
  ): InternalInteraction | Reply {
    if (appId !== applicationId) return Errors.unknownWebhook();
    const interaction = interactionsByToken.get(interactionToken);
    if (!interaction || Date.now() > interaction.tokenExpiresAt)
      return Errors.invalidWebhookToken();
    // Until the interaction is acknowledged there is no webhook to use.
    if (!interaction.record.callback) return Errors.unknownWebhook();
    return interaction;
  }

  function webhookMessage(
    interaction: InternalInteraction,
    messageId: string,
  ): StoredMessage | undefined {
    const { record } = interaction;
    const candidates = [record.original, ...record.followUps];
    const found =
      messageId === '@original'
        ? record.original
        : candidates.find((message) => message?.id === messageId);
    return found?.deletedAt === undefined ? found : undefined;
  }

  function handleCallback(
    id: string,
    interactionToken: string,
    body: unknown,
    query: URLSearchParams,
  ): Reply {
    const interaction = interactions.get(id);
    if (!interaction || interaction.record.interaction.token !== interactionToken)
      return Errors.unknownInteraction();
    const { record } = interaction;
    if (record.callback) return Errors.alreadyAcknowledged();
    if (Date.now() > interaction.ackDeadline) return Errors.unknownInteraction();
    const form = new FormErrors();
    if (!isRecord(body) || typeof body.type !== 'number') {
      form.add(['type'], 'BASE_TYPE_REQUIRED', 'This field is required');
      return form.reply();
    }
    const data = isRecord(body.data) ? body.data : undefined;
    const requestedFlags = typeof data?.flags === 'number' ? data.flags : 0;
    const ephemeral = requestedFlags & MessageFlag.Ephemeral;
    const channel = channels.get(record.interaction.channel_id);
    if (!channel) return Errors.unknownChannel();
    const messageType = record.interaction.data.type === 1 ? 20 : 23; // CHAT_INPUT_COMMAND / CONTEXT_MENU_COMMAND
    switch (body.type) {
      case 4: {
        const created = createBotMessage(channel, data ?? {}, [], {
          interactionId: id,
          type: messageType,
          flags: ephemeral,
          errorPath: ['data'],
        });
        if (!('id' in created)) return created;
        record.original = created;
        break;
      }
      case 5: {
        const created = createBotMessage(channel, { content: '' }, [], {
          interactionId: id,
          type: messageType,
          flags: ephemeral | MessageFlag.Loading,
          allowEmpty: true,
        });
        if (!('id' in created)) return created;
        record.original = created;
        break;
      }
      case 8: // APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
      case 9: // MODAL
        break;
      default:
        form.add(['type'], 'BASE_TYPE_CHOICES', 'Value must be one of {4, 5, 8, 9}.');
        return form.reply();
    }
    const withResponse = query.get('with_response') === 'true';
    record.callback = { type: body.type, data, withResponse, at: Date.now() };
    if (record.original) dispatchMessage('MESSAGE_CREATE', record.original);
    if (!withResponse) return NO_CONTENT;
    return ok({
      interaction: {
        id,
        type: record.interaction.type,
        response_message_id: record.original?.id,
        response_message_loading: body.type === 5,
        response_message_ephemeral: ephemeral !== 0,
      },
      resource: {
        type: body.type,
        ...(record.original ? { message: toWire(record.original) } : {}),
      },
    });
  }

  function normalizeOptions(
    input: CreateInteractionInput['options'],
  ): CommandOptionValue[] | undefined {
    if (input === undefined) return undefined;
    if (Array.isArray(input)) return input;
    return Object.entries(input).map(([name, value]) => ({
      name,
      value,
      type:
        typeof value === 'string'
          ? 3
          : typeof value === 'boolean'
            ? 5
            : Number.isInteger(value)
              ? 4
              : 10,
    }));
  }

  // ----- REST routes --------------------------------------------------------------------------

  function commandList(scope: string): ApplicationCommand[] {
    let list = commands.get(scope);
    if (!list) {
      list = [];
      commands.set(scope, list);
    }
    return list;
  }

  function buildCommand(
    input: JsonObject,
    scope: string,
    existing: ApplicationCommand | undefined,
  ): ApplicationCommand {
    const type = typeof input.type === 'number' ? input.type : 1;
    const command: ApplicationCommand = {
      id: existing?.id ?? nextId(),
      application_id: applicationId,
      version: nextId(),
      type,
      name: String(input.name),
      name_localizations: isRecord(input.name_localizations)
        ? (input.name_localizations as Record<string, string>)
        : null,
      description: typeof input.description === 'string' ? input.description : '',
      description_localizations: isRecord(input.description_localizations)
        ? (input.description_localizations as Record<string, string>)
        : null,
      default_member_permissions:
        typeof input.default_member_permissions === 'string'
          ? input.default_member_permissions
          : null,
      contexts: Array.isArray(input.contexts) ? (input.contexts as number[]) : null,
      integration_types: Array.isArray(input.integration_types)
        ? (input.integration_types as number[])
        : [0],
      nsfw: input.nsfw === true,
    };
    if (Array.isArray(input.options) && input.options.length > 0) command.options = input.options;
    if (scope !== 'global') command.guild_id = scope;
    return command;
  }

  function commandScope(appId: string, guildId: string | undefined): string | Reply {
    if (appId !== applicationId) return Errors.missingAccess();
    if (guildId !== undefined && !guilds.has(guildId)) return Errors.missingAccess();
    return guildId ?? 'global';
  }

  function channelForBot(channelId: string): FakeChannel | Reply {
    return channels.get(channelId) ?? Errors.unknownChannel();
  }

  function messageInChannel(channelId: string, messageId: string): StoredMessage | Reply {
    if (!channels.has(channelId)) return Errors.unknownChannel();
    const message = messages.get(messageId);
    if (!message || message.channelId !== channelId || message.deletedAt !== undefined)
      return Errors.unknownMessage();
    return message;
  }

  function isReply(value: unknown): value is Reply {
    return isRecord(value) && typeof value.status === 'number' && !('id' in value);
  }

  const SNOWFLAKE = String.raw`(\d{1,20})`;
  const route = (method: string, pattern: string, handle: Route['handle'], auth = true): Route => ({
    method,
    pattern: new RegExp(`^${pattern}$`),
    auth,
    handle,
  });

  const commandRoutes = (prefix: string, guildIndex: number | undefined): Route[] => {
    const scopeOf = (params: string[]): string | Reply =>
      commandScope(params[0] ?? '', guildIndex === undefined ? undefined : params[guildIndex]);
    return [
      route('GET', `${prefix}/commands`, ({ params }) => {
        const scope = scopeOf(params);
        return typeof scope === 'string' ? ok(commandList(scope)) : scope;
      }),
      route('PUT', `${prefix}/commands`, ({ params, body }) => {
        const scope = scopeOf(params);
        if (typeof scope !== 'string') return scope;
        const form = new FormErrors();
        if (!Array.isArray(body)) {
          form.add([], 'BASE_TYPE_LIST', 'Could not interpret value as list.');
          return form.reply();
        }
        if (body.length > 100)
          form.add([], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
        body.forEach((command: unknown, index) => validateCommand(command, form, [index]));
        if (form.count > 0) return form.reply();
        const seen = new Set<string>();
        for (const command of body as JsonObject[]) {
          const key = `${String(command.type ?? 1)}:${String(command.name)}`;
          if (seen.has(key)) {
            form.add(
              [],
              'APPLICATION_COMMANDS_DUPLICATE_NAME',
              `Application command names must be unique`,
            );
          }
          seen.add(key);
        }
        if (form.count > 0) return form.reply();
        const list = commandList(scope);
        const next = (body as JsonObject[]).map((input) =>
          buildCommand(
            input,
            scope,
            list.find((c) => c.name === input.name && c.type === (input.type ?? 1)),
          ),
        );
        list.splice(0, list.length, ...next);
        return ok(list);
      }),
      route('POST', `${prefix}/commands`, ({ params, body }) => {
        const scope = scopeOf(params);
        if (typeof scope !== 'string') return scope;
        const form = new FormErrors();
        validateCommand(body, form, []);
        if (form.count > 0 || !isRecord(body)) return form.reply();
        const list = commandList(scope);
        const index = list.findIndex((c) => c.name === body.name && c.type === (body.type ?? 1));
        const command = buildCommand(body, scope, list[index]);
        if (index >= 0) {
          list[index] = command;
          return ok(command, 200);
        }
        list.push(command);
        return ok(command, 201);
      }),
      route('GET', `${prefix}/commands/${SNOWFLAKE}`, ({ params }) => {
        const scope = scopeOf(params);
        if (typeof scope !== 'string') return scope;
        const command = commandList(scope).find((c) => c.id === params.at(-1));
        return command ? ok(command) : Errors.unknownCommand();
      }),
      route('PATCH', `${prefix}/commands/${SNOWFLAKE}`, ({ params, body }) => {
        const scope = scopeOf(params);
        if (typeof scope !== 'string') return scope;
        const list = commandList(scope);
        const index = list.findIndex((c) => c.id === params.at(-1));
        const existing = list[index];
        if (!existing || !isRecord(body)) return Errors.unknownCommand();
        const merged: JsonObject = { ...existing, ...body, type: existing.type };
        const form = new FormErrors();
        validateCommand(merged, form, []);
        if (form.count > 0) return form.reply();
        const command = buildCommand(merged, scope, existing);
        list[index] = command;
        return ok(command);
      }),
      route('DELETE', `${prefix}/commands/${SNOWFLAKE}`, ({ params }) => {
        const scope = scopeOf(params);
        if (typeof scope !== 'string') return scope;
        const list = commandList(scope);
        const index = list.findIndex((c) => c.id === params.at(-1));
        if (index < 0) return Errors.unknownCommand();
        list.splice(index, 1);
        return NO_CONTENT;
      }),
    ];
  };

  const routes: Route[] = [
    route('GET', '/gateway', () => ok({ url: gatewayUrl }), false),
    route('GET', '/gateway/bot', () =>
      ok({
        url: gatewayUrl,
        shards: shardCount,
        session_start_limit: {
          total: 1_000,
          remaining: Math.max(0, 1_000 - sessionStarts),
          reset_after: 86_400_000,
          max_concurrency: maxConcurrency,
        },
      }),
    ),
    route('GET', '/users/@me', () =>
      ok({ ...botUser, verified: true, mfa_enabled: false, email: null, locale: 'en-US' }),
    ),
    route('GET', `/users/${SNOWFLAKE}`, ({ params }) => {
      const user = users.get(params[0] ?? '');
      return user ? ok(user) : Errors.unknownUser();
    }),
    route('POST', '/users/@me/channels', ({ body }) => {
      const recipient =
        isRecord(body) && typeof body.recipient_id === 'string'
          ? users.get(body.recipient_id)
          : undefined;
      if (!recipient || recipient.id === botUser.id) return Errors.invalidRecipient();
      return ok(dmChannelFor(recipient));
    }),
    route('GET', '/applications/@me', () =>
      ok({
        id: applicationId,
        name: botUser.username,
        icon: null,
        description: '',
        summary: '',
        type: null,
        bot_public: true,
        bot_require_code_grant: false,
        verify_key: 'f'.repeat(64),
        flags: 0,
        owner: guildOwner,
        team: null,
        bot: botUser,
        hook: true,
        is_monetized: false,
        integration_types_config: { '0': {} },
        approximate_guild_count: guilds.size,
        redirect_uris: [],
        interactions_endpoint_url: null,
        install_params: { scopes: ['bot', 'applications.commands'], permissions: '0' },
        tags: [],
      }),
    ),
    ...commandRoutes(`/applications/${SNOWFLAKE}`, undefined),
    ...commandRoutes(`/applications/${SNOWFLAKE}/guilds/${SNOWFLAKE}`, 1),
    route('GET', `/guilds/${SNOWFLAKE}`, ({ params }) => {
      const guild = guilds.get(params[0] ?? '');
      if (!guild) return Errors.unknownGuild();
      const {
        channels: _channels,
        threads: _threads,
        members: _members,
        ...rest
      } = guildCreatePayload(guild);
      return ok(rest);
    }),
    route('GET', `/guilds/${SNOWFLAKE}/channels`, ({ params }) => {
      const guild = guilds.get(params[0] ?? '');
      return guild
        ? ok(guild.channels.filter((c) => !THREAD_TYPES.includes(c.type)))
        : Errors.unknownGuild();
    }),
    route('GET', `/guilds/${SNOWFLAKE}/members/${SNOWFLAKE}`, ({ params }) => {
      const guild = guilds.get(params[0] ?? '');
      if (!guild) return Errors.unknownGuild();
      const member = guild.members.get(params[1] ?? '');
      return member ? ok(member) : Errors.unknownMember();
    }),
    route('GET', `/channels/${SNOWFLAKE}`, ({ params }) => {
      const channel = channelForBot(params[0] ?? '');
      return isReply(channel) ? channel : ok(channel);
    }),
    route('POST', `/channels/${SNOWFLAKE}/typing`, ({ params }) => {
      const channel = channelForBot(params[0] ?? '');
      if (isReply(channel)) return channel;
      typing.set(channel.id, (typing.get(channel.id) ?? 0) + 1);
      return NO_CONTENT;
    }),
    route('GET', `/channels/${SNOWFLAKE}/messages`, ({ params, query }) => {
      const channel = channelForBot(params[0] ?? '');
      if (isReply(channel)) return channel;
      const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50) || 50));
      const before = query.get('before');
      const after = query.get('after');
      let list = (messagesByChannel.get(channel.id) ?? []).filter(
        (m) => m.deletedAt === undefined && (m.flags & MessageFlag.Ephemeral) === 0,
      );
      if (before !== null) list = list.filter((m) => BigInt(m.id) < BigInt(before));
      if (after !== null) list = list.filter((m) => BigInt(m.id) > BigInt(after));
      const page = after !== null ? list.slice(0, limit) : list.slice(-limit);
      return ok(page.reverse().map((m) => toWire(m)));
    }),
    route('POST', `/channels/${SNOWFLAKE}/messages`, ({ params, body, files }) => {
      const channel = channelForBot(params[0] ?? '');
      if (isReply(channel)) return channel;
      if (!MESSAGEABLE_TYPES.includes(channel.type)) return Errors.nonTextChannel();
      const data = isRecord(body) ? body : {};
      const duplicate = nonceDuplicate(channel, data);
      if (duplicate) return ok(toWire(duplicate));
      const created = createBotMessage(channel, data, files, {});
      if (isReply(created)) return created;
      dispatchMessage('MESSAGE_CREATE', created);
      return ok(toWire(created));
    }),
    route('GET', `/channels/${SNOWFLAKE}/messages/${SNOWFLAKE}`, ({ params }) => {
      const message = messageInChannel(params[0] ?? '', params[1] ?? '');
      return isReply(message) ? message : ok(toWire(message));
    }),
    route('PATCH', `/channels/${SNOWFLAKE}/messages/${SNOWFLAKE}`, ({ params, body, files }) => {
      const message = messageInChannel(params[0] ?? '', params[1] ?? '');
      if (isReply(message)) return message;
      if (message.author.id !== botUser.id) return Errors.cannotEditOthers();
      const refused = editBotMessage(message, isRecord(body) ? body : {}, files);
      if (refused) return refused;
      dispatchMessage('MESSAGE_UPDATE', message);
      return ok(toWire(message));
    }),
    route('DELETE', `/channels/${SNOWFLAKE}/messages/${SNOWFLAKE}`, ({ params }) => {
      const message = messageInChannel(params[0] ?? '', params[1] ?? '');
      if (isReply(message)) return message;
      message.deletedAt = Date.now();
      dispatchMessageDelete(message);
      return NO_CONTENT;
    }),
    route(
      'PUT',
      `/channels/${SNOWFLAKE}/messages/${SNOWFLAKE}/reactions/([^/]+)/@me`,
      ({ params }) => {
        const message = messageInChannel(params[0] ?? '', params[1] ?? '');
        if (isReply(message)) return message;
        const emoji = params[2] ?? '';
        if (!message.reactions.includes(emoji)) message.reactions.push(emoji);
        return NO_CONTENT;
      },
    ),
    route(
      'DELETE',
      `/channels/${SNOWFLAKE}/messages/${SNOWFLAKE}/reactions/([^/]+)/@me`,
      ({ params }) => {
        const message = messageInChannel(params[0] ?? '', params[1] ?? '');
        if (isReply(message)) return message;
        const index = message.reactions.indexOf(params[2] ?? '');
        if (index >= 0) message.reactions.splice(index, 1);
        return NO_CONTENT;
      },
    ),
    route(
      'POST',
      `/interactions/${SNOWFLAKE}/([^/]+)/callback`,
      ({ params, body, query }) => handleCallback(params[0] ?? '', params[1] ?? '', body, query),
      false,
    ),
    route(
      'POST',
      `/webhooks/${SNOWFLAKE}/([^/]+)`,
      ({ params, body, query, files }) => {
        const interaction = interactionByWebhook(params[0] ?? '', params[1] ?? '');
        if (isReply(interaction)) return interaction;
        const channel = channels.get(interaction.record.interaction.channel_id);
        if (!channel) return Errors.unknownChannel();
        const data = isRecord(body) ? body : {};
        const flags = typeof data.flags === 'number' ? data.flags & MessageFlag.Ephemeral : 0;
        const created = createBotMessage(channel, data, files, {
          interactionId: interaction.record.interaction.id,
          flags,
        });
        if (isReply(created)) return created;
        interaction.record.followUps.push(created);
        dispatchMessage('MESSAGE_CREATE', created);
        return query.get('wait') === 'true' ? ok(toWire(created)) : NO_CONTENT;
      },
      false,
    ),
    route(
      'GET',
      `/webhooks/${SNOWFLAKE}/([^/]+)/messages/(@original|\\d{1,20})`,
      ({ params }) => {
        const interaction = interactionByWebhook(params[0] ?? '', params[1] ?? '');
        if (isReply(interaction)) return interaction;
        const message = webhookMessage(interaction, params[2] ?? '');
        return message ? ok(toWire(message)) : Errors.unknownMessage();
      },
      false,
    ),
    route(
      'PATCH',
      `/webhooks/${SNOWFLAKE}/([^/]+)/messages/(@original|\\d{1,20})`,
      ({ params, body, files }) => {
        const interaction = interactionByWebhook(params[0] ?? '', params[1] ?? '');
        if (isReply(interaction)) return interaction;
        const message = webhookMessage(interaction, params[2] ?? '');
        if (!message) return Errors.unknownMessage();
        const refused = editBotMessage(message, isRecord(body) ? body : {}, files);
        if (refused) return refused;
        dispatchMessage('MESSAGE_UPDATE', message);
        return ok(toWire(message));
      },
      false,
    ),
    route(
      'DELETE',
      `/webhooks/${SNOWFLAKE}/([^/]+)/messages/(@original|\\d{1,20})`,
      ({ params }) => {
        const interaction = interactionByWebhook(params[0] ?? '', params[1] ?? '');
        if (isReply(interaction)) return interaction;
        const message = webhookMessage(interaction, params[2] ?? '');
        if (!message) return Errors.unknownMessage();
        message.deletedAt = Date.now();
        dispatchMessageDelete(message);
        return NO_CONTENT;
      },
      false,
    ),
  ];

  function takeFailure(method: string, path: string): FakeFailure | undefined {
    const index = failures.findIndex((scripted) => {
      if (scripted.method !== '*' && scripted.method !== method) return false;
      if (typeof scripted.path === 'string') return scripted.path === path;
      scripted.path.lastIndex = 0;
      return scripted.path.test(path);
    });
    const scripted = failures[index];
    if (!scripted) return undefined;
    scripted.remaining--;
    if (scripted.remaining <= 0) failures.splice(index, 1);
    return scripted.failure;
  }

  function failureReply(failure: FakeFailure, method: string, path: string): Reply {
    if (failure.status === 429 && 'retryAfter' in failure) {
      const global = failure.global === true;
      const scope = failure.scope ?? (global ? 'global' : 'user');
      const headers: Record<string, string> = {
        'retry-after': String(Math.ceil(failure.retryAfter)),
        'x-ratelimit-scope': scope,
      };
      if (global) {
        headers['x-ratelimit-global'] = 'true';
      } else {
        const bucket = Buffer.from(`${method} ${path.replace(/\d{17,20}/g, ':id')}`)
          .toString('hex')
          .slice(0, 32);
        Object.assign(headers, {
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': (Date.now() / 1000 + failure.retryAfter).toFixed(3),
          'x-ratelimit-reset-after': failure.retryAfter.toFixed(3),
          'x-ratelimit-bucket': bucket,
        });
      }
      return {
        status: 429,
        headers,
        body: {
          message: 'You are being rate limited.',
          retry_after: failure.retryAfter,
          global,
          code: 0,
        },
      };
    }
    const fallback = DEFAULT_FAILURES[failure.status] ?? { code: 0, message: `${failure.status}` };
    const scripted = failure as Exclude<FakeFailure, { retryAfter: number }>;
    return apiError(
      failure.status,
      scripted.code ?? fallback.code,
      scripted.message ?? fallback.message,
      scripted.errors,
    );
  }

  function authorized(headers: IncomingHttpHeaders): boolean {
    return !tokenRevoked && headers.authorization === `Bot ${token}`;
  }

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake-discord');
    const raw = await readBody(req);
    // discord.js percent-encodes segments (`/messages/%40original`); Discord accepts both forms.
    const pathname = url.pathname.split('/').map(decodeSegment).join('/');
    const inApi = pathname.startsWith(`${API_PREFIX}/`);
    const path = inApi ? pathname.slice(API_PREFIX.length) : pathname;
    const parsed = await parseRequestBody(req.headers['content-type'], raw);
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body: parsed.body,
      files: parsed.files,
      status: 0,
      at: Date.now(),
    };
    requests.push(record);
    const reply = await answer(method, path, inApi, parsed, url.searchParams, req.headers);
    record.status = reply.status;
    sendReply(res, reply);
  }

  async function answer(
    method: string,
    path: string,
    inApi: boolean,
    parsed: Awaited<ReturnType<typeof parseRequestBody>>,
    query: URLSearchParams,
    headers: IncomingHttpHeaders,
  ): Promise<Reply> {
    const failure = takeFailure(method, path);
    if (failure) return failureReply(failure, method, path);
    if (!inApi) return Errors.notFound();
    let pathMatched = false;
    for (const candidate of routes) {
      const match = candidate.pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (candidate.method !== method) continue;
      if (candidate.auth && !authorized(headers)) return Errors.unauthorized();
      if (parsed.invalid) return Errors.invalidJson();
      const params = match.slice(1).map((param) => param ?? '');
      return candidate.handle({ params, body: parsed.body, query, files: parsed.files });
    }
    return pathMatched ? Errors.methodNotAllowed() : Errors.notFound();
  }

  // ----- start --------------------------------------------------------------------------------

  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      // Only reached on a bug in this file; answer rather than leave the client hanging.
      sendReply(res, apiError(500, 0, `fake Discord server failed: ${String(error)}`));
    });
  });
  server.keepAliveTimeout = 1_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'ws://fake-discord');
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/gateway' && url.pathname !== '/gateway/resume')
      return refuse(404, 'Not Found');
    const encoding = url.searchParams.get('encoding');
    if (encoding !== null && encoding !== 'json')
      return refuse(400, 'Bad Request (only encoding=json)');
    const compress = url.searchParams.get('compress');
    if (compress !== null && compress !== 'zlib-stream')
      return refuse(400, 'Bad Request (only compress=zlib-stream)');
    wss.handleUpgrade(req, socket, head, (ws) => onGatewayConnection(ws, url));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  apiUrl = `http://127.0.0.1:${port}/api`;
  gatewayUrl = `ws://127.0.0.1:${port}/gateway`;

  // ----- public API ---------------------------------------------------------------------------

  let closed: Promise<void> | undefined;
  const fake: FakeDiscordServer = {
    apiUrl,
    gatewayUrl,
    token,
    botUser,
    applicationId,
    requests,

    addUser(input = {}) {
      userCounter++;
      const user: FakeUser = {
        id: nextId(),
        username: input.username ?? `user${userCounter}`,
        discriminator: input.bot === true ? String(1000 + userCounter) : '0',
        global_name: input.globalName ?? null,
        avatar: null,
        public_flags: 0,
      };
      if (input.bot === true) user.bot = true;
      return registerUser(user);
    },

    addGuild(input = {}) {
      const id = input.id ?? nextId();
      if (guilds.has(id)) throw new Error(`fake Discord: guild ${id} already exists`);
      const botRoleId = nextId();
      const guild: InternalGuild = {
        id,
        name: input.name ?? `Guild ${guilds.size + 1}`,
        ownerId: guildOwner.id,
        botRoleId,
        roles: [],
        channels: [],
        members: new Map(),
        joinedAt: isoTime(),
      };
      const role = (
        roleId: string,
        name: string,
        permissions: bigint,
        position: number,
        managed: boolean,
      ): FakeRole => ({
        id: roleId,
        name,
        color: 0,
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position,
        permissions: permissions.toString(),
        managed,
        mentionable: false,
        flags: 0,
        ...(managed ? { tags: { bot_id: botUser.id } } : {}),
      });
      guild.roles.push(role(id, '@everyone', DEFAULT_EVERYONE_PERMISSIONS, 0, false));
      guild.roles.push(
        role(
          botRoleId,
          botUser.username,
          input.botPermissions ?? DEFAULT_EVERYONE_PERMISSIONS,
          1,
          true,
        ),
      );
      (input.roles ?? []).forEach((r, index) =>
        guild.roles.push(
          role(
            r.id ?? nextId(),
            r.name ?? `role-${index + 1}`,
            r.permissions ?? 0n,
            index + 2,
            false,
          ),
        ),
      );
      guilds.set(id, guild);
      ensureMember(guild, guildOwner);
      ensureMember(guild, botUser).roles.push(botRoleId);
      for (const channel of input.channels ?? [{ name: 'general' }])
        createGuildChannel(guild, channel);
      dispatch('GUILD_CREATE', () => guildCreatePayload(guild), {
        guildId: id,
        intent: Intent.Guilds,
      });
      return {
        id,
        get name() {
          return guild.name;
        },
        ownerId: guild.ownerId,
        everyoneRoleId: id,
        botRoleId,
        roles: guild.roles,
        channels: guild.channels,
      };
    },

    addChannel(guildId, input = {}) {
      const guild = guilds.get(guildId);
      if (!guild) throw new Error(`fake Discord: unknown guild ${guildId}`);
      const channel = createGuildChannel(guild, input);
      dispatch('CHANNEL_CREATE', () => channel, { guildId, intent: Intent.Guilds });
      return channel;
    },

    addThread(parentChannelId, input = {}) {
      const parent = requireChannel(parentChannelId);
      const guild = guildOfChannel(parent);
      if (
        !guild ||
        (parent.type !== ChannelType.GuildText &&
          parent.type !== ChannelType.GuildAnnouncement &&
          parent.type !== ChannelType.GuildForum)
      ) {
        throw new Error(`fake Discord: channel ${parentChannelId} cannot have threads`);
      }
      const owner = input.owner ?? guildOwner;
      registerUser(owner);
      ensureMember(guild, owner);
      const now = isoTime();
      const thread: FakeChannel = {
        id: nextId(),
        type: input.type ?? ChannelType.PublicThread,
        flags: 0,
        guild_id: guild.id,
        name: input.name ?? `thread-${guild.channels.length + 1}`,
        parent_id: parent.id,
        owner_id: owner.id,
        last_message_id: null,
        rate_limit_per_user: 0,
        member_count: 1,
        message_count: 0,
        total_message_sent: 0,
        thread_metadata: {
          archived: false,
          auto_archive_duration: 1440,
          archive_timestamp: now,
          locked: false,
          create_timestamp: now,
        },
      };
      guild.channels.push(thread);
      channels.set(thread.id, thread);
      dispatch('THREAD_CREATE', () => ({ ...thread, newly_created: true }), {
        guildId: guild.id,
        intent: Intent.Guilds,
      });
      return thread;
    },

    dmChannelFor,

    channel(channelId) {
      return channels.get(channelId);
    },

    createMessage(input) {
      const author = registerUser(input.author);
      const channel =
        input.channelId === undefined ? dmChannelFor(author) : requireChannel(input.channelId);
      if (!MESSAGEABLE_TYPES.includes(channel.type))
        throw new Error(`fake Discord: channel ${channel.id} takes no messages`);
      const guild = guildOfChannel(channel);
      if (guild) ensureMember(guild, author);
      let reference: MessageReference | undefined;
      let repliedAuthor: string | undefined;
      if (input.referencedMessageId !== undefined) {
        const referenced = messages.get(input.referencedMessageId);
        if (!referenced || referenced.channelId !== channel.id) {
          throw new Error(
            `fake Discord: message ${input.referencedMessageId} is not in channel ${channel.id}`,
          );
        }
        reference = { type: 0, message_id: referenced.id, channel_id: channel.id };
        if (guild) reference.guild_id = guild.id;
        if (input.mentionRepliedUser !== false) repliedAuthor = referenced.author.id;
      }
      const userIds = new Set([
        ...mentionedUserIds(input.content),
        ...(input.mentions ?? []).map((u) => registerUser(u).id),
      ]);
      if (repliedAuthor !== undefined) userIds.add(repliedAuthor);
      const message: StoredMessage = {
        id: nextId(),
        channelId: channel.id,
        guildId: guild?.id,
        author,
        content: input.content,
        embeds: input.embeds ?? [],
        components: [],
        attachments: [],
        flags: 0,
        type: input.type ?? (reference ? 19 : 0),
        tts: false,
        nonce: undefined,
        messageReference: reference,
        allowedMentions: undefined,
        mentions: {
          users: [...userIds],
          roles: [
            ...new Set([...mentionedRoleIds(input.content, guild), ...(input.mentionRoles ?? [])]),
          ],
          everyone: input.mentionEveryone ?? /@(everyone|here)\b/.test(input.content),
        },
        interactionId: undefined,
        body: undefined,
        edits: [],
        reactions: [],
        createdAt: Date.now(),
        editedAt: undefined,
        deletedAt: undefined,
      };
      storeMessage(message);
      dispatchMessage('MESSAGE_CREATE', message);
      return toWire(message);
    },

    updateMessage(input) {
      const message = messages.get(input.messageId);
      if (!message || message.channelId !== input.channelId) {
        throw new Error(
          `fake Discord: message ${input.messageId} is not in channel ${input.channelId}`,
        );
      }
      const at = Date.now();
      message.content = input.content;
      message.editedAt = at;
      message.edits.push({ body: { content: input.content }, content: input.content, at });
      dispatchMessage('MESSAGE_UPDATE', message);
      return toWire(message);
    },

    deleteMessage(channelId, messageId) {
      const message = messages.get(messageId);
      if (!message || message.channelId !== channelId) {
        throw new Error(`fake Discord: message ${messageId} is not in channel ${channelId}`);
      }
      message.deletedAt = Date.now();
      dispatchMessageDelete(message);
    },

    createInteraction(input) {
      const user = registerUser(input.user);
      const channel =
        input.channelId === undefined ? dmChannelFor(user) : requireChannel(input.channelId);
      const guild = guildOfChannel(channel);
      const commandType = input.commandType ?? 1;
      const registered = [...commandList('global'), ...(guild ? commandList(guild.id) : [])].find(
        (command) => command.name === input.name && command.type === commandType,
      );
      const id = nextId();
      const interactionToken = `fake.${randomBytes(48).toString('base64url')}`;
      const options = normalizeOptions(input.options);
      const interaction: InteractionObject = {
        id,
        application_id: applicationId,
        type: 2,
        token: interactionToken,
        version: 1,
        data: {
          id: registered?.id ?? nextId(),
          name: input.name,
          type: commandType,
          ...(options ? { options } : {}),
          ...(registered?.guild_id !== undefined ? { guild_id: registered.guild_id } : {}),
        },
        channel_id: channel.id,
        channel: guild
          ? { ...channel, permissions: permissionsOf(guild, user.id).toString() }
          : { ...channel },
        app_permissions: (guild
          ? permissionsOf(guild, botUser.id)
          : DEFAULT_EVERYONE_PERMISSIONS
        ).toString(),
        locale: 'en-US',
        entitlements: [],
        authorizing_integration_owners: { '0': guild?.id ?? '0' },
        context: guild ? 0 : 1,
        attachment_size_limit: 10_485_760,
      };
      if (guild) {
        const member = ensureMember(guild, user);
        interaction.guild_id = guild.id;
        interaction.guild = { id: guild.id, locale: 'en-US', features: [] };
        interaction.guild_locale = 'en-US';
        interaction.member = {
          ...member,
          user,
          permissions: permissionsOf(guild, user.id).toString(),
        };
      } else {
        interaction.user = user;
      }
      const now = Date.now();
      const internal: InternalInteraction = {
        record: { interaction, callback: undefined, original: undefined, followUps: [] },
        ackDeadline: now + (input.ackTimeoutMs ?? interactionAckTimeoutMs),
        tokenExpiresAt: now + INTERACTION_TOKEN_TTL_MS,
      };
      interactions.set(id, internal);
      interactionsByToken.set(interactionToken, internal);
      dispatch('INTERACTION_CREATE', () => interaction, { guildId: guild?.id, intent: 0 });
      return interaction;
    },

    messagesIn(channelId) {
      return (messagesByChannel.get(channelId) ?? []).filter(
        (message) =>
          message.author.id === botUser.id && (message.flags & MessageFlag.Ephemeral) === 0,
      );
    },

    message(messageId) {
      return messages.get(messageId);
    },

    interactionResponses(interactionId) {
      const interaction = interactions.get(interactionId);
      if (!interaction) throw new Error(`fake Discord: unknown interaction ${interactionId}`);
      return interaction.record;
    },

    typingIn(channelId) {
      return typing.get(channelId) ?? 0;
    },

    registeredCommands(guildId) {
      return [...commandList(guildId ?? 'global')];
    },

    failNext(method, path, failure, times = 1) {
      failures.push({ method: method.toUpperCase(), path, failure, remaining: times });
    },

    async waitFor(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline)
          throw new Error(`fake Discord: condition not met within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },

    gatewayConnections() {
      return connections.size;
    },

    gatewayUrls() {
      return [...gatewayUrlLog];
    },

    identifyPayloads() {
      return [...identifies];
    },

    resumePayloads() {
      return [...resumes];
    },

    requestReconnect() {
      for (const connection of connections) sendPayload(connection, { op: 7, d: null });
    },

    disconnectClients(code = 4000, reason) {
      for (const connection of connections) closeConnection(connection, code, reason);
    },

    revokeToken() {
      tokenRevoked = true;
      for (const connection of connections) closeConnection(connection, 4004);
    },

    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        for (const connection of connections) connection.socket.terminate();
        wss.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
  return fake;
}
