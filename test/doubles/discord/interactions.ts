/**
 * Application command interactions: a user invokes one (INTERACTION_CREATE), the bot answers
 * through the callback route within the acknowledgement window, then edits or follows up through
 * the interaction's webhook (`routes/webhook-routes.ts`).
 */
import { randomBytes } from 'node:crypto';
import { isRecord } from '../shared/is-record.js';
import { createBotMessage, editAndDispatch } from './bot-messages.js';
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
import type { CommandOptionValue, FakeChannel, FakeUser, InteractionObject } from './wire-types.js';
import type { InternalInteraction } from './world.js';

/** A user invokes an application command: INTERACTION_CREATE, awaiting the bot's callback. */
export function createInteraction(
  discord: FakeDiscord,
  input: CreateInteractionInput,
): InteractionObject {
  const { world } = discord;
  const user = world.registerUser(input.user);
  const channel = world.channelOf(user, input.channelId);
  const guild = world.guildOfChannel(channel);
  const commandType = input.commandType ?? 1;
  const registered = [
    ...world.commandList('global'),
    ...(guild ? world.commandList(guild.id) : []),
  ].find((command) => command.name === input.name && command.type === commandType);
  const options = normalizeOptions(input.options);
  return dispatchInteraction(
    discord,
    user,
    channel,
    input.ackTimeoutMs,
    {
      type: 2,
      data: {
        id: registered?.id ?? world.nextId(),
        name: input.name,
        type: commandType,
        ...(options ? { options } : {}),
        ...(registered?.guild_id !== undefined ? { guild_id: registered.guild_id } : {}),
      },
    },
    input.locale,
  );
}

/**
 * Sends INTERACTION_CREATE for `user` in `channel` (with the guild, member and permissions
 * Discord adds) and keeps it awaiting the bot's callback within the acknowledgement window.
 */
export function dispatchInteraction(
  discord: FakeDiscord,
  user: FakeUser,
  channel: FakeChannel,
  ackTimeoutMs: number | undefined,
  kind: Pick<InteractionObject, 'type' | 'data' | 'message'>,
  locale = 'en-US',
): InteractionObject {
  const { world, gateway } = discord;
  const guild = world.guildOfChannel(channel);
  const id = world.nextId();
  const interactionToken = `fake.${randomBytes(48).toString('base64url')}`;
  const interaction: InteractionObject = {
    id,
    application_id: world.applicationId,
    token: interactionToken,
    version: 1,
    ...kind,
    channel_id: channel.id,
    channel: guild
      ? { ...channel, permissions: world.permissionsOf(guild, user.id).toString() }
      : { ...channel },
    app_permissions: (guild
      ? world.permissionsOf(guild, world.botUser.id)
      : DEFAULT_EVERYONE_PERMISSIONS
    ).toString(),
    locale,
    entitlements: [],
    authorizing_integration_owners: { '0': guild?.id ?? '0' },
    context: guild ? 0 : 1,
    attachment_size_limit: 10_485_760,
  };
  if (guild) {
    const member = world.ensureMember(guild, user);
    interaction.guild_id = guild.id;
    const guildLocale = guild.preferredLocale ?? 'en-US';
    interaction.guild = { id: guild.id, locale: guildLocale, features: [] };
    interaction.guild_locale = guildLocale;
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
    ackDeadline: now + (ackTimeoutMs ?? world.settings.interactionAckTimeoutMs),
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
  const { data: invoked } = record.interaction;
  // CHAT_INPUT_COMMAND / CONTEXT_MENU_COMMAND; a component's reply is a plain REPLY.
  const messageType = !('type' in invoked) ? 19 : invoked.type === 1 ? 20 : 23;
  const component = record.interaction.type === 3;
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
    case 6: // DEFERRED_UPDATE_MESSAGE: the component's message is edited later (@original).
    case 7: {
      // UPDATE_MESSAGE: the component's message is edited now.
      const pressed = componentMessage(discord, record.interaction);
      if (!component || !pressed) return invalidCallbackType(form, component);
      if (body.type === 7) {
        const edited = editAndDispatch(discord, pressed, data ?? {}, []);
        if (edited.status >= 400) return edited;
      }
      record.original = pressed;
      break;
    }
    case 8: // APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
      if (component) return invalidCallbackType(form, component);
      break;
    case 9: // MODAL
      break;
    default:
      return invalidCallbackType(form, component);
  }
  const withResponse = query.get('with_response') === 'true';
  record.callback = { type: body.type, data, withResponse, at: Date.now() };
  if (record.original && body.type !== 6 && body.type !== 7) {
    dispatchMessage(discord, 'MESSAGE_CREATE', record.original);
  }
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

/** The message whose component was pressed, as the fake stores it. */
function componentMessage(discord: FakeDiscord, interaction: InteractionObject) {
  const id = interaction.message?.id;
  const message = id === undefined ? undefined : discord.world.messages.get(id);
  return message?.deletedAt === undefined ? message : undefined;
}

function invalidCallbackType(form: FormErrors, component: boolean): Reply {
  const choices = component ? '{4, 5, 6, 7, 9}' : '{4, 5, 8, 9}';
  form.add(['type'], 'BASE_TYPE_CHOICES', `Value must be one of ${choices}.`);
  return form.reply();
}
