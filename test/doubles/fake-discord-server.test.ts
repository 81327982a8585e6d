import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { inflateSync, constants as zlibConstants } from 'node:zlib';
import {
  ApplicationCommandOptionType,
  ChannelType,
  Client,
  DiscordAPIError,
  GatewayIntentBits,
  MessageFlags,
  Partials,
} from 'discord.js';
import type { ClientEvents, ClientOptions, SendableChannels } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startFakeDiscordServer } from './fake-discord-server.js';
import type { FakeChannel, FakeDiscordServer, FakeGuild, FakeUser } from './fake-discord-server.js';

/*
 * How discord.js 14.28 (@discordjs/rest 2.6, @discordjs/ws 1.2) talks to Discord — what these tests
 * pin down, so the fake and the bot can rely on it:
 *
 * - Login is `GET {rest.api}/v10/gateway/bot` (with `Authorization: Bot <token>`), then a WebSocket
 *   to `<url>?v=10&encoding=json`. Compression is requested only when the optional `zlib-sync`
 *   package is installed (then `&compress=zlib-stream`); otherwise IDENTIFY says `compress: false`
 *   and every frame is JSON text. A 401 from /gateway/bot becomes DiscordjsError `TokenInvalid`
 *   ("An invalid token was provided."); gateway close 4004 becomes `Error('Authentication failed')`.
 * - `login()` resolves on READY; `clientReady` fires only after a GUILD_CREATE for every guild READY
 *   listed as unavailable (or after `waitGuildTimeout`, 15 s), so wait for `clientReady`.
 * - Rate limits: a 429 is retried after `retry-after` seconds plus a 50 ms offset, never thrown
 *   (unless `rest.rejectOnRateLimit`); `x-ratelimit-global` blocks every route. 5xx answers are
 *   retried at once up to 3 times. Other 4xx answers reject with `DiscordAPIError` (`code`,
 *   `status`, `rawError`; `message` flattens `errors`, e.g. "content[BASE_TYPE_MAX_LENGTH]: …").
 * - Replies: `message.reply()` posts `message_reference: { message_id, fail_if_not_exists: true }`
 *   and sends `allowed_mentions` only when given (or set on the client), `repliedUser` renamed to
 *   `replied_user`.
 * - Interactions: `reply`/`deferReply` call `POST /interactions/:id/:token/callback?with_response=false`
 *   without a bot token (Discord answers 204); `flags: MessageFlags.Ephemeral` arrives as
 *   `data.flags: 64`. `editReply` is `PATCH /webhooks/:appId/:token/messages/@original`, `followUp`
 *   is `POST /webhooks/:appId/:token?wait=true`.
 * - RECONNECT (op 7) closes with 4200 and, 500 ms later, RESUMEs on `resume_gateway_url`; a second
 *   IDENTIFY within 5 s of the first would wait for the identify throttle instead.
 */

const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.DirectMessages,
];

/** The bot's configuration, pointed at the fake. */
function makeClient(server: FakeDiscordServer, options: Partial<ClientOptions> = {}): Client {
  return new Client({
    intents: INTENTS,
    partials: [Partials.Channel],
    rest: { api: server.apiUrl },
    ...options,
  });
}

/** The next `event` whose arguments pass `accept`; rejects after `timeoutMs`. */
function nextEvent<E extends keyof ClientEvents>(
  client: Client,
  event: E,
  accept: (...args: ClientEvents[E]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<ClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: ClientEvents[E]): void => {
      if (!accept(...args)) return;
      cleanup();
      resolve(args);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${String(event)} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off(event, listener);
    };
    client.on(event, listener);
  });
}

/** Logs in and waits for `clientReady` (all guilds received), not just READY. */
async function loginAndWaitReady(client: Client, token: string): Promise<void> {
  const ready = nextEvent(client, 'clientReady');
  await client.login(token);
  await ready;
}

