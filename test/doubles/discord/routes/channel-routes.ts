/** Channel routes: the channel, typing, and its messages with their reactions. */
import { editAndDispatch, createBotMessage, nonceDuplicate } from '../bot-messages.js';
import { MESSAGEABLE_TYPES, MessageFlag } from '../constants.js';
import type { FakeDiscord } from '../context.js';
import { deleteAndDispatch, dispatchMessage } from '../message-events.js';
import { toWire } from '../message-wire.js';
import type { StoredMessage } from '../records.js';
import { Errors, isReply, NO_CONTENT, ok, type Reply } from '../replies.js';
import { isRecord } from '../../shared/is-record.js';
import type { FakeChannel } from '../wire-types.js';
import type { DiscordWorld } from '../world.js';
import { route, SNOWFLAKE, type Route } from './route.js';

function channelForBot(world: DiscordWorld, channelId: string): FakeChannel | Reply {
  return world.channels.get(channelId) ?? Errors.unknownChannel();
}

function messageInChannel(
  world: DiscordWorld,
  channelId: string,
  messageId: string,
): StoredMessage | Reply {
  if (!world.channels.has(channelId)) return Errors.unknownChannel();
  const message = world.messages.get(messageId);
  if (!message || message.channelId !== channelId || message.deletedAt !== undefined)
    return Errors.unknownMessage();
  return message;
}

export function channelRoutes(discord: FakeDiscord): Route[] {
  const { world } = discord;
  return [
    route('GET', `/channels/${SNOWFLAKE}`, ({ params }) => {
      const channel = channelForBot(world, params[0] ?? '');
      return isReply(channel) ? channel : ok(channel);
    }),
    route('POST', `/channels/${SNOWFLAKE}/typing`, ({ params }) => {
      const channel = channelForBot(world, params[0] ?? '');
      if (isReply(channel)) return channel;
      world.typing.set(channel.id, (world.typing.get(channel.id) ?? 0) + 1);
      return NO_CONTENT;
    }),
    route('GET', `/channels/${SNOWFLAKE}/messages`, ({ params, query }) => {
      const channel = channelForBot(world, params[0] ?? '');
      if (isReply(channel)) return channel;
      const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50) || 50));
      const before = query.get('before');
      const after = query.get('after');
      let list = (world.messagesByChannel.get(channel.id) ?? []).filter(
        (m) => m.deletedAt === undefined && (m.flags & MessageFlag.Ephemeral) === 0,
      );
      if (before !== null) list = list.filter((m) => BigInt(m.id) < BigInt(before));
      if (after !== null) list = list.filter((m) => BigInt(m.id) > BigInt(after));
      const page = after !== null ? list.slice(0, limit) : list.slice(-limit);
      return ok(page.reverse().map((m) => toWire(world, m)));
    }),
    route('POST', `/channels/${SNOWFLAKE}/messages`, ({ params, body, files }) => {
      const channel = channelForBot(world, params[0] ?? '');
      if (isReply(channel)) return channel;
      if (!MESSAGEABLE_TYPES.includes(channel.type)) return Errors.nonTextChannel();
      const data = isRecord(body) ? body : {};
      const duplicate = nonceDuplicate(world, channel, data);
      if (duplicate) return ok(toWire(world, duplicate));
      const created = createBotMessage(world, channel, data, files, {});
      if (isReply(created)) return created;
      dispatchMessage(discord, 'MESSAGE_CREATE', created);
      return ok(toWire(world, created));
    }),
    route('GET', `/channels/${SNOWFLAKE}/messages/${SNOWFLAKE}`, ({ params }) => {
      const message = messageInChannel(world, params[0] ?? '', params[1] ?? '');
      return isReply(message) ? message : ok(toWire(world, message));
    }),
    route('PATCH', `/channels/${SNOWFLAKE}/messages/${SNOWFLAKE}`, ({ params, body, files }) => {
      const message = messageInChannel(world, params[0] ?? '', params[1] ?? '');
      if (isReply(message)) return message;
      if (message.author.id !== world.botUser.id) return Errors.cannotEditOthers();
      return editAndDispatch(discord, message, body, files);
    }),
    route('DELETE', `/channels/${SNOWFLAKE}/messages/${SNOWFLAKE}`, ({ params }) => {
      const message = messageInChannel(world, params[0] ?? '', params[1] ?? '');
      if (isReply(message)) return message;
      deleteAndDispatch(discord, message);
      return NO_CONTENT;
    }),
    route(
      'PUT',
      `/channels/${SNOWFLAKE}/messages/${SNOWFLAKE}/reactions/([^/]+)/@me`,
      ({ params }) => {
        const message = messageInChannel(world, params[0] ?? '', params[1] ?? '');
        if (isReply(message)) return message;
        const emoji = params[2] ?? '';
        if (!message.reactions.includes(emoji)) message.reactions.push(emoji);
        return NO_CONTENT;
      },
    ),
    route(
      'DELETE',
      `/channels/${SNOWFLAKE}/messages/${SNOWFLAKE}/reactions/([^/]+)/@me`,
      ({ params }) => {
        const message = messageInChannel(world, params[0] ?? '', params[1] ?? '');
        if (isReply(message)) return message;
        const index = message.reactions.indexOf(params[2] ?? '');
        if (index >= 0) message.reactions.splice(index, 1);
        return NO_CONTENT;
      },
    ),
  ];
}
