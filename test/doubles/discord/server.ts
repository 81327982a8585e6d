/** Starting the fake Discord: settings, world, gateway, the port, and the handle tests hold. */
import { waitUntil } from '../shared/wait-until.js';
import { MessageFlag, PRIVILEGED_INTENTS } from './constants.js';
import type { FakeDiscord } from './context.js';
import { Gateway } from './gateway.js';
import { pressButton } from './components.js';
import { createInteraction } from './interactions.js';
import { createMessage, deleteMessage, updateMessage } from './simulated-users.js';
import { serveDiscord } from './transport.js';
import type { FakeDiscordServer, FakeDiscordServerOptions } from './types.js';
import { DiscordWorld } from './world.js';
import { addChannel, addGuild, addThread, addUser, grantRole } from './world-builders.js';

/**
 * Starts the fake on 127.0.0.1 (loopback only: no firewall prompt, no IPv6 surprises) and an
 * ephemeral port, so parallel test files never collide. REST and gateway share the port.
 */
export async function startFakeDiscordServer(
  options: FakeDiscordServerOptions = {},
): Promise<FakeDiscordServer> {
  const world = new DiscordWorld(
    {
      token: options.token ?? 'fake-bot-token',
      shardCount: options.shards ?? 1,
      maxConcurrency: options.maxConcurrency ?? 1,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      privilegedIntents: options.privilegedIntents ?? PRIVILEGED_INTENTS,
      interactionAckTimeoutMs: options.interactionAckTimeoutMs ?? 3_000,
      echoOwnMessages: options.echoOwnMessages ?? true,
    },
    options.botUsername ?? 'fake-bot',
  );
  const gateway = new Gateway(world);
  const discord: FakeDiscord = { world, gateway };
  const http = await serveDiscord(discord);
  world.apiUrl = `http://127.0.0.1:${http.port}/api`;
  world.gatewayUrl = `ws://127.0.0.1:${http.port}/gateway`;

  let closed: Promise<void> | undefined;
  return {
    apiUrl: world.apiUrl,
    gatewayUrl: world.gatewayUrl,
    token: world.settings.token,
    botUser: world.botUser,
    applicationId: world.applicationId,
    requests: world.requests,

    addUser: (input = {}) => addUser(world, input),
    addGuild: (input = {}) => addGuild(discord, input),
    grantRole: (guildId, user, roleId) => grantRole(world, guildId, user, roleId),
    addChannel: (guildId, input = {}) => addChannel(discord, guildId, input),
    addThread: (parentChannelId, input = {}) => addThread(discord, parentChannelId, input),
    dmChannelFor: (user) => world.dmChannelFor(user),
    channel: (channelId) => world.channels.get(channelId),

    createMessage: (input) => createMessage(discord, input),
    updateMessage: (input) => updateMessage(discord, input),
    deleteMessage: (channelId, messageId) => deleteMessage(discord, channelId, messageId),
    createInteraction: (input) => createInteraction(discord, input),
    pressButton: (input) => pressButton(discord, input),

    messagesIn(channelId) {
      return (world.messagesByChannel.get(channelId) ?? []).filter(
        (message) =>
          message.author.id === world.botUser.id && (message.flags & MessageFlag.Ephemeral) === 0,
      );
    },
    message: (messageId) => world.messages.get(messageId),
    interactionResponses(interactionId) {
      const interaction = world.interactions.get(interactionId);
      if (!interaction) throw new Error(`fake Discord: unknown interaction ${interactionId}`);
      return interaction.record;
    },
    typingIn: (channelId) => world.typing.get(channelId) ?? 0,
    downloads: () => [...world.files.downloads],
    registeredCommands: (guildId) => [...world.commandList(guildId ?? 'global')],

    failNext(method, path, failure, times = 1) {
      world.failures.push({ method: method.toUpperCase(), path, failure, remaining: times });
    },
    waitFor: (predicate, timeoutMs = 5_000) =>
      waitUntil(predicate, {
        timeoutMs,
        intervalMs: 10,
        failure: () => `fake Discord: condition not met within ${timeoutMs} ms`,
      }),

    gatewayConnections: () => gateway.connections.size,
    gatewayUrls: () => [...gateway.urls],
    identifyPayloads: () => [...gateway.identifies],
    resumePayloads: () => [...gateway.resumes],
    requestReconnect: () => gateway.broadcast({ op: 7, d: null }),
    disconnectClients: (code = 4000, reason) => gateway.closeAll(code, reason),
    revokeToken() {
      world.tokenRevoked = true;
      gateway.closeAll(4004);
    },
    close() {
      closed ??= http.close();
      return closed;
    },
  };
}
