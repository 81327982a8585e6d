/** How a test builds the world: users, guilds with roles and channels, channels, threads. */
import { ChannelType, DEFAULT_EVERYONE_PERMISSIONS, Intent } from './constants.js';
import type { FakeDiscord } from './context.js';
import { guildCreatePayload } from './guild-payload.js';
import { isoTime } from './helpers.js';
import type { FakeDiscordServer } from './types.js';
import type { FakeChannel, FakeGuild, FakeRole, FakeUser } from './wire-types.js';
import type { DiscordWorld, GuildChannelInput, InternalGuild } from './world.js';

/** A user known to the fake; see `FakeDiscordServer.addUser`. */
export function addUser(
  world: DiscordWorld,
  input: NonNullable<Parameters<FakeDiscordServer['addUser']>[0]>,
): FakeUser {
  world.userCounter++;
  const user: FakeUser = {
    id: world.nextId(),
    username: input.username ?? `user${world.userCounter}`,
    discriminator: input.bot === true ? String(1000 + world.userCounter) : '0',
    global_name: input.globalName ?? null,
    avatar: null,
    public_flags: 0,
  };
  if (input.bot === true) user.bot = true;
  return world.registerUser(user);
}

/** A guild the bot is in, dispatched as GUILD_CREATE; see `FakeDiscordServer.addGuild`. */
export function addGuild(
  { world, gateway }: FakeDiscord,
  input: NonNullable<Parameters<FakeDiscordServer['addGuild']>[0]>,
): FakeGuild {
  const id = input.id ?? world.nextId();
  if (world.guilds.has(id)) throw new Error(`fake Discord: guild ${id} already exists`);
  const botRoleId = world.nextId();
  const guild: InternalGuild = {
    id,
    name: input.name ?? `Guild ${world.guilds.size + 1}`,
    ownerId: world.guildOwner.id,
    botRoleId,
    roles: [],
    channels: [],
    members: new Map(),
    joinedAt: isoTime(),
    preferredLocale: input.preferredLocale,
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
    ...(managed ? { tags: { bot_id: world.botUser.id } } : {}),
  });
  guild.roles.push(role(id, '@everyone', DEFAULT_EVERYONE_PERMISSIONS, 0, false));
  guild.roles.push(
    role(
      botRoleId,
      world.botUser.username,
      input.botPermissions ?? DEFAULT_EVERYONE_PERMISSIONS,
      1,
      true,
    ),
  );
  (input.roles ?? []).forEach((r, index) =>
    guild.roles.push(
      role(
        r.id ?? world.nextId(),
        r.name ?? `role-${index + 1}`,
        r.permissions ?? 0n,
        index + 2,
        false,
      ),
    ),
  );
  world.guilds.set(id, guild);
  world.ensureMember(guild, world.guildOwner);
  world.ensureMember(guild, world.botUser).roles.push(botRoleId);
  for (const channel of input.channels ?? [{ name: 'general' }])
    world.createGuildChannel(guild, channel);
  gateway.dispatch('GUILD_CREATE', () => guildCreatePayload(guild), {
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
}

/**
 * Gives a member of a guild (made a member if needed) one of its roles; their permissions in
 * interactions then include the role's. Roles are not dispatched (GUILD_MEMBER_UPDATE needs the
 * privileged GuildMembers intent, which the bot does not ask for).
 */
export function grantRole(world: DiscordWorld, guildId: string, user: FakeUser, roleId: string) {
  const guild = world.guilds.get(guildId);
  if (!guild) throw new Error(`fake Discord: unknown guild ${guildId}`);
  if (!guild.roles.some((role) => role.id === roleId)) {
    throw new Error(`fake Discord: guild ${guildId} has no role ${roleId}`);
  }
  world.registerUser(user);
  const member = world.ensureMember(guild, user);
  if (!member.roles.includes(roleId)) member.roles.push(roleId);
}

/** A guild channel, dispatched as CHANNEL_CREATE. */
export function addChannel(
  { world, gateway }: FakeDiscord,
  guildId: string,
  input: GuildChannelInput,
): FakeChannel {
  const guild = world.guilds.get(guildId);
  if (!guild) throw new Error(`fake Discord: unknown guild ${guildId}`);
  const channel = world.createGuildChannel(guild, input);
  gateway.dispatch('CHANNEL_CREATE', () => channel, { guildId, intent: Intent.Guilds });
  return channel;
}

/** A thread under a text, announcement or forum channel, dispatched as THREAD_CREATE. */
export function addThread(
  { world, gateway }: FakeDiscord,
  parentChannelId: string,
  input: NonNullable<Parameters<FakeDiscordServer['addThread']>[1]>,
): FakeChannel {
  const parent = world.requireChannel(parentChannelId);
  const guild = world.guildOfChannel(parent);
  if (
    !guild ||
    (parent.type !== ChannelType.GuildText &&
      parent.type !== ChannelType.GuildAnnouncement &&
      parent.type !== ChannelType.GuildForum)
  ) {
    throw new Error(`fake Discord: channel ${parentChannelId} cannot have threads`);
  }
  const owner = input.owner ?? world.guildOwner;
  world.registerUser(owner);
  world.ensureMember(guild, owner);
  const now = isoTime();
  const thread: FakeChannel = {
    id: world.nextId(),
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
  world.channels.set(thread.id, thread);
  gateway.dispatch('THREAD_CREATE', () => ({ ...thread, newly_created: true }), {
    guildId: guild.id,
    intent: Intent.Guilds,
  });
  return thread;
}
