/**
 * What the fake Discord knows: the bot, users, guilds with their channels and members, DMs,
 * messages, commands, interactions, and the REST calls recorded. Gateway sessions live in
 * `gateway.ts`; everything else reads and changes this one object.
 */
import { AttachmentFiles } from './attachments.js';
import { ChannelType, THREAD_TYPES } from './constants.js';
import { createSnowflakeGenerator, isoTime } from './helpers.js';
import type { InteractionRecord, RecordedRequest, StoredMessage } from './records.js';
import type { FakeFailure } from './types.js';
import type {
  ApplicationCommand,
  FakeChannel,
  FakeRole,
  FakeUser,
  MemberObject,
} from './wire-types.js';

export interface InternalGuild {
  readonly id: string;
  name: string;
  readonly ownerId: string;
  readonly botRoleId: string;
  readonly roles: FakeRole[];
  readonly channels: FakeChannel[];
  readonly members: Map<string, MemberObject & { user: FakeUser }>;
  readonly joinedAt: string;
  /** `preferred_locale`; absent: `en-US`. */
  readonly preferredLocale?: string;
}

export interface InternalInteraction {
  readonly record: InteractionRecord;
  readonly ackDeadline: number;
  readonly tokenExpiresAt: number;
}

export interface ScriptedFailure {
  method: string;
  path: RegExp | string;
  failure: FakeFailure;
  remaining: number;
}

/** The options of `startFakeDiscordServer` with their defaults applied. */
export interface DiscordSettings {
  readonly token: string;
  readonly shardCount: number;
  readonly maxConcurrency: number;
  readonly heartbeatIntervalMs: number;
  readonly privilegedIntents: number;
  readonly interactionAckTimeoutMs: number;
  readonly echoOwnMessages: boolean;
}

/** A guild channel's creation input, as `addGuild` and `addChannel` take it. */
export interface GuildChannelInput {
  id?: string;
  name?: string;
  type?: number;
  parentId?: string;
  topic?: string;
}

export class DiscordWorld {
  readonly nextId = createSnowflakeGenerator();
  readonly botUser: FakeUser;
  /** Equals the bot user's id, as for every application created since 2019. */
  readonly applicationId: string;
  /** Owner of every guild the test adds. */
  readonly guildOwner: FakeUser;
  readonly users: Map<string, FakeUser>;
  readonly guilds = new Map<string, InternalGuild>();
  readonly channels = new Map<string, FakeChannel>();
  readonly dmChannelsByUser = new Map<string, FakeChannel>();
  readonly messages = new Map<string, StoredMessage>();
  readonly messagesByChannel = new Map<string, StoredMessage[]>();
  /** `POST /channels/:id/typing` calls by channel id. */
  readonly typing = new Map<string, number>();
  /** Application commands by guild id, or `'global'`. */
  readonly commands = new Map<string, ApplicationCommand[]>();
  readonly interactions = new Map<string, InternalInteraction>();
  readonly interactionsByToken = new Map<string, InternalInteraction>();
  readonly requests: RecordedRequest[] = [];
  readonly failures: ScriptedFailure[] = [];
  /** Files of user messages, served as the CDN serves them. */
  readonly files = new AttachmentFiles();
  tokenRevoked = false;
  userCounter = 0;
  /** Set once the server listens. */
  apiUrl = '';
  /** Set once the server listens. */
  gatewayUrl = '';

  constructor(
    readonly settings: DiscordSettings,
    botUsername: string,
  ) {
    this.botUser = {
      id: this.nextId(),
      username: botUsername,
      discriminator: '0001',
      global_name: null,
      avatar: null,
      bot: true,
      public_flags: 0,
      flags: 0,
    };
    this.applicationId = this.botUser.id;
    this.guildOwner = {
      id: this.nextId(),
      username: 'guild-owner',
      discriminator: '0',
      global_name: 'Guild Owner',
      avatar: null,
      public_flags: 0,
    };
    this.users = new Map([
      [this.botUser.id, this.botUser],
      [this.guildOwner.id, this.guildOwner],
    ]);
  }

  /** Whether a gateway `token` (with or without the `Bot ` prefix) is the valid one. */
  acceptsGatewayToken(token: unknown): boolean {
    return (
      typeof token === 'string' &&
      !this.tokenRevoked &&
      token.replace(/^Bot\s+/i, '') === this.settings.token
    );
  }

  guildOfChannel(channel: FakeChannel): InternalGuild | undefined {
    return channel.guild_id === undefined ? undefined : this.guilds.get(channel.guild_id);
  }

  ensureMember(guild: InternalGuild, user: FakeUser): MemberObject & { user: FakeUser } {
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

  permissionsOf(guild: InternalGuild, userId: string): bigint {
    if (userId === guild.ownerId) return (1n << 53n) - 1n;
    const member = guild.members.get(userId);
    let bits = BigInt(guild.roles.find((role) => role.id === guild.id)?.permissions ?? '0');
    for (const roleId of member?.roles ?? []) {
      bits |= BigInt(guild.roles.find((role) => role.id === roleId)?.permissions ?? '0');
    }
    return bits;
  }

  createGuildChannel(guild: InternalGuild, input: GuildChannelInput): FakeChannel {
    const type = input.type ?? ChannelType.GuildText;
    const channel: FakeChannel = {
      id: input.id ?? this.nextId(),
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
    if (this.channels.has(channel.id)) {
      throw new Error(`fake Discord: channel ${channel.id} already exists`);
    }
    guild.channels.push(channel);
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** A channel the test refers to; throws for an unknown one (a mistake in the test). */
  requireChannel(channelId: string): FakeChannel {
    const channel = this.channels.get(channelId);
    if (!channel)
      throw new Error(
        `fake Discord: unknown channel ${channelId}; add it with addGuild/addChannel/addThread first`,
      );
    return channel;
  }

  /** Makes `user` known; a user already known by id is kept and returned. */
  registerUser(user: FakeUser): FakeUser {
    const known = this.users.get(user.id);
    if (known) return known;
    this.users.set(user.id, user);
    return user;
  }

  dmChannelFor(user: FakeUser): FakeChannel {
    this.registerUser(user);
    let channel = this.dmChannelsByUser.get(user.id);
    if (!channel) {
      channel = {
        id: this.nextId(),
        type: ChannelType.DM,
        flags: 0,
        last_message_id: null,
        recipients: [user],
      };
      this.dmChannelsByUser.set(user.id, channel);
      this.channels.set(channel.id, channel);
    }
    return channel;
  }

  /** Where a user acts: the channel `channelId` names, or without one their DM with the bot. */
  channelOf(user: FakeUser, channelId: string | undefined): FakeChannel {
    return channelId === undefined ? this.dmChannelFor(user) : this.requireChannel(channelId);
  }

  storeMessage(message: StoredMessage): void {
    this.messages.set(message.id, message);
    let list = this.messagesByChannel.get(message.channelId);
    if (!list) {
      list = [];
      this.messagesByChannel.set(message.channelId, list);
    }
    list.push(message);
    const channel = this.channels.get(message.channelId);
    if (channel) {
      channel.last_message_id = message.id;
      if (THREAD_TYPES.includes(channel.type)) {
        channel.message_count = (channel.message_count ?? 0) + 1;
        channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
      }
    }
  }

  /** The live list of commands of `scope` (a guild id or `'global'`), created empty. */
  commandList(scope: string): ApplicationCommand[] {
    let list = this.commands.get(scope);
    if (!list) {
      list = [];
      this.commands.set(scope, list);
    }
    return list;
  }
}
