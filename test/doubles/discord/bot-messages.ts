/** Messages the bot creates and edits over REST, checked and stored the way Discord does it. */
import { isRecord } from '../shared/is-record.js';
import type { FakeDiscord } from './context.js';
import { MessageFlag } from './constants.js';
import { dispatchMessage } from './message-events.js';
import { toWire } from './message-wire.js';
import { resolveBotMentions } from './mentions.js';
import type { RecordedRequest, StoredMessage } from './records.js';
import { Errors, FormErrors, ok, type Reply } from './replies.js';
import { hasSomethingToSend, toAllowedMentions, validateMessageFields } from './validation.js';
import type { FakeChannel, JsonObject, MessageReference } from './wire-types.js';
import type { DiscordWorld } from './world.js';

/**
 * Creates a bot message from a create body (channel message, interaction response or follow-up).
 * Returns an error reply when Discord would refuse it.
 */
export function createBotMessage(
  world: DiscordWorld,
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
  const guild = world.guildOfChannel(channel);
  let reference: MessageReference | undefined;
  let repliedAuthorId: string | undefined;
  const rawReference = body.message_reference;
  if (isRecord(rawReference) && (rawReference.type === undefined || rawReference.type === 0)) {
    const referenceChannelId =
      typeof rawReference.channel_id === 'string' ? rawReference.channel_id : channel.id;
    const referenced =
      typeof rawReference.message_id === 'string'
        ? world.messages.get(rawReference.message_id)
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
    id: world.nextId(),
    channelId: channel.id,
    guildId: channel.guild_id,
    author: world.botUser,
    content,
    embeds: Array.isArray(body.embeds) ? body.embeds : [],
    components: Array.isArray(body.components) ? body.components : [],
    attachments: files.map((file) => {
      const id = world.nextId();
      const url = `${world.apiUrl.replace(/\/api$/, '')}/attachments/${channel.id}/${id}/${file.filename}`;
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
    mentions: resolveBotMentions(world, content, allowedMentions, guild, repliedAuthorId),
    interactionId: extra.interactionId,
    body,
    edits: [],
    reactions: [],
    createdAt: at,
    editedAt: undefined,
    deletedAt: undefined,
  };
  world.storeMessage(message);
  return message;
}

/**
 * With `enforce_nonce`, Discord answers a repeated nonce (same author and channel, within a few
 * minutes) with the first message instead of posting again — what makes retries idempotent.
 */
export function nonceDuplicate(
  world: DiscordWorld,
  channel: FakeChannel,
  body: JsonObject,
): StoredMessage | undefined {
  const nonce = body.nonce;
  if (body.enforce_nonce !== true || (typeof nonce !== 'string' && typeof nonce !== 'number'))
    return undefined;
  return (world.messagesByChannel.get(channel.id) ?? []).find(
    (m) =>
      m.nonce === nonce &&
      m.author.id === world.botUser.id &&
      Date.now() - m.createdAt < 5 * 60_000,
  );
}

/** Applies a PATCH body to a bot message; returns an error reply when Discord would refuse it. */
function editBotMessage(
  world: DiscordWorld,
  message: StoredMessage,
  body: JsonObject,
  files: RecordedRequest['files'],
): Reply | undefined {
  const form = new FormErrors();
  validateMessageFields(body, form, []);
  if (form.count > 0) return form.reply();
  const content =
    typeof body.content === 'string' ? body.content : body.content === null ? '' : message.content;
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
  const guild = message.guildId === undefined ? undefined : world.guilds.get(message.guildId);
  const repliedAuthorId = message.messageReference
    ? world.messages.get(message.messageReference.message_id)?.author.id
    : undefined;
  message.mentions = resolveBotMentions(
    world,
    content,
    message.allowedMentions,
    guild,
    repliedAuthorId,
  );
  message.editedAt = at;
  message.edits.push({ body, content, at });
  return undefined;
}

/** Applies a PATCH from the bot and dispatches MESSAGE_UPDATE; answers the message or the refusal. */
export function editAndDispatch(
  discord: FakeDiscord,
  message: StoredMessage,
  body: unknown,
  files: RecordedRequest['files'],
): Reply {
  const refused = editBotMessage(discord.world, message, isRecord(body) ? body : {}, files);
  if (refused) return refused;
  dispatchMessage(discord, 'MESSAGE_UPDATE', message);
  return ok(toWire(discord.world, message));
}
