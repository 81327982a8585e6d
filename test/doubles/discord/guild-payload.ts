/** Guilds and members in the shapes the gateway and REST send them. */
import { ChannelType, THREAD_TYPES } from './constants.js';
import type { InternalGuild } from './world.js';
import type { JsonObject, MemberObject } from './wire-types.js';

/** A member as embedded in messages: without its `user`. */
export function memberWithoutUser(member: MemberObject): MemberObject {
  const { user: _user, ...rest } = member;
  return rest;
}

/** The GUILD_CREATE payload of a guild; `GET /guilds/:id` answers it without the lists. */
export function guildCreatePayload(guild: InternalGuild): JsonObject {
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
    preferred_locale: guild.preferredLocale ?? 'en-US',
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