/** The rejection reason of `promise`; fails the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

function sendable(client: Client, channelId: string): SendableChannels {
  const channel = client.channels.cache.get(channelId);
  if (!channel?.isSendable()) throw new Error(`channel ${channelId} is not cached or not sendable`);
  return channel;
}

describe('fake Discord server with a logged-in discord.js client', () => {
  let server: FakeDiscordServer;
  let client: Client;
  let guild: FakeGuild;
  let general: FakeChannel;
  let category: FakeChannel;
  let alice: FakeUser;
  let botId: string;

  beforeAll(async () => {
    server = await startFakeDiscordServer({ heartbeatIntervalMs: 200 });
    guild = server.addGuild({
      name: 'Test Guild',
      channels: [{ name: 'general' }, { name: 'Text Channels', type: ChannelType.GuildCategory }],
    });
    [general, category] = guild.channels as [FakeChannel, FakeChannel];
    alice = server.addUser({ username: 'alice', globalName: 'Alice' });
    botId = server.botUser.id;
    client = makeClient(server);
    await loginAndWaitReady(client, server.token);
  });

  afterAll(async () => {
    await client.destroy();
    await server.close();
  });

  it('logs in: READY, GUILD_CREATE with channels, IDENTIFY with the configured intents, heartbeats', async () => {
    expect(client.isReady()).toBe(true);
    expect(client.user?.id).toBe(botId);
    expect(client.user?.bot).toBe(true);
    expect(client.application?.id).toBe(server.applicationId);

    const cached = client.guilds.cache.get(guild.id);
    expect(cached?.name).toBe('Test Guild');
    expect(cached?.available).toBe(true);
    expect(cached?.channels.cache.get(general.id)?.name).toBe('general');
    expect(cached?.channels.cache.get(general.id)?.type).toBe(ChannelType.GuildText);
    expect(cached?.channels.cache.get(category.id)?.type).toBe(ChannelType.GuildCategory);
    expect(cached?.members.me?.id).toBe(botId);
    expect(cached?.roles.everyone.id).toBe(guild.id);

    const [identify] = server.identifyPayloads();
    expect(identify).toMatchObject({ token: server.token, shard: [0, 1], compress: false });
    expect(identify?.intents).toBe(
      GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.DirectMessages,
    );
    expect(server.gatewayUrls()[0]).toBe('/gateway?v=10&encoding=json');
    const gatewayBot = server.requests.find((r) => r.path === '/gateway/bot');
    expect(gatewayBot).toMatchObject({ method: 'GET', status: 200 });
    expect(gatewayBot?.headers.authorization).toBe(`Bot ${server.token}`);
    expect(server.gatewayConnections()).toBe(1);

    // heartbeat_interval 200 ms: a HEARTBEAT_ACK gives the shard a ping
    await server.waitFor(() => client.ws.ping >= 0, 2_000);
  });

  it('delivers a mention to messageCreate and records the reply with its reference and allowed_mentions', async () => {
    const received = nextEvent(client, 'messageCreate', (m) => m.author.id === alice.id);
    const sent = server.createMessage({
      channelId: general.id,
      author: alice,
      content: `<@${botId}> hello there`,
    });
    const [message] = await received;
    expect(message.id).toBe(sent.id);
    expect(message.content).toBe(`<@${botId}> hello there`);
    expect(message.mentions.users.has(botId)).toBe(true);
    expect(message.guildId).toBe(guild.id);
    expect(message.member?.id).toBe(alice.id);
    expect(message.author.bot).toBe(false);

    // Discord echoes the bot's own message back: a bot must ignore its own messages
    const echo = nextEvent(client, 'messageCreate', (m) => m.author.id === botId);
    const reply = await message.reply({
      content: 'hi alice',
      allowedMentions: { parse: [], repliedUser: true },
    });
    expect(reply.reference?.messageId).toBe(sent.id);
    expect(reply.mentions.repliedUser?.id).toBe(alice.id);

    const stored = server.messagesIn(general.id).find((m) => m.id === reply.id);
    expect(stored?.content).toBe('hi alice');
    expect(stored?.type).toBe(19);
    expect(stored?.messageReference).toEqual({
      type: 0,
      message_id: sent.id,
      channel_id: general.id,
      guild_id: guild.id,
    });
    expect(stored?.body?.message_reference).toEqual({
      message_id: sent.id,
      fail_if_not_exists: true,
    });
    expect(stored?.allowedMentions).toEqual({ parse: [], replied_user: true });
    expect(stored?.mentions).toEqual({ users: [alice.id], roles: [], everyone: false });

    const [echoed] = await echo;
    expect(echoed.id).toBe(reply.id);
  });

  it('applies allowed_mentions to what the bot writes, as Discord does', async () => {
    const channel = sendable(client, general.id);
    const muted = await channel.send({
      content: `@everyone <@${alice.id}> look`,
      allowedMentions: { parse: [] },
    });
    expect(server.message(muted.id)?.mentions).toEqual({ users: [], roles: [], everyone: false });
    expect(muted.mentions.everyone).toBe(false);

    const loud = await channel.send(`@everyone <@${alice.id}> look`);
    expect(server.message(loud.id)?.allowedMentions).toBeUndefined();
    expect(server.message(loud.id)?.mentions).toEqual({
      users: [alice.id],
      roles: [],
      everyone: true,
    });
  });

  it('blanks guild message content that does not mention the bot (no MessageContent intent)', async () => {
    const received = nextEvent(client, 'messageCreate', (m) => m.author.id === alice.id);
    const sent = server.createMessage({
      channelId: general.id,
      author: alice,
      content: 'chatting with friends',
    });
    const [message] = await received;
    expect(message.id).toBe(sent.id);
    expect(message.content).toBe('');
    expect(server.message(sent.id)?.content).toBe('chatting with friends');
  });

  it('delivers a DM (channel type 1, partial channel) and takes the reply', async () => {
    const received = nextEvent(
      client,
      'messageCreate',
      (m) => m.author.id === alice.id && m.channel.type === ChannelType.DM,
    );
    const sent = server.createMessage({ author: alice, content: 'hi in private' });
    const [message] = await received;
    expect(message.id).toBe(sent.id);
    expect(message.content).toBe('hi in private'); // DMs always carry content
    expect(message.guild).toBeNull();
    const dm = server.dmChannelFor(alice);
    expect(message.channelId).toBe(dm.id);

    await message.reply('private answer');
    expect(server.messagesIn(dm.id).map((m) => m.content)).toEqual(['private answer']);

    // a DM the bot starts: POST /users/@me/channels then the message; same channel
    const opened = await client.users.send(alice.id, 'are you still there?');
    expect(opened.channelId).toBe(dm.id);
    expect(server.messagesIn(dm.id).map((m) => m.content)).toEqual([
      'private answer',
      'are you still there?',
    ]);
  });

  it('creates a thread (THREAD_CREATE) and delivers and answers a message in it', async () => {
    const threadCreated = nextEvent(client, 'threadCreate');
    const thread = server.addThread(general.id, { name: 'a topic', owner: alice });
    const [created] = await threadCreated;
    expect(created.id).toBe(thread.id);
    expect(created.parentId).toBe(general.id);
    expect(created.name).toBe('a topic');

    const received = nextEvent(client, 'messageCreate', (m) => m.channelId === thread.id);
    server.createMessage({
      channelId: thread.id,
      author: alice,
      content: `<@${botId}> in a thread`,
    });
    const [message] = await received;
    expect(message.channel.isThread()).toBe(true);
    expect(message.guildId).toBe(guild.id);

    await message.reply('thread answer');
    expect(server.messagesIn(thread.id).map((m) => m.content)).toEqual(['thread answer']);
  });

  it('rejects content over 2,000 characters and empty messages with DiscordAPIError', async () => {
    const channel = sendable(client, general.id);
    const before = server.messagesIn(general.id).length;

    const tooLong = await rejectionOf(channel.send('x'.repeat(2_001)));
    expect(tooLong).toBeInstanceOf(DiscordAPIError);
    expect(tooLong).toMatchObject({ code: 50035, status: 400, method: 'POST' });
    expect((tooLong as DiscordAPIError).message).toContain('Must be 2000 or fewer in length.');
    expect((tooLong as DiscordAPIError).rawError).toEqual({
      message: 'Invalid Form Body',
      code: 50035,
      errors: {
        content: {
          _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }],
        },
      },
    });

    const empty = await rejectionOf(channel.send({ content: '' }));
    expect(empty).toMatchObject({ code: 50006, status: 400 });

    expect(server.messagesIn(general.id)).toHaveLength(before);
    await channel.send('y'.repeat(2_000));
    expect(server.messagesIn(general.id)).toHaveLength(before + 1);
  });

  it('answers 429 with the headers discord.js reads; the message is retried and posted once', async () => {
    const channel = sendable(client, general.id);
    const path = `/channels/${general.id}/messages`;
    server.failNext('POST', path, { status: 429, retryAfter: 1 });
    const rateLimited = new Promise<{ retryAfter: number; global: boolean }>((resolve) =>
      client.rest.once('rateLimited', resolve),
    );

    const started = Date.now();
    await channel.send('after the rate limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);

    const posts = server.requests.filter(
      (r) => r.method === 'POST' && r.path === path && r.at >= started,
    );
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(
      server.messagesIn(general.id).filter((m) => m.content === 'after the rate limit'),
    ).toHaveLength(1);
    const info = await rateLimited;
    expect(info.global).toBe(false);
    expect(info.retryAfter).toBeGreaterThan(0);
  });

  it('answers a global 429 (x-ratelimit-global) that discord.js also waits out', async () => {
    const channel = sendable(client, general.id);
    const path = `/channels/${general.id}/typing`;
    server.failNext('POST', path, { status: 429, retryAfter: 1, global: true });
    const before = server.typingIn(general.id);
    const started = Date.now();
    await channel.sendTyping();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const calls = server.requests.filter((r) => r.path === path && r.at >= started);
    expect(calls.map((r) => r.status)).toEqual([429, 204]);
    expect(server.typingIn(general.id)).toBe(before + 1);
  });

  it('surfaces 403 Missing Permissions as DiscordAPIError 50013; 5xx is retried by discord.js', async () => {
    const channel = sendable(client, general.id);
    const path = `/channels/${general.id}/messages`;
    const before = server.messagesIn(general.id).length;

    server.failNext('POST', path, { status: 403 });
    const forbidden = await rejectionOf(channel.send('not allowed'));
    expect(forbidden).toBeInstanceOf(DiscordAPIError);
    expect(forbidden).toMatchObject({ code: 50013, status: 403, message: 'Missing Permissions' });
    expect(server.messagesIn(general.id)).toHaveLength(before);

    const started = Date.now();
    server.failNext('POST', path, { status: 500 });
    await channel.send('after a 500');
    const posts = server.requests.filter((r) => r.path === path && r.at >= started);
    expect(posts.map((r) => r.status)).toEqual([500, 200]);

    server.failNext('POST', path, { status: 503 }, 4);
    const unavailable = await rejectionOf(channel.send('never'));
    expect(unavailable).toMatchObject({ name: 'HTTPError', status: 503 });
    expect(server.messagesIn(general.id).map((m) => m.content)).not.toContain('never');
  });

  it('takes an ephemeral interaction reply (callback type 4, flags 64)', async () => {
    const received = nextEvent(client, 'interactionCreate');
    const sent = server.createInteraction({
      name: 'ask',
      user: alice,
      channelId: general.id,
      options: { question: 'why?', verbose: true },
    });
    const [interaction] = await received;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    expect(interaction.id).toBe(sent.id);
    expect(interaction.commandName).toBe('ask');
    expect(interaction.options.getString('question')).toBe('why?');
    expect(interaction.options.getBoolean('verbose')).toBe(true);
    expect(interaction.user.id).toBe(alice.id);
    expect(interaction.guildId).toBe(guild.id);
    expect(interaction.channelId).toBe(general.id);

    await interaction.reply({ content: 'only you can see this', flags: MessageFlags.Ephemeral });
    const record = server.interactionResponses(sent.id);
    expect(record.callback).toMatchObject({
      type: 4,
      data: { content: 'only you can see this', flags: 64 },
    });
    expect(record.original?.content).toBe('only you can see this');
    expect(record.original?.flags).toBe(64);
    expect(server.messagesIn(general.id).some((m) => m.interactionId === sent.id)).toBe(false);

    const callback = server.requests.find(
      (r) => r.path === `/interactions/${sent.id}/${sent.token}/callback`,
    );
    expect(callback?.headers.authorization).toBeUndefined();
    expect(callback?.status).toBe(204);
  });

  it('takes deferReply + editReply + followUp (type 5, then PATCH @original, then a webhook POST)', async () => {
    const received = nextEvent(client, 'interactionCreate');
    const sent = server.createInteraction({ name: 'ask', user: alice, channelId: general.id });
    const [interaction] = await received;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');

    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const record = server.interactionResponses(sent.id);
    expect(record.callback).toMatchObject({ type: 5, data: { flags: 64 } });
    expect(record.original?.flags).toBe(64 | 128); // ephemeral + loading

    const edited = await interaction.editReply('done thinking');
    expect(edited.content).toBe('done thinking');
    expect(record.original?.content).toBe('done thinking');
    expect(record.original?.flags).toBe(64);
    expect(record.original?.edits.map((e) => e.content)).toEqual(['done thinking']);

    const followUp = await interaction.followUp({ content: 'one more thing' });
    expect(record.followUps.map((m) => m.content)).toEqual(['one more thing']);
    expect(server.messagesIn(general.id).find((m) => m.id === followUp.id)?.interactionId).toBe(
      sent.id,
    );
  });

  it('refuses an interaction acknowledged too late (10062) and one acknowledged twice (40060)', async () => {
    const received = nextEvent(client, 'interactionCreate');
    const late = server.createInteraction({
      name: 'ask',
      user: alice,
      channelId: general.id,
      ackTimeoutMs: 20,
    });
    const [interaction] = await received;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    await sleep(50);
    const error = await rejectionOf(interaction.deferReply());
    expect(error).toMatchObject({ code: 10062, status: 404 });
    expect(server.interactionResponses(late.id).callback).toBeUndefined();

    const twice = server.createInteraction({ name: 'ask', user: alice, channelId: general.id });
    const callback = `${server.apiUrl}/v10/interactions/${twice.id}/${twice.token}/callback`;
    const post = (): Promise<Response> =>
      fetch(callback, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 4, data: { content: 'hi' } }),
      });
    expect((await post()).status).toBe(204);
    const again = await post();
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ code: 40060 });
  });

  it('answers a slash command used in a DM', async () => {
    const received = nextEvent(client, 'interactionCreate');
    const sent = server.createInteraction({ name: 'forget', user: alice });
    const [interaction] = await received;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    expect(interaction.guildId).toBeNull();
    expect(interaction.channel?.type).toBe(ChannelType.DM);
    await interaction.reply('forgotten');
    expect(server.messagesIn(server.dmChannelFor(alice).id).at(-1)?.content).toBe('forgotten');
    expect(server.interactionResponses(sent.id).callback?.type).toBe(4);
  });

  it('stores global commands from commands.set() and returns them from fetch(); validates names', async () => {
    const application = client.application;
    if (!application) throw new Error('no application after login');
    const set = await application.commands.set([
      {
        name: 'ask',
        description: 'Ask the bot',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'question',
            description: 'What to ask',
            required: true,
          },
        ],
      },
      { name: 'forget', description: 'Forget this conversation' },
    ]);
    expect(set.size).toBe(2);
    expect(server.registeredCommands().map((c) => c.name)).toEqual(['ask', 'forget']);
    const askId = server.registeredCommands()[0]?.id;

    const fetched = await application.commands.fetch();
    expect([...fetched.values()].map((c) => c.name).sort()).toEqual(['ask', 'forget']);
    expect(fetched.get(askId ?? '')?.options[0]).toMatchObject({
      name: 'question',
      required: true,
    });

    // a bulk overwrite replaces the set and keeps the id of a command with the same name
    const replaced = await application.commands.set([{ name: 'ask', description: 'Ask again' }]);
    expect(replaced.first()?.id).toBe(askId);
    expect(server.registeredCommands().map((c) => c.description)).toEqual(['Ask again']);

    const invalid = await rejectionOf(
      application.commands.set([{ name: 'Ask Me', description: 'spaces and capitals' }]),
    );
    expect(invalid).toMatchObject({ code: 50035, status: 400 });
    expect(server.registeredCommands()).toHaveLength(1);

    // an invocation of a registered command carries its id
    const received = nextEvent(client, 'interactionCreate');
    server.createInteraction({ name: 'ask', user: alice, channelId: general.id });
    const [interaction] = await received;
    expect(interaction.isChatInputCommand() && interaction.commandId).toBe(askId);
  });

  it('counts typing indicators', async () => {
    const channel = sendable(client, general.id);
    const before = server.typingIn(general.id);
    await channel.sendTyping();
    await channel.sendTyping();
    expect(server.typingIn(general.id)).toBe(before + 2);
  });

  it('resumes after RECONNECT and replays what was dispatched while disconnected', async () => {
    const identifiesBefore = server.identifyPayloads().length;
    const seen: string[] = [];
    const collect = (message: { id: string }): void => {
      seen.push(message.id);
    };
    client.on('messageCreate', collect);
    try {
      const resumed = nextEvent(client, 'shardResume');
      server.requestReconnect();
      await server.waitFor(() => server.gatewayConnections() === 0, 2_000);
      const sent = server.createMessage({
        channelId: general.id,
        author: alice,
        content: `<@${botId}> while you were away`,
      });
      const [, replayed] = await resumed;
      expect(replayed).toBeGreaterThanOrEqual(1);
      await server.waitFor(() => seen.includes(sent.id));
      await sleep(50);
      expect(seen.filter((id) => id === sent.id)).toHaveLength(1);
    } finally {
      client.off('messageCreate', collect);
    }
    expect(server.identifyPayloads()).toHaveLength(identifiesBefore);
    expect(server.resumePayloads().at(-1)?.token).toBe(server.token);
    expect(server.gatewayUrls().at(-1)).toBe('/gateway/resume?v=10&encoding=json');
    expect(client.isReady()).toBe(true);
  });

  it('rejects login with a wrong token: REST 401 becomes TokenInvalid', async () => {
    const intruder = makeClient(server);
    try {
      const error = await rejectionOf(intruder.login('not-the-token'));
      expect(error).toMatchObject({
        code: 'TokenInvalid',
        message: 'An invalid token was provided.',
      });
      const last = server.requests.filter((r) => r.path === '/gateway/bot').at(-1);
      expect(last?.status).toBe(401);
      expect(server.gatewayConnections()).toBe(1); // only the logged-in client
    } finally {
      await intruder.destroy();
    }
  });

  it('speaks the raw gateway protocol: 4004 on a wrong IDENTIFY token, zlib-stream on request', async () => {
    const wrong = new WebSocket(`${server.gatewayUrl}?v=10&encoding=json`);
    const [hello] = (await once(wrong, 'message')) as [Buffer];
    expect(JSON.parse(hello.toString())).toMatchObject({ op: 10, d: { heartbeat_interval: 200 } });
    wrong.send(JSON.stringify({ op: 2, d: { token: 'wrong', intents: 513, properties: {} } }));
    const [code, reason] = (await once(wrong, 'close')) as [number, Buffer];
    expect(code).toBe(4004);
    expect(reason.toString()).toBe('Authentication failed.');

    const compressed = new WebSocket(
      `${server.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`,
    );
    const chunks: Buffer[] = [];
    compressed.on('message', (data: Buffer) => chunks.push(data));
    const inflated = (): string =>
      inflateSync(Buffer.concat(chunks), { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString();
    await once(compressed, 'open');
    await server.waitFor(() => chunks.length > 0 && inflated().includes('"op":10'));
    compressed.send(
      JSON.stringify({ op: 2, d: { token: server.token, intents: 1, properties: {} } }),
    );
    await server.waitFor(() => inflated().includes('"t":"GUILD_CREATE"'));
    expect(inflated()).toContain('"t":"READY"');
    compressed.close(1000);
    await once(compressed, 'close');
  });
});

describe('fake Discord server: sharding, intents, token revocation, shutdown', () => {
  it('routes guilds to shards by (guild_id >> 22) % shards and shows content with MessageContent', async () => {
    const server = await startFakeDiscordServer({ shards: 2, maxConcurrency: 2 });
    // (id >> 22) is even for the first id and odd for the second
    const onShard0 = server.addGuild({ id: '1000000000004194304', name: 'even' });
    const onShard1 = server.addGuild({ id: '1000000000000000000', name: 'odd' });
    const bob = server.addUser({ username: 'bob' });
    const client = makeClient(server, {
      intents: [...INTENTS, GatewayIntentBits.MessageContent],
      shards: 'auto', // without it discord.js runs `shardCount` (default 1) shards, ignoring the advice
    });
    try {
      await loginAndWaitReady(client, server.token);
      const shards = server.identifyPayloads().map((identify) => identify.shard);
      expect(shards).toHaveLength(2);
      expect(shards).toEqual(
        expect.arrayContaining([
          [0, 2],
          [1, 2],
        ]),
      );
      expect(client.guilds.cache.get(onShard0.id)?.shardId).toBe(0);
      expect(client.guilds.cache.get(onShard1.id)?.shardId).toBe(1);

      const seen: string[] = [];
      client.on('messageCreate', (message) => {
        seen.push(message.content);
      });
      const channelId = onShard1.channels[0]?.id ?? '';
      server.createMessage({ channelId, author: bob, content: 'no mention needed' });
      await server.waitFor(() => seen.length > 0);
      await sleep(50);
      expect(seen).toEqual(['no mention needed']); // once, from shard 1, content intact
    } finally {
      await client.destroy();
      await server.close();
    }
  });

  it('closes with 4014 when a privileged intent is not enabled; login rejects', async () => {
    const server = await startFakeDiscordServer({ privilegedIntents: 0 });
    server.addGuild();
    const client = makeClient(server, {
      intents: [...INTENTS, GatewayIntentBits.MessageContent],
    });
    try {
      const error = await rejectionOf(client.login(server.token));
      expect((error as Error).message).toBe('Used disallowed intents');
    } finally {
      await client.destroy();
      await server.close();
    }
  });

  it('revokeToken(): the gateway closes with 4004 and REST answers 401', async () => {
    const server = await startFakeDiscordServer();
    const { channels } = server.addGuild();
    const channelId = channels[0]?.id ?? '';
    const client = makeClient(server);
    try {
      await loginAndWaitReady(client, server.token);
      const disconnected = nextEvent(client, 'shardDisconnect');
      const shardError = nextEvent(client, 'shardError');
      server.revokeToken();
      const [event] = await disconnected;
      expect(event.code).toBe(4004);
      const [error] = await shardError;
      expect(error.message).toBe('Authentication failed');

      const refused = await rejectionOf(sendable(client, channelId).send('still here?'));
      expect(refused).toMatchObject({ status: 401, code: 0 });
    } finally {
      await client.destroy();
      await server.close();
    }
  });

  it('client.destroy() and close() finish promptly and leave no connection behind', async () => {
    const server = await startFakeDiscordServer();
    server.addGuild();
    const client = makeClient(server);
    await loginAndWaitReady(client, server.token);
    expect(server.gatewayConnections()).toBe(1);

    const started = Date.now();
    await client.destroy();
    await server.waitFor(() => server.gatewayConnections() === 0, 1_000);
    await server.close();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
