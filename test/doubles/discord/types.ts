/** The fake Discord's public face: its options, the handle tests hold, and their inputs. */
import type {
  ApplicationCommand,
  CommandOptionValue,
  FakeChannel,
  FakeGuild,
  FakeUser,
  InteractionObject,
  JsonObject,
  MessageObject,
} from './wire-types.js';
import type { AttachmentInput } from './attachments.js';
import type { PressButtonInput } from './components.js';
import type {
  IdentifyPayload,
  InteractionRecord,
  RecordedRequest,
  ResumePayload,
  StoredMessage,
} from './records.js';

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
  /**
   * Files, each served at a CDN-shaped URL of the fake (only in the payload); a guild message
   * that neither mentions the bot nor reaches it with MessageContent arrives without them.
   */
  attachments?: AttachmentInput[];
  /** Message flags, e.g. 8192 (IS_VOICE_MESSAGE) with an `audio/ogg` attachment. Default 0. */
  flags?: number;
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
  /** The user's client language (`locale`). Default `en-US`. */
  locale?: string;
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
    /** The server's language (`preferred_locale`, `guild_locale`). Default `en-US`. */
    preferredLocale?: string;
  }): FakeGuild;
  /**
   * Gives a user one of a guild's roles (from `addGuild`'s `roles`), making them a member: their
   * permissions in interactions (`member.permissions`) then include the role's. The guild's
   * owner (`FakeGuild.ownerId`) has every permission anyway.
   */
  grantRole(guildId: string, user: FakeUser, roleId: string): void;
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
   * A user presses a button of a bot message: INTERACTION_CREATE (type 3, MESSAGE_COMPONENT) with
   * the message; the bot's answers are in {@link interactionResponses} (`original` is the pressed
   * message after an update). Throws when Discord could not deliver it (no such button, or an
   * ephemeral message of someone else).
   */
  pressButton(input: PressButtonInput): InteractionObject;

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
  /** Attachment ids whose files were downloaded from the fake CDN, in order. */
  downloads(): string[];
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
