/**
 * Interaction routes: the callback that acknowledges an interaction, and the interaction's webhook
 * for follow-ups and for reading, editing and deleting its responses (no bot token needed).
 */
import { createBotMessage, editAndDispatch } from '../bot-messages.js';
import { MessageFlag } from '../constants.js';
import type { FakeDiscord } from '../context.js';
import { handleCallback } from '../interactions.js';
import { deleteAndDispatch, dispatchMessage } from '../message-events.js';
import { toWire } from '../message-wire.js';
import type { StoredMessage } from '../records.js';
import { Errors, isReply, NO_CONTENT, ok, type Reply } from '../replies.js';
import { isRecord } from '../../shared/is-record.js';
import type { DiscordWorld, InternalInteraction } from '../world.js';
import { route, SNOWFLAKE, type Route } from './route.js';

function interactionByWebhook(
  world: DiscordWorld,
  appId: string,
  interactionToken: string,
): InternalInteraction | Reply {
  if (appId !== world.applicationId) return Errors.unknownWebhook();
  const interaction = world.interactionsByToken.get(interactionToken);
  if (!interaction || Date.now() > interaction.tokenExpiresAt) return Errors.invalidWebhookToken();
  // Until the interaction is acknowledged there is no webhook to use.
  if (!interaction.record.callback) return Errors.unknownWebhook();
  return interaction;
}

/** The response or follow-up `/webhooks/:app/:token/messages/:id` names (`@original` too). */
function webhookMessage(world: DiscordWorld, params: string[]): StoredMessage | Reply {
  const interaction = interactionByWebhook(world, params[0] ?? '', params[1] ?? '');
  if (isReply(interaction)) return interaction;
  const { record } = interaction;
  const messageId = params[2] ?? '';
  const found =
    messageId === '@original'
      ? record.original
      : [record.original, ...record.followUps].find((message) => message?.id === messageId);
  return found !== undefined && found.deletedAt === undefined ? found : Errors.unknownMessage();
}

const WEBHOOK_MESSAGE = `/webhooks/${SNOWFLAKE}/([^/]+)/messages/(@original|\\d{1,20})`;

export function webhookRoutes(discord: FakeDiscord): Route[] {
  const { world } = discord;
  return [
    route(
      'POST',
      `/interactions/${SNOWFLAKE}/([^/]+)/callback`,
      ({ params, body, query }) =>
        handleCallback(discord, params[0] ?? '', params[1] ?? '', body, query),
      false,
    ),
    route(
      'POST',
      `/webhooks/${SNOWFLAKE}/([^/]+)`,
      ({ params, body, query, files }) => {
        const interaction = interactionByWebhook(world, params[0] ?? '', params[1] ?? '');
        if (isReply(interaction)) return interaction;
        const channel = world.channels.get(interaction.record.interaction.channel_id);
        if (!channel) return Errors.unknownChannel();
        const data = isRecord(body) ? body : {};
        const flags = typeof data.flags === 'number' ? data.flags & MessageFlag.Ephemeral : 0;
        const created = createBotMessage(world, channel, data, files, {
          interactionId: interaction.record.interaction.id,
          flags,
        });
        if (isReply(created)) return created;
        interaction.record.followUps.push(created);
        dispatchMessage(discord, 'MESSAGE_CREATE', created);
        return query.get('wait') === 'true' ? ok(toWire(world, created)) : NO_CONTENT;
      },
      false,
    ),
    route(
      'GET',
      WEBHOOK_MESSAGE,
      ({ params }) => {
        const message = webhookMessage(world, params);
        return isReply(message) ? message : ok(toWire(world, message));
      },
      false,
    ),
    route(
      'PATCH',
      WEBHOOK_MESSAGE,
      ({ params, body, files }) => {
        const message = webhookMessage(world, params);
        return isReply(message) ? message : editAndDispatch(discord, message, body, files);
      },
      false,
    ),
    route(
      'DELETE',
      WEBHOOK_MESSAGE,
      ({ params }) => {
        const message = webhookMessage(world, params);
        if (isReply(message)) return message;
        deleteAndDispatch(discord, message);
        return NO_CONTENT;
      },
      false,
    ),
  ];
}
