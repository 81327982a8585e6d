/** The gateway events of messages: MESSAGE_CREATE, MESSAGE_UPDATE and MESSAGE_DELETE. */
import type { FakeDiscord } from './context.js';
import { Intent, MessageFlag } from './constants.js';
import type { DispatchTarget } from './gateway-sessions.js';
import { toGatewayMessage } from './message-wire.js';
import type { StoredMessage } from './records.js';
import type { JsonObject } from './wire-types.js';

function messageTarget(message: StoredMessage): DispatchTarget {
  return message.guildId === undefined
    ? { guildId: undefined, intent: Intent.DirectMessages }
    : { guildId: message.guildId, intent: Intent.GuildMessages };
}

/**
 * Dispatches a created or edited message to the sessions that may see it; ephemeral messages are
 * seen by the invoking user only, and the bot's own come back only with `echoOwnMessages`.
 */
export function dispatchMessage(
  { world, gateway }: FakeDiscord,
  t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE',
  message: StoredMessage,
): void {
  if (message.author.id === world.botUser.id && !world.settings.echoOwnMessages) return;
  if ((message.flags & MessageFlag.Ephemeral) !== 0) return; // only the invoking user sees those
  gateway.dispatch(
    t,
    (session) => toGatewayMessage(world, message, session),
    messageTarget(message),
  );
}

/** Marks a stored message deleted (it stays in the store) and dispatches MESSAGE_DELETE. */
export function deleteAndDispatch({ gateway }: FakeDiscord, message: StoredMessage): void {
  message.deletedAt = Date.now();
  if ((message.flags & MessageFlag.Ephemeral) !== 0) return;
  const d: JsonObject = { id: message.id, channel_id: message.channelId };
  if (message.guildId !== undefined) d.guild_id = message.guildId;
  gateway.dispatch('MESSAGE_DELETE', () => d, messageTarget(message));
}
