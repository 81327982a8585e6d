/** A stored message in the shapes Discord sends it: over REST, and over the gateway per session. */
import { Intent } from './constants.js';
import type { GatewaySession } from './gateway-sessions.js';
import { memberWithoutUser } from './guild-payload.js';
import { isoTime } from './helpers.js';
import type { StoredMessage } from './records.js';
import type { MessageObject } from './wire-types.js';
import type { DiscordWorld } from './world.js';

/** The REST shape of a stored message; `depth` stops `referenced_message` from nesting further. */
export function toWire(world: DiscordWorld, message: StoredMessage, depth = 0): MessageObject {
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
      const user = world.users.get(id);
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
      const referenced = world.messages.get(message.messageReference.message_id);
      wire.referenced_message =
        referenced && referenced.deletedAt === undefined
          ? toWire(world, referenced, depth + 1)
          : null;
    }
  }
  if (message.interactionId !== undefined) {
    const interaction = world.interactions.get(message.interactionId)?.record.interaction;
    wire.webhook_id = world.applicationId;
    wire.application_id = world.applicationId;
    if (interaction) {
      const user = interaction.member?.user ?? interaction.user ?? world.botUser;
      wire.interaction_metadata = {
        id: interaction.id,
        type: interaction.type,
        user,
        ...('name' in interaction.data ? { name: interaction.data.name } : {}),
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
export function toGatewayMessage(
  world: DiscordWorld,
  message: StoredMessage,
  session: GatewaySession,
): MessageObject {
  const wire = toWire(world, message);
  const channel = world.channels.get(message.channelId);
  const guild = message.guildId === undefined ? undefined : world.guilds.get(message.guildId);
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
      message.author.id === world.botUser.id ||
      message.mentions.users.includes(world.botUser.id);
    if (!canSeeContent) {
      wire.content = '';
      wire.embeds = [];
      wire.attachments = [];
      wire.components = [];
    }
  }
  return wire;
}
