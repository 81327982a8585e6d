import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { PlatformStartError } from '../../src/platforms/shared/start-error.js';
import { lastUserText } from '../doubles/fake-openai-server.js';
import {
  startFakeDiscordServer,
  type FakeChannel,
  type FakeDiscordServer,
  type FakeGuild,
  type FakeUser,
  type StoredMessage,
} from '../doubles/fake-discord-server.js';
import { startProgram } from '../support/program.js';
import { useE2EApp } from '../support/e2e-app.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-token_for-tests';

/**
 * The real discord.js client of the project (built by createApp, as `npm start` builds it)
 * against the fake Discord REST + gateway, with the real ChatOpenAI against the fake OpenAI
 * server and real Redis.
 */
describe('Discord end to end', () => {
  const e2e = useE2EApp('discord');
  let discord: FakeDiscordServer;
  let env: Record<string, string>;
  let guild: FakeGuild;
  let general: FakeChannel;
  let random: FakeChannel;
  let alice: FakeUser;
  let bob: FakeUser;
  let bot: FakeUser;

  beforeEach(async () => {
    // A fresh Discord per test: no event of one test reaches the bot of the next.
    discord = await startFakeDiscordServer({ token: TOKEN, botUsername: 'parrot' });
    guild = discord.addGuild({
      name: 'Test Guild',
      channels: [{ name: 'general' }, { name: 'random' }],
      roles: [{ name: 'moderators' }],
    });
    [general, random] = guild.channels as [FakeChannel, FakeChannel];
    alice = discord.addUser({ username: 'alice', globalName: 'Alice' });
    bob = discord.addUser({ username: 'bob', globalName: 'Bob' });
    bot = discord.botUser;
    env = {
      ...e2e.baseEnv('sk-discord-e2e'),
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      STREAM_REPLIES: 'false',
      LLM_TIMEOUT_MS: '5000',
    };
  });
  afterEach(async () => {
    await e2e.stop(5000);
    await discord.close();
  });

  const startBot = (overrides: Record<string, string> = {}): Promise<App> =>
    e2e.start({ ...env, ...overrides });

  const botMessages = (channelId: string): StoredMessage[] =>
    discord.messagesIn(channelId).filter((m) => m.author.id === bot.id);

  /** A user writes; resolves with the bot's new messages in that channel once they stop coming. */
  async function say(author: FakeUser, content: string, channelId?: string, extra = {}) {
    const channel = channelId ?? discord.dmChannelFor(author).id;
    const before = botMessages(channel).length;
    const sent = discord.createMessage({ channelId, author, content, ...extra });
    await discord.waitFor(() => botMessages(channel).length > before, 8000);
    await new Promise((r) => setTimeout(r, 200));
    return { sent, replies: botMessages(channel).slice(before) };
  }

  const promptOf = (index: number) =>
    e2e.openai.requests[index]!.body!.messages.map((m) => String(m.content));
  const at = () => `<@${bot.id}>`;

  it('answers a mention with a reply to the message, typing first, pinging no one else', async () => {
    await startBot();
    const { sent, replies } = await say(alice, `${at()} what is 2+2?`, general.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({
      content: 'echo: what is 2+2?',
      messageReference: { message_id: sent.id, channel_id: general.id },
    });
    expect(discord.typingIn(general.id)).toBeGreaterThanOrEqual(1);
    expect(replies[0]!.allowedMentions).toMatchObject({ parse: [], users: [], roles: [] });
    expect(promptOf(0)[0]).toContain(
      'You are chatting on Discord with a person whose display name is "Alice"',
    );
  });

  it('ignores messages that do not mention it, @everyone and role mentions, without a model call', async () => {
    await startBot();
    discord.createMessage({ channelId: general.id, author: alice, content: 'hello everyone' });
    discord.createMessage({
      channelId: general.id,
      author: alice,
      content: '@everyone look',
      mentionEveryone: true,
    });
    discord.createMessage({
      channelId: general.id,
      author: alice,
      content: `<@&${guild.botRoleId}> ping the role`,
      mentionRoles: [guild.botRoleId],
    });
    await say(alice, `${at()} now you`, general.id);
    expect(e2e.openai.requests).toHaveLength(1);
    expect(lastUserText(e2e.openai.requests[0]!.body!)).toBe('now you');
  });

  it('answers a reply to one of its messages, and DMs', async () => {
    await startBot();
    const first = await say(alice, `${at()} first`, general.id);
    const reply = await say(alice, 'and a follow-up', general.id, {
      referencedMessageId: first.replies[0]!.id,
      mentionRepliedUser: true,
    });
    expect(reply.replies[0]!.content).toBe('echo: and a follow-up');
    const dm = await say(bob, 'hi in private');
    expect(dm.replies[0]!.content).toBe('echo: hi in private');
  });

  it('turns other mentions into readable names before the model sees them', async () => {
    await startBot();
    const role = guild.roles.find((r) => r.name === 'moderators')!;
    await say(
      alice,
      `${at()} tell <@${bob.id}> and <@&${role.id}> about <#${random.id}>`,
      general.id,
      { mentions: [bob], mentionRoles: [role.id] },
    );
    expect(lastUserText(e2e.openai.requests[0]!.body!)).toBe(
      'tell @Bob and @moderators about #random',
    );
  });

  it('keeps users, channels, threads and DMs apart', async () => {
    await startBot();
    const thread = discord.addThread(general.id, { name: 'a thread', owner: alice });
    await new Promise((r) => setTimeout(r, 100));
    await say(alice, `${at()} alice secret: blue`, general.id);
    await say(bob, `${at()} what is the secret?`, general.id);
    await say(alice, `${at()} and here?`, random.id);
    await say(alice, `${at()} in the thread?`, thread.id);
    await say(alice, 'in DM?');
    for (const i of [1, 2, 3, 4]) expect(promptOf(i).join('\n')).not.toContain('blue');
    await say(alice, `${at()} again`, general.id);
    expect(promptOf(5).join('\n')).toContain('alice secret: blue');
  });

  it('/forget (here and everywhere) and /memory, answered ephemerally', async () => {
    const started = await startBot();
    expect(
      discord
        .registeredCommands()
        .map((c) => c.name)
        .sort(),
    ).toEqual(['forget', 'memory', 'model', 'persona', 'remember', 'usage']);
    await say(alice, `${at()} I like oolong`, general.id);
    await say(alice, 'I like espresso');

    const command = async (
      name: string,
      options?: Record<string, string>,
      channelId = general.id,
    ) => {
      const interaction = discord.createInteraction({ name, user: alice, channelId, options });
      await discord.waitFor(
        () => discord.interactionResponses(interaction.id).original?.edits.length === 1,
        5000,
      );
      const record = discord.interactionResponses(interaction.id);
      expect(record.callback).toMatchObject({ type: 5, data: { flags: 64 } });
      expect(record.original!.flags & 64).toBe(64);
      return record.original!.content;
    };
    expect(await command('memory')).toMatch(/^2 recent messages/);
    expect(await command('forget')).toBe('Done: I have forgotten our conversation here.');
    expect(await command('memory')).toMatch(
      /^I do not remember anything of this conversation yet\./,
    );
    const dm = discord.dmChannelFor(alice).id;
    expect(await command('memory', undefined, dm)).toMatch(/^2 recent messages/);
    expect(await command('forget', { scope: 'everywhere' })).toBe(
      'Done: I have forgotten all our conversations (1).',
    );
    expect(await command('memory', undefined, dm)).toMatch(
      /^I do not remember anything of this conversation yet\./,
    );
    await say(alice, 'what do I like?');
    expect(promptOf(2).join('\n')).not.toContain('espresso');

    // Registration happens only when the commands changed.
    await started.stop(1000);
    const puts = () =>
      discord.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/commands')).length;
    const before = puts();
    await startBot();
    expect(puts()).toBe(before);
  });

  it('delivers a 7,000-character answer with a code block in valid pieces', async () => {
    await startBot();
    const prose = 'Some explanation with **bold** words and more text to read. '.repeat(32);
    const code =
      '```python\n' +
      Array.from({ length: 120 }, (_, i) => `print("line ${i}")  # comment`).join('\n') +
      '\n```';
    const answer = `${prose}\n\n${code}\n\n${prose}`;
    expect(answer.length).toBeGreaterThan(7000);
    e2e.openai.enqueue({ text: answer });
    const before = botMessages(general.id).length;
    discord.createMessage({ channelId: general.id, author: alice, content: `${at()} long please` });
    await discord.waitFor(() => botMessages(general.id).length - before >= 4, 8000);
    await new Promise((r) => setTimeout(r, 300));
    const pieces = botMessages(general.id).slice(before);
    for (const piece of pieces) {
      expect(piece.content.length).toBeLessThanOrEqual(2000);
      expect((piece.content.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(pieces[0]!.messageReference).toBeDefined();
    const all = pieces.map((p) => p.content).join('\n');
    expect(all.match(/print\("line \d+"\)/g)).toHaveLength(120);
    for (const piece of pieces.filter((p) => p.content.includes('print(')))
      expect(piece.content).toContain('```python');
  });

  it('never pings @everyone, roles or users from model output', async () => {
    await startBot();
    const role = guild.roles.find((r) => r.name === 'moderators')!;
    e2e.openai.enqueue({ text: `Hey @everyone and @here, <@&${role.id}> and <@${bob.id}>!` });
    const { replies } = await say(alice, `${at()} ping people`, general.id);
    expect(replies[0]!.content).toContain('@everyone');
    expect(replies[0]!.body!.allowed_mentions).toEqual({
      parse: [],
      users: [],
      roles: [],
      replied_user: true,
    });
    expect(replies[0]!.mentions.everyone).toBe(false);
    expect(replies[0]!.mentions.roles).toEqual([]);
    expect(replies[0]!.mentions.users.filter((id) => id !== alice.id)).toEqual([]);
  });

  it('retries a 429 on the message post and delivers once', async () => {
    await startBot();
    discord.failNext('POST', `/channels/${general.id}/messages`, { status: 429, retryAfter: 1 });
    const started = Date.now();
    const { replies } = await say(alice, `${at()} rate limited?`, general.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(replies.filter((m) => m.content === 'echo: rate limited?')).toHaveLength(1);
  });

  it('survives a channel it may not write to, and apologises for a failed model call', async () => {
    await startBot();
    discord.failNext('POST', `/channels/${general.id}/messages`, {
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
    });
    discord.createMessage({
      channelId: general.id,
      author: alice,
      content: `${at()} can you answer?`,
    });
    await discord.waitFor(() => e2e.openai.requests.length === 1, 5000);
    await new Promise((r) => setTimeout(r, 300));
    e2e.openai.setHandler(() => ({ status: 500 }));
    const { replies } = await say(alice, `${at()} still alive?`, general.id);
    expect(replies.at(-1)!.content).toBe(
      'Sorry, I cannot reach my language model right now. Please try again in a moment.',
    );
  });

  it('streams by editing one message at most about once every 1.2 s', async () => {
    await startBot({ STREAM_REPLIES: 'true' });
    const words = Array.from({ length: 24 }, (_, i) => `word${i} `);
    e2e.openai.enqueue({ text: words.join('').trim(), chunks: words, chunkDelayMs: 150 });
    const before = botMessages(general.id).length;
    discord.createMessage({
      channelId: general.id,
      author: alice,
      content: `${at()} stream please`,
    });
    await discord.waitFor(
      () => botMessages(general.id)[before]?.content === words.join('').trim(),
      10_000,
    );
    const [message] = botMessages(general.id).slice(before);
    expect(botMessages(general.id).slice(before)).toHaveLength(1);
    expect(message!.edits.length).toBeGreaterThanOrEqual(2);
    const times = message!.edits.map((e) => e.at);
    for (let i = 1; i < times.length - 1; i++)
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1100);
  });

  it('answers only in allowed servers: silence elsewhere, a polite refusal in DMs and commands', async () => {
    const other = discord.addGuild({ name: 'Other' });
    await startBot({ DISCORD_ALLOWED_GUILD_IDS: other.id });
    discord.createMessage({ channelId: general.id, author: alice, content: `${at()} hello?` });
    const dm = await say(alice, 'let me in');
    expect(dm.replies[0]!.content).toMatch(/^Sorry, I am not available to you here/);
    const inOther = await say(alice, `${at()} here?`, other.channels[0]!.id);
    expect(inOther.replies[0]!.content).toBe('echo: here?');
    expect(e2e.openai.requests).toHaveLength(1);
    const interaction = discord.createInteraction({
      name: 'memory',
      user: alice,
      channelId: general.id,
    });
    await discord.waitFor(
      () => discord.interactionResponses(interaction.id).original?.edits.length === 1,
      5000,
    );
    expect(discord.interactionResponses(interaction.id).original!.content).toMatch(
      /^Sorry, I am not available/,
    );
  });

  it('fails start-up clearly on a bad token', async () => {
    const error = await startBot({ DISCORD_TOKEN: 'MTIz.wrong.token-token-token' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlatformStartError);
    expect((error as Error).message).toMatch(/^Discord rejected DISCORD_TOKEN/);
  });

  it('fails start-up clearly when the Message Content intent is asked for but not enabled', async () => {
    await discord.close();
    discord = await startFakeDiscordServer({ token: TOKEN, privilegedIntents: 0 });
    const error = await startBot({
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_MESSAGE_CONTENT: 'true',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformStartError);
    expect((error as Error).message).toMatch(/^Discord refused the gateway intents/);
  });

  it('the real program stops cleanly on SIGTERM', async () => {
    const program = startProgram('main.ts', { LOG_LEVEL: 'info', ...env });
    await discord.waitFor(() => program.stdout().includes('discord client ready'), 15_000);
    await say(bob, 'hello from the real process');
    program.child.kill('SIGTERM');
    expect(await program.exited).toBe(0);
    expect(program.stdout()).toContain('"msg":"stopped"');
    expect(program.stdout()).not.toContain(TOKEN);
  });
});
