/**
 * Message components: a user presses a button of a bot message (INTERACTION_CREATE of type 3,
 * MESSAGE_COMPONENT). The bot answers through the same callback route as for commands, with
 * UPDATE_MESSAGE (7) or DEFERRED_UPDATE_MESSAGE (6) then `PATCH .../@original`, or a new reply.
 */
import type { FakeDiscord } from './context.js';
import { MessageFlag } from './constants.js';
import { dispatchInteraction } from './interactions.js';
import { toWire } from './message-wire.js';
import type { FakeUser, InteractionObject } from './wire-types.js';

/** A button press for {@link FakeDiscordServer.pressButton}. */
export interface PressButtonInput {
  user: FakeUser;
  /** The bot's message holding the button. */
  messageId: string;
  customId: string;
  /** As for commands: how long the bot has to call the callback route. */
  ackTimeoutMs?: number;
  /** The user's client language (`locale`). Default `en-US`. */
  locale?: string;
}

/** The custom IDs and labels of a message's buttons, row by row. */
export function buttonsIn(components: unknown[]): { customId: string; label: string }[] {
  const rows = components as {
    components?: { type?: number; custom_id?: string; label?: string }[];
  }[];
  return rows.flatMap((row) =>
    (row.components ?? [])
      .filter((c) => c.type === 2 && typeof c.custom_id === 'string')
      .map((c) => ({ customId: c.custom_id!, label: c.label ?? '' })),
  );
}

/**
 * `user` presses the button `customId` of the bot's message. Throws on a test mistake, as
 * Discord could not deliver it: no such message or button, or an ephemeral message seen only by
 * the person whose command it answers.
 */
export function pressButton(discord: FakeDiscord, input: PressButtonInput): InteractionObject {
  const { world } = discord;
  const message = world.messages.get(input.messageId);
  if (!message || message.deletedAt !== undefined || message.author.id !== world.botUser.id) {
    throw new Error(`fake Discord: no bot message ${input.messageId} to press a button of`);
  }
  if (!buttonsIn(message.components).some((button) => button.customId === input.customId)) {
    throw new Error(`fake Discord: message ${message.id} has no button ${input.customId}`);
  }
  const user = world.registerUser(input.user);
  const wire = toWire(world, message);
  const owner = wire.interaction_metadata?.user.id;
  if ((message.flags & MessageFlag.Ephemeral) !== 0 && owner !== undefined && owner !== user.id) {
    throw new Error(`fake Discord: only user ${owner} sees the ephemeral message ${message.id}`);
  }
  const channel = world.channels.get(message.channelId);
  if (!channel) throw new Error(`fake Discord: unknown channel ${message.channelId}`);
  return dispatchInteraction(
    discord,
    user,
    channel,
    input.ackTimeoutMs,
    { type: 3, data: { custom_id: input.customId, component_type: 2 }, message: wire },
    input.locale,
  );
}
