/**
 * Raw Discord gateway payloads (API v10) for the mapping tests: one guild with a text channel, a
 * second channel and a thread, a role, three people and another bot, in the shapes Discord sends
 * them in READY, GUILD_CREATE, MESSAGE_CREATE and INTERACTION_CREATE. Pure data, no state; IDs are
 * real-looking 19-digit snowflakes because discord.js's `cleanContent` only resolves those.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildVerificationLevel,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageReferenceType,
  MessageType,
  type APIChatInputApplicationCommandDMInteraction,
  type APIChatInputApplicationCommandGuildInteraction,
  type APIChatInputApplicationCommandInteractionData,
  type APIGuildMember,
  type APIRole,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  type ApplicationFlags,
  type GatewayGuildCreateDispatchData,
  type GatewayMessageCreateDispatchData,
  type GatewayReadyDispatchData,
  type GuildMemberFlags,
  type GuildSystemChannelFlags,
  type MessageFlags,
  type RoleFlags,
} from 'discord.js';

export const ids = {
  application: '1100000000000000001',
  bot: '1100000000000000001',
  otherBot: '1100000000000000002',
  ann: '1200000000000000001',
  bob: '1200000000000000002',
  carol: '1200000000000000003',
  guild: '1300000000000000001',
  general: '1400000000000000001',
  random: '1400000000000000002',
  thread: '1400000000000000003',
  dm: '1400000000000000009',
  moderators: '1500000000000000001',
} as const;

function user(id: string, username: string, globalName: string | null, bot = false): APIUser {
  return {
    id,
    username,
    discriminator: '0',
    global_name: globalName,
    avatar: null,
    ...(bot ? { bot: true } : {}),
  };
}

/** Ann has a server nickname, Bob only a global display name, Carol only her username. */
export const users = {
  bot: user(ids.bot, 'parrot', 'Parrot', true),
  otherBot: user(ids.otherBot, 'echo', null, true),
  ann: user(ids.ann, 'ann', 'Ann Lee'),
  bob: user(ids.bob, 'bob', 'Bobby'),
  carol: user(ids.carol, 'carol', null),
} as const;

const JOINED_AT = '2024-01-01T00:00:00.000000+00:00';

function member(of: APIUser, nick: string | null = null): APIGuildMember {
  return {
    user: of,
    nick,
    avatar: null,
    banner: null,
    roles: [],
    joined_at: JOINED_AT,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
  };
}

export const members = {
  bot: member(users.bot),
  ann: member(users.ann, 'Annie'),
  bob: member(users.bob),
  carol: member(users.carol),
} as const;

/** A member as embedded in MESSAGE_CREATE (`member` of the author, `mentions[].member`). */
export function memberWithoutUser(of: APIGuildMember): Omit<APIGuildMember, 'user'> {
  const { user: _user, ...rest } = of;
  return rest;
}

function role(id: string, name: string, position: number): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: '0',
    managed: false,
    mentionable: true,
    flags: 0 as RoleFlags,
  };
}

function textChannel(id: string, name: string, position: number): APITextChannel {
  return {
    id,
    type: ChannelType.GuildText,
    guild_id: ids.guild,
    name,
    position,
    parent_id: null,
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    permission_overwrites: [],
  };
}

const thread: APIThreadChannel = {
  id: ids.thread,
  type: ChannelType.PublicThread,
  guild_id: ids.guild,
  name: 'plans',
  parent_id: ids.general,
  owner_id: ids.ann,
  last_message_id: null,
  rate_limit_per_user: 0,
  message_count: 0,
  member_count: 1,
  total_message_sent: 0,
  applied_tags: [],
  thread_metadata: {
    archived: false,
    auto_archive_duration: 1440,
    archive_timestamp: JOINED_AT,
    locked: false,
  },
};

/** READY as the gateway sends it: the guild arrives later in its own GUILD_CREATE. */
export function readyPayload(): GatewayReadyDispatchData {
  return {
    v: 10,
    user: users.bot,
    guilds: [{ id: ids.guild, unavailable: true }],
    session_id: 'offline-session',
    resume_gateway_url: 'wss://gateway.invalid',
    shard: [0, 1],
    application: { id: ids.application, flags: 0 as ApplicationFlags, flags_new: '0' },
  };
}

