import { PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import {
  startFakeDiscordServer,
  type FakeChannel,
  type FakeDiscordServer,
  type FakeGuild,
  type FakeUser,
  type StoredMessage,
} from '../doubles/fake-discord-server.js';
import { useE2EApp } from '../support/e2e-app.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-token_for-settings';

/**
 * Personas, models and budgets on Discord, through the real discord.js client against the fake
 * Discord and the real ChatOpenAI against the fake OpenAI server: /persona for members with
 * Manage Server (from the interaction's member permissions; also the command's default member
 * permission), /model changing the request's `model` field, the daily budget.
 */
describe('Discord: each channel its own persona, each person a model and a budget', () => {
  const e2e = useE2EApp('discord-settings');
  let discord: FakeDiscordServer;
  let guild: FakeGuild;
  let general: FakeChannel;
  let random: FakeChannel;
  let alice: FakeUser;
  let bob: FakeUser;
  let now = Date.parse('2025-03-14T12:00:00Z');

  beforeEach(async () => {
    now = Date.parse('2025-03-14T12:00:00Z');
    discord = await startFakeDiscordServer({ token: TOKEN, botUsername: 'parrot' });
    guild = discord.addGuild({
      name: 'Ship',
      channels: [{ name: 'general' }, { name: 'random' }],
      roles: [{ name: 'officers', permissions: PermissionFlagsBits.ManageGuild }],
    });
    [general, random] = guild.channels as [FakeChannel, FakeChannel];
    alice = discord.addUser({ username: 'alice', globalName: 'Alice' });
    bob = discord.addUser({ username: 'bob', globalName: 'Bob' });
    const officers = guild.roles.find((role) => role.name === 'officers')!;
    discord.grantRole(guild.id, alice, officers.id);
  });
  afterEach(async () => {
    await e2e.stop(5000);
    await discord.close();
  });

  const startBot = (env: Record<string, string> = {}): Promise<App> =>
    e2e.start(
      {
        ...e2e.baseEnv('sk-discord-settings'),
        DISCORD_TOKEN: TOKEN,
        DISCORD_API_URL: discord.apiUrl,
        STREAM_REPLIES: 'false',
        LLM_TIMEOUT_MS: '3000',
        LLM_MAX_RETRIES: '0',
        ...env,
      },
      undefined,
      { now: () => now },
    );

  /** Runs a slash command; resolves with its ephemeral answer once written. */
  async function command(
    user: FakeUser,
    name: string,
    options?: Record<string, string | boolean>,
    channelId?: string,
  ): Promise<string> {
    const interaction = discord.createInteraction({ name, user, channelId, options });
    await discord.waitFor(
      () => (discord.interactionResponses(interaction.id).original?.edits.length ?? 0) >= 1,
      8000,
    );
    const original: StoredMessage = discord.interactionResponses(interaction.id).original!;
    expect(original.flags & 64).toBe(64);
    return original.content;
  }

  const botMessages = (channelId: string) =>
    discord.messagesIn(channelId).filter((m) => m.author.id === discord.botUser.id);

  /** A user writes to the bot (a mention in a channel, or a DM); resolves with its answer. */
  async function say(author: FakeUser, text: string, channelId?: string): Promise<string> {
    const channel = channelId ?? discord.dmChannelFor(author).id;
    const before = botMessages(channel).length;
    const content = channelId ? `<@${discord.botUser.id}> ${text}` : text;
    discord.createMessage({ channelId, author, content });
    await discord.waitFor(() => botMessages(channel).length > before, 8000);
    return botMessages(channel)[before]!.content;
  }

  const systemPrompt = () => String(e2e.openai.requests.at(-1)!.body!.messages[0]!.content);

  it('gives a channel the persona a member with Manage Server set, in that channel only; others are refused', async () => {
    await startBot();
    const persona = discord.registeredCommands().find((c) => c.name === 'persona')!;
    expect(persona.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    expect(discord.registeredCommands().map((c) => c.name)).toEqual(
      expect.arrayContaining(['persona', 'model', 'usage']),
    );

    expect(await command(alice, 'persona', { text: 'You are Captain Hook' }, general.id)).toBe(
      'Done: this is the persona of this chat now. /persona shows it, /persona reset removes it.',
    );
    // A server may let others run the command; the bot still checks the member's permissions.
    expect(await command(bob, 'persona', { text: 'You are a parrot' }, general.id)).toBe(
      'Sorry, only people who can manage this server can change the persona of its channels.',
    );
    expect(await command(bob, 'persona', { reset: true }, general.id)).toMatch(/^Sorry/);
    // Anyone may read it.
    expect(await command(bob, 'persona', {}, general.id)).toContain('Captain Hook');

    await say(bob, 'hello', general.id);
    expect(systemPrompt()).toContain(JSON.stringify('You are Captain Hook'));
    await say(bob, 'hello', random.id);
    expect(systemPrompt()).not.toContain('Captain Hook');
    await say(alice, 'hello');
    expect(systemPrompt()).not.toContain('Captain Hook');

    // In a DM the person sets their own.
    expect(await command(bob, 'persona', { text: 'You are a butler' })).toMatch(/^Done/);
    await say(bob, 'hello');
    expect(systemPrompt()).toContain(JSON.stringify('You are a butler'));

    expect(await command(alice, 'persona', { reset: true }, general.id)).toBe(
      'Done: this chat has no persona any more.',
    );
    await say(bob, 'hello again', general.id);
    expect(systemPrompt()).not.toContain('Captain Hook');
  });

  it('switches the model of the person’s next request with /model, and refuses one not offered', async () => {
    await startBot({ LLM_MODEL: 'gpt-4o-mini', LLM_MODELS: 'gpt-4o-mini,gpt-4o' });
    await say(alice, 'first', general.id);
    expect(e2e.openai.requests.at(-1)!.body!.model).toBe('gpt-4o-mini');
    expect(await command(alice, 'model', { name: 'gpt-4o' }, general.id)).toBe(
      'Done: I will answer you with gpt\\-4o in this chat.',
    );
    await say(alice, 'second', general.id);
    expect(e2e.openai.requests.at(-1)!.body!.model).toBe('gpt-4o');
    await say(bob, 'hi', general.id);
    expect(e2e.openai.requests.at(-1)!.body!.model).toBe('gpt-4o-mini');
    await say(alice, 'in a DM');
    expect(e2e.openai.requests.at(-1)!.body!.model).toBe('gpt-4o-mini');
    expect(await command(alice, 'model', { name: 'claude-9' }, general.id)).toBe(
      'I do not offer that model. You can pick gpt\\-4o\\-mini and gpt\\-4o: /model and its name.',
    );
    await say(alice, 'third', general.id);
    expect(e2e.openai.requests.at(-1)!.body!.model).toBe('gpt-4o');
  });

  it('refuses turns once the day’s budget is spent, without a model call, until midnight UTC', async () => {
    await startBot({ USER_DAILY_TOKEN_BUDGET: '100' });
    e2e.openai.setHandler(() => ({
      text: 'ok',
      usage: { prompt_tokens: 80, completion_tokens: 30 },
    }));
    expect(await say(alice, 'first')).toBe('ok');
    const calls = e2e.openai.requests.length;
    expect(await say(alice, 'second')).toBe(
      "You have used today's 100 tokens. I can answer again after midnight UTC, in about 12 hours.",
    );
    expect(await command(alice, 'usage')).toMatch(
      /^Tokens you used today: 110\. This month: 110\./,
    );
    expect(await command(alice, 'forget')).toMatch(/^Done/);
    expect(e2e.openai.requests).toHaveLength(calls);
    now = Date.parse('2025-03-15T00:00:05Z');
    expect(await say(alice, 'a new day')).toBe('ok');
  });
});
