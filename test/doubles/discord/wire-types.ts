/**
 * Wire types: the subset of Discord's API v10 objects the fake Discord produces, written here
 * rather than imported from discord.js, so they state independently what Discord sends.
 */

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
  /** Voice messages: the length in seconds. */
  duration_secs?: number;
  /** Voice messages: the base64 waveform. */
  waveform?: string;
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
    /** The command's name (application command interactions only). */
    name?: string;
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
  /** 2 APPLICATION_COMMAND, 3 MESSAGE_COMPONENT (a button pressed). */
  type: number;
  token: string;
  version: 1;
  data: CommandInteractionData | ComponentInteractionData;
  /** With a component interaction: the message whose button was pressed. */
  message?: MessageObject;
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

export interface CommandInteractionData {
  id: string;
  name: string;
  type: number;
  options?: CommandOptionValue[];
  guild_id?: string;
}

export interface ComponentInteractionData {
  custom_id: string;
  /** 2 BUTTON. */
  component_type: number;
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
