/**
 * Application command interactions: a user invokes one (INTERACTION_CREATE), the bot answers
 * through the callback route within the acknowledgement window, then edits or follows up through
 * the interaction's webhook (`routes/webhook-routes.ts`).
 */
import { randomBytes } from 'node:crypto';
import { isRecord } from '../shared/is-record.js';
import { createBotMessage } from './bot-messages.js';
import type { FakeDiscord } from './context.js';
import {
  DEFAULT_EVERYONE_PERMISSIONS,
  INTERACTION_TOKEN_TTL_MS,
  MessageFlag,
} from './constants.js';
import { dispatchMessage } from './message-events.js';
import { toWire } from './message-wire.js';
import { Errors, FormErrors, NO_CONTENT, ok, type Reply } from './replies.js';
import type { CreateInteractionInput } from './types.js';
import type { CommandOptionValue, InteractionObject } from './wire-types.js';
import type { InternalInteraction } from './world.js';

/** A user invokes an application command: INTERACTION_CREATE, awaiting the bot's callback. */
export function createInteraction(
  discord: FakeDiscord,
  input: CreateInteractionInput,
): InteractionObject {
  const { world, gateway } = discord;
  const user = world.registerUser(input.user);
  const channel = world.channelOf(user, input.channelId);
  const guild = world.guildOfChannel(channel);
  const commandType = input.commandType ?? 1;
  const registered = [
    ...world.commandList('global'),
    ...(guild ? world.commandList(guild.id) : []),
  ].find((command) => command.name === input.name && command.type === commandType);
  const id = world.nextId();
  const interactionToken = `fake.${randomBytes(48).toString('base64url')}`;
  const options = normalizeOptions(input.options);
  const interaction: InteractionObject = {
    id,
    application_id: world.applicationId,
    type: 2,
    token: interactionToken,
    version: 1,
    data: {
      id: registered?.id ?? world.nextId(),
      name: input.name,
      type: commandType,
      ...(options ? { options } : {}),
      ...(registered?.guild_id !== undefined ? { guild_id: registered.guild_id } : {}),
    },
    channel_id: channel.id,
    channel: guild
      ? { ...channel, permissions: world.permissionsOf(guild, user.id).toString() }
      : { ...channel },
    app_permissions: (guild
      ? world.permissionsOf(guild, world.botUser.id)
      : DEFAULT_EVERYONE_PERMISSIONS
    ).toString(),
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': guild?.id ?? '0' },
    context: guild ? 0 : 1,
    attachment_size_limit: 10_485_760,
  };
  if (guild) {
    const member = world.ensureMember(guild, user);
    interaction.guild_id = guild.id;
    interaction.guild = { id: guild.id, locale: 'en-US', features: [] };
    interaction.guild_locale = 'en-US';
    interaction.member = {
      ...member,
      user,
      permissions: world.permissionsOf(guild, user.id).toString(),
    };
  } else {
    interaction.user = user;
  }
  const now = Date.now();
  const internal: InternalInteraction = {
    record: { interaction, callback: undefined, original: undefined, followUps: [] },
    ackDeadline: now + (input.ackTimeoutMs ?? world.settings.interactionAckTimeoutMs),
    tokenExpiresAt: now + INTERACTION_TOKEN_TTL_MS,
  };
  world.interactions.set(id, internal);
  world.interactionsByToken.set(interactionToken, internal);
  gateway.dispatch('INTERACTION_CREATE', () => interaction, { guildId: guild?.id, intent: 0 });
  return interaction;
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

/** Answers `POST /interactions/:id/:token/callback`: the bot's first response. */
export function handleCallback(
  discord: FakeDiscord,
  id: string,
  interactionToken: string,
  body: unknown,
  query: URLSearchParams,
): Reply {
  const { world } = discord;
  const interaction = world.interactions.get(id);
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
  const channel = world.channels.get(record.interaction.channel_id);
  if (!channel) return Errors.unknownChannel();
  const messageType = record.interaction.data.type === 1 ? 20 : 23; // CHAT_INPUT_COMMAND / CONTEXT_MENU_COMMAND
  switch (body.type) {
    case 4: {
      const created = createBotMessage(world, channel, data ?? {}, [], {
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
      const created = createBotMessage(world, channel, { content: '' }, [], {
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
  if (record.original) dispatchMessage(discord, 'MESSAGE_CREATE', record.original);
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
      ...(record.original ? { message: toWire(world, record.original) } : {}),
    },
  });
}
