import { beforeEach, describe, expect, it } from 'vitest';
import { PlatformStartError } from '../../src/platforms/shared/start-error.js';
import { lastUserText } from '../doubles/fake-openai-server.js';
import { startFakeDiscordServer, type FakeChannel } from '../doubles/fake-discord-server.js';
import { startProgram } from '../support/program.js';
import { useDiscordE2E } from '../support/discord-e2e.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-token_for-tests';

/**
 * The real discord.js client of the project (built by createApp, as `npm start` builds it)
 * against the fake Discord REST + gateway, with the real ChatOpenAI against the fake OpenAI
 * server and real Redis.
 */
describe('Discord end to end', () => {
  const dc = useDiscordE2E('discord', {
    token: TOKEN,
    apiKey: 'sk-discord-e2e',
    guild: {
      name: 'Test Guild',
      channels: [{ name: 'general' }, { name: 'random' }],
      roles: [{ name: 'moderators' }],
    },
    env: { LLM_TIMEOUT_MS: '5000' },
  });
  const { e2e, say, botMessages, promptOf, at } = dc;
  let general: FakeChannel;
  let random: FakeChannel;

  beforeEach(() => {
    [general, random] = dc.guild.channels as [FakeChannel, FakeChannel];
  });

  it('answers a mention with a reply to the message, typing first, pinging no one else', async () => {
    await dc.start();
    const { sent, replies } = await say(dc.alice, `${at()} what is 2+2?`, general.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({
      content: 'echo: what is 2+2?',
      messageReference: { message_id: sent.id, channel_id: general.id },
    });
    expect(dc.discord.typingIn(general.id)).toBeGreaterThanOrEqual(1);
    expect(replies[0]!.allowedMentions).toMatchObject({ parse: [], users: [], roles: [] });
    expect(promptOf(0)[0]).toContain(
      'You are chatting on Discord with a person whose display name is "Alice"',
    );
  });

  it('ignores messages that do not mention it, @everyone and role mentions, without a model call', async () => {
    await dc.start();
    dc.discord.createMessage({
      channelId: general.id,
      author: dc.alice,
      content: 'hello everyone',
    });
    dc.discord.createMessage({
      channelId: general.id,
      author: dc.alice,
      content: '@everyone look',
      mentionEveryone: true,
    });
    dc.discord.createMessage({
      channelId: general.id,
      author: dc.alice,
      content: `<@&${dc.guild.botRoleId}> ping the role`,
      mentionRoles: [dc.guild.botRoleId],
    });
    await say(dc.alice, `${at()} now you`, general.id);
    expect(e2e.openai.requests).toHaveLength(1);
    expect(lastUserText(e2e.openai.requests[0]!.body!)).toBe('now you');
  });

  it('answers a reply to one of its messages, and DMs', async () => {
    await dc.start();
    const first = await say(dc.alice, `${at()} first`, general.id);
    const reply = await say(dc.alice, 'and a follow-up', general.id, {
      referencedMessageId: first.replies[0]!.id,
      mentionRepliedUser: true,
    });
    expect(reply.replies[0]!.content).toBe('echo: and a follow-up');
    const dm = await say(dc.bob, 'hi in private');
    expect(dm.replies[0]!.content).toBe('echo: hi in private');
  });

  it('turns other mentions into readable names before the model sees them', async () => {
    await dc.start();
    const role = dc.guild.roles.find((r) => r.name === 'moderators')!;
    await say(
      dc.alice,
      `${at()} tell <@${dc.bob.id}> and <@&${role.id}> about <#${random.id}>`,
      general.id,
      { mentions: [dc.bob], mentionRoles: [role.id] },
    );
    expect(lastUserText(e2e.openai.requests[0]!.body!)).toBe(
      'tell @Bob and @moderators about #random',
    );
  });

  it('keeps users, channels, threads and DMs apart', async () => {
    await dc.start();
    const thread = dc.discord.addThread(general.id, { name: 'a thread', owner: dc.alice });
    await new Promise((r) => setTimeout(r, 100));
    await say(dc.alice, `${at()} alice secret: blue`, general.id);
    await say(dc.bob, `${at()} what is the secret?`, general.id);
    await say(dc.alice, `${at()} and here?`, random.id);
    await say(dc.alice, `${at()} in the thread?`, thread.id);
    await say(dc.alice, 'in DM?');
    for (const i of [1, 2, 3, 4]) expect(promptOf(i).join('\n')).not.toContain('blue');
    await say(dc.alice, `${at()} again`, general.id);
    expect(promptOf(5).join('\n')).toContain('alice secret: blue');
  });

  it('/forget (here and everywhere) and /memory, answered ephemerally', async () => {
    const started = await dc.start();
    expect(
      dc.discord
        .registeredCommands()
        .map((c) => c.name)
        .sort(),
    ).toEqual(['forget', 'memory', 'model', 'persona', 'remember', 'usage']);
    await say(dc.alice, `${at()} I like oolong`, general.id);
    await say(dc.alice, 'I like espresso');

    const command = async (
      name: string,
      options?: Record<string, string>,
      channelId = general.id,
    ) => {
      const interaction = dc.discord.createInteraction({
        name,
        user: dc.alice,
        channelId,
        options,
      });
      await dc.discord.waitFor(
        () => dc.discord.interactionResponses(interaction.id).original?.edits.length === 1,
        5000,
      );
      const record = dc.discord.interactionResponses(interaction.id);
      expect(record.callback).toMatchObject({ type: 5, data: { flags: 64 } });
      expect(record.original!.flags & 64).toBe(64);
      return record.original!.content;
    };
    expect(await command('memory')).toMatch(/^2 recent messages/);
    expect(await command('forget')).toBe('Done: I have forgotten our conversation here.');
    expect(await command('memory')).toMatch(
      /^I do not remember anything of this conversation yet\./,
    );
    const dm = dc.discord.dmChannelFor(dc.alice).id;
    expect(await command('memory', undefined, dm)).toMatch(/^2 recent messages/);
    expect(await command('forget', { scope: 'everywhere' })).toBe(
      'Done: I have forgotten all our conversations (1).',
    );
    expect(await command('memory', undefined, dm)).toMatch(
      /^I do not remember anything of this conversation yet\./,
    );
    await say(dc.alice, 'what do I like?');
    expect(promptOf(2).join('\n')).not.toContain('espresso');

    // Registration happens only when the commands changed.
    await started.stop(1000);
    const puts = () =>
      dc.discord.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/commands')).length;
    const before = puts();
    await dc.start();
    expect(puts()).toBe(before);
  });

  it('delivers a 7,000-character answer with a code block in valid pieces', async () => {
    await dc.start();
    const prose = 'Some explanation with **bold** words and more text to read. '.repeat(32);
    const code =
      '```python\n' +
      Array.from({ length: 120 }, (_, i) => `print("line ${i}")  # comment`).join('\n') +
      '\n```';
    const answer = `${prose}\n\n${code}\n\n${prose}`;
    expect(answer.length).toBeGreaterThan(7000);
    e2e.openai.enqueue({ text: answer });
    const before = botMessages(general.id).length;
    dc.discord.createMessage({
      channelId: general.id,
      author: dc.alice,
      content: `${at()} long please`,
    });
    await dc.discord.waitFor(() => botMessages(general.id).length - before >= 4, 8000);
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
    await dc.start();
    const role = dc.guild.roles.find((r) => r.name === 'moderators')!;
    e2e.openai.enqueue({ text: `Hey @everyone and @here, <@&${role.id}> and <@${dc.bob.id}>!` });
    const { replies } = await say(dc.alice, `${at()} ping people`, general.id);
    expect(replies[0]!.content).toContain('@everyone');
    expect(replies[0]!.body!.allowed_mentions).toEqual({
      parse: [],
      users: [],
      roles: [],
      replied_user: true,
    });
    expect(replies[0]!.mentions.everyone).toBe(false);
    expect(replies[0]!.mentions.roles).toEqual([]);
    expect(replies[0]!.mentions.users.filter((id) => id !== dc.alice.id)).toEqual([]);
  });

  it('retries a 429 on the message post and delivers once', async () => {
    await dc.start();
    dc.discord.failNext('POST', `/channels/${general.id}/messages`, { status: 429, retryAfter: 1 });
    const started = Date.now();
    const { replies } = await say(dc.alice, `${at()} rate limited?`, general.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(replies.filter((m) => m.content === 'echo: rate limited?')).toHaveLength(1);
  });

  it('survives a channel it may not write to, and apologises for a failed model call', async () => {
    await dc.start();
    dc.discord.failNext('POST', `/channels/${general.id}/messages`, {
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
    });
    dc.discord.createMessage({
      channelId: general.id,
      author: dc.alice,
      content: `${at()} can you answer?`,
    });
    await dc.discord.waitFor(() => e2e.openai.requests.length === 1, 5000);
    await new Promise((r) => setTimeout(r, 300));
    e2e.openai.setHandler(() => ({ status: 500 }));
    const { replies } = await say(dc.alice, `${at()} still alive?`, general.id);
    expect(replies.at(-1)!.content).toBe(
      'Sorry, I cannot reach my language model right now. Please try again in a moment.',
    );
  });

  it('streams by editing one message at most about once every 1.2 s', async () => {
    await dc.start({ STREAM_REPLIES: 'true' });
    const words = Array.from({ length: 24 }, (_, i) => `word${i} `);
    e2e.openai.enqueue({ text: words.join('').trim(), chunks: words, chunkDelayMs: 150 });
    const before = botMessages(general.id).length;
    dc.discord.createMessage({
      channelId: general.id,
      author: dc.alice,
      content: `${at()} stream please`,
    });
    await dc.discord.waitFor(
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
    const other = dc.discord.addGuild({ name: 'Other' });
    await dc.start({ DISCORD_ALLOWED_GUILD_IDS: other.id });
    dc.discord.createMessage({
      channelId: general.id,
      author: dc.alice,
      content: `${at()} hello?`,
    });
    const dm = await say(dc.alice, 'let me in');
    expect(dm.replies[0]!.content).toMatch(/^Sorry, I am not available to you here/);
    const inOther = await say(dc.alice, `${at()} here?`, other.channels[0]!.id);
    expect(inOther.replies[0]!.content).toBe('echo: here?');
    expect(e2e.openai.requests).toHaveLength(1);
    const interaction = dc.discord.createInteraction({
      name: 'memory',
      user: dc.alice,
      channelId: general.id,
    });
    await dc.discord.waitFor(
      () => dc.discord.interactionResponses(interaction.id).original?.edits.length === 1,
      5000,
    );
    expect(dc.discord.interactionResponses(interaction.id).original!.content).toMatch(
      /^Sorry, I am not available/,
    );
  });

  it('fails start-up clearly on a bad token', async () => {
    const error = await dc
      .start({ DISCORD_TOKEN: 'MTIz.wrong.token-token-token' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformStartError);
    expect((error as Error).message).toMatch(/^Discord rejected DISCORD_TOKEN/);
  });

  it('fails start-up clearly when the Message Content intent is asked for but not enabled', async () => {
    // A Discord of its own, closed after the app as the suite's own is.
    const strict = await startFakeDiscordServer({ token: TOKEN, privilegedIntents: 0 });
    try {
      const error = await dc
        .start({
          DISCORD_API_URL: strict.apiUrl,
          DISCORD_MESSAGE_CONTENT: 'true',
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PlatformStartError);
      expect((error as Error).message).toMatch(/^Discord refused the gateway intents/);
    } finally {
      await e2e.stop(5000);
      await strict.close();
    }
  });

  it('the real program stops cleanly on SIGTERM', async () => {
    const program = startProgram('main.ts', { LOG_LEVEL: 'info', ...dc.env });
    await dc.discord.waitFor(() => program.stdout().includes('discord client ready'), 15_000);
    await say(dc.bob, 'hello from the real process');
    program.child.kill('SIGTERM');
    expect(await program.exited).toBe(0);
    expect(program.stdout()).toContain('"msg":"stopped"');
    expect(program.stdout()).not.toContain(TOKEN);
  });
});