/** GUILD_CREATE of the guild: channels, the thread, the role and every member. */
export function guildCreatePayload(): GatewayGuildCreateDispatchData {
  const everyone = role(ids.guild, '@everyone', 0);
  return {
    id: ids.guild,
    name: 'Friends',
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: ids.ann,
    region: 'europe',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [everyone, role(ids.moderators, 'Moderators', 1)],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: ids.general,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: Locale.EnglishUS,
    nsfw_level: GuildNSFWLevel.Default,
    hub_type: null,
    incidents_data: null,
    max_members: 500_000,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    joined_at: JOINED_AT,
    large: false,
    unavailable: false,
    member_count: 4,
    members: Object.values(members),
    channels: [textChannel(ids.general, 'general', 0), textChannel(ids.random, 'random', 1)],
    threads: [thread],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** `<@id>`: how Discord writes a user mention in `content`. */
export const mention = (id: string): string => `<@${id}>`;

let nextMessage = 1_600_000_000_000_000_000n;

/** The fields every MESSAGE_CREATE carries, for a message of `author` in `channelId`. */
function baseMessage(
  author: APIUser,
  channelId: string,
  content: string,
): GatewayMessageCreateDispatchData {
  nextMessage += 1n;
  return {
    id: String(nextMessage),
    channel_id: channelId,
    author,
    content,
    timestamp: '2024-06-01T12:00:00.000000+00:00',
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    type: MessageType.Default,
    flags: 0 as MessageFlags,
  };
}

/** A DM to the bot: no `guild_id`, no `member`, `channel_type` 1. */
export function dmMessage(
  content: string,
  fields: Partial<GatewayMessageCreateDispatchData> = {},
): GatewayMessageCreateDispatchData {
  return {
    ...baseMessage(fields.author ?? users.ann, ids.dm, content),
    channel_type: ChannelType.DM,
    ...fields,
  };
}

/**
 * A message in the guild as the gateway sends it: the author's `member`, and every mentioned
 * user with their `member` (Discord fills `mentions` from the `<@id>` in the content).
 */
export function guildMessage(
  content: string,
  fields: Partial<GatewayMessageCreateDispatchData> & {
    readonly mentioned?: readonly string[];
  } = {},
): GatewayMessageCreateDispatchData {
  const { mentioned = [], ...rest } = fields;
  const author = rest.author ?? users.ann;
  const authorMember = Object.values(members).find((m) => m.user.id === author.id);
  return {
    ...baseMessage(author, ids.general, content),
    guild_id: ids.guild,
    channel_type: ChannelType.GuildText,
    ...(authorMember && rest.webhook_id === undefined
      ? { member: memberWithoutUser(authorMember) }
      : {}),
    mentions: mentioned.map((id) => {
      const found = Object.values(members).find((m) => m.user.id === id);
      if (!found) throw new Error(`no member ${id} in the guild payload`);
      return { ...found.user, member: memberWithoutUser(found) };
    }),
    ...rest,
  };
}

/**
 * A reply to one of the bot's messages in #general. Discord mentions the replied-to author only
 * when the reply pings (the default); with the ping off and no MessageContent intent, it also
 * blanks the content, since the bot is then neither author nor mentioned.
 */
export function replyToBot(
  content: string,
  options: { readonly ping: boolean },
): GatewayMessageCreateDispatchData {
  const earlier = guildMessage('Earlier answer.', { author: users.bot });
  return guildMessage(content, {
    type: MessageType.Reply,
    mentioned: options.ping ? [ids.bot] : [],
    message_reference: {
      type: MessageReferenceType.Default,
      message_id: earlier.id,
      channel_id: ids.general,
      guild_id: ids.guild,
    },
    referenced_message: earlier,
  });
}

/** `data` of a chat-input command with the string options given. */
function commandData(
  name: string,
  options: Readonly<Record<string, string>>,
): APIChatInputApplicationCommandInteractionData {
  const given = Object.entries(options).map(([option, value]) => ({
    name: option,
    type: ApplicationCommandOptionType.String as const,
    value,
  }));
  return {
    id: name === 'forget' ? '1700000000000000001' : '1700000000000000002',
    name,
    type: ApplicationCommandType.ChatInput,
    ...(given.length > 0 ? { options: given } : {}),
  };
}

let nextInteraction = 1_800_000_000_000_000_000n;

/** The fields every application command interaction carries, whoever used it where. */
function interactionBase() {
  nextInteraction += 1n;
  return {
    id: String(nextInteraction),
    application_id: ids.application,
    type: InteractionType.ApplicationCommand,
    token: 'offline-interaction-token',
    version: 1,
    app_permissions: '0',
    locale: Locale.EnglishUS,
    entitlements: [],
    attachment_size_limit: 10_485_760,
  } satisfies Partial<APIChatInputApplicationCommandGuildInteraction>;
}

/** INTERACTION_CREATE of a slash command used in a guild channel (or the thread). */
export function guildSlashCommand(
  name: string,
  options: Readonly<Record<string, string>> = {},
  where: { readonly channelId?: string; readonly member?: APIGuildMember } = {},
): APIChatInputApplicationCommandGuildInteraction {
  const invoker = where.member ?? members.ann;
  const channelId = where.channelId ?? ids.general;
  return {
    ...interactionBase(),
    data: commandData(name, options),
    guild_id: ids.guild,
    guild: { id: ids.guild, locale: Locale.EnglishUS, features: [] },
    guild_locale: Locale.EnglishUS,
    channel_id: channelId,
    channel:
      channelId === ids.thread
        ? { id: channelId, type: ChannelType.PublicThread }
        : { id: channelId, type: ChannelType.GuildText },
    member: { ...invoker, permissions: '0' },
    authorizing_integration_owners: { '0': ids.guild },
    context: InteractionContextType.Guild,
  };
}

/** INTERACTION_CREATE of a slash command used in the bot's DM. */
export function dmSlashCommand(
  name: string,
  options: Readonly<Record<string, string>> = {},
  invoker: APIUser = users.ann,
): APIChatInputApplicationCommandDMInteraction {
  return {
    ...interactionBase(),
    data: commandData(name, options),
    channel_id: ids.dm,
    channel: { id: ids.dm, type: ChannelType.DM, recipients: [invoker] },
    user: invoker,
    authorizing_integration_owners: { '1': invoker.id },
    context: InteractionContextType.BotDM,
  };
}
