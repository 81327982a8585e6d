import { PermissionFlagsBits } from 'discord.js';
import { beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { FakeChannel, FakeUser, StoredMessage } from '../doubles/fake-discord-server.js';
import { useDiscordE2E } from '../support/discord-e2e.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-token_for-settings';

/**
 * Personas, models and budgets on Discord, through the real discord.js client against the fake
 * Discord and the real ChatOpenAI against the fake OpenAI server: /persona for members with
 * Manage Server (from the interaction's member permissions; also the command's default member
 * permission), /model changing the request's `model` field, the daily budget.
 */
describe('Discord: each channel its own persona, each person a model and a budget', () => {
  const dc = useDiscordE2E('discord-settings', {
    token: TOKEN,
    apiKey: 'sk-discord-settings',
    guild: {
      name: 'Ship',
      channels: [{ name: 'general' }, { name: 'random' }],
      roles: [{ name: 'officers', permissions: PermissionFlagsBits.ManageGuild }],
    },
    env: { LLM_TIMEOUT_MS: '3000', LLM_MAX_RETRIES: '0' },
  });
  const { e2e, botMessages } = dc;
  let general: FakeChannel;
  let random: FakeChannel;
  let now = Date.parse('2025-03-14T12:00:00Z');

  beforeEach(() => {
    now = Date.parse('2025-03-14T12:00:00Z');
    [general, random] = dc.guild.channels as [FakeChannel, FakeChannel];
    const officers = dc.guild.roles.find((role) => role.name === 'officers')!;
    dc.discord.grantRole(dc.guild.id, dc.alice, officers.id);
  });

  const startBot = (env: Record<string, string> = {}): Promise<App> =>
    dc.start(env, { now: () => now });

  /** Runs a slash command; resolves with its ephemeral answer once written. */
  async function command(
    user: FakeUser,
    name: string,
    options?: Record<string, string | boolean>,
    channelId?: string,
  ): Promise<string> {
    const interaction = dc.discord.createInteraction({ name, user, channelId, options });
    await dc.discord.waitFor(
      () => (dc.discord.interactionResponses(interaction.id).original?.edits.length ?? 0) >= 1,
      8000,
    );
    const original: StoredMessage = dc.discord.interactionResponses(interaction.id).original!;
    expect(original.flags & 64).toBe(64);
    return original.content;
  }

  /** A user writes to the bot (a mention in a channel, or a DM); resolves with its answer. */
  async function say(author: FakeUser, text: string, channelId?: string): Promise<string> {
    const channel = channelId ?? dc.discord.dmChannelFor(author).id;
    const before = botMessages(channel).length;
    const content = channelId ? `<@${dc.discord.botUser.id}> ${text}` : text;
    dc.discord.createMessage({ channelId, author, content });
    await dc.discord.waitFor(() => botMessages(channel).length > before, 8000);
    return botMessages(channel)[before]!.content;
  }

  const systemPrompt = () => String(e2e.openai.requests.at(-1)!.body!.messages[0]!.content);

  it('gives a channel the persona a member with Manage Server set, in that channel only; others are refused', async () => {
    await startBot();
    const persona = dc.discord.registeredCommands().find((c) => c.name === 'persona')!;
    expect(persona.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    expect(dc.discord.registeredCommands().map((c) => c.name)).toEqual(
      expect.arrayContaining(['persona', 'model', 'usage']),
    );

    expect(await command(dc.alice, 'persona', { text: 'You are Captain Hook' }, general.id)).toBe(
      'Done: this is the persona of this chat now. /persona shows it, /persona reset removes it.',
    );
    // A server may let others run the command; the bot still checks the member's permissions.
    expect(await command(dc.bob, 'persona', { text: 'You are a parrot' }, general.id)).toBe(
      'Sorry, only people who can manage this server can change the persona of its channels.',
    );
    expect(await command(dc.bob, 'persona', { reset: true }, general.id)).toMatch(/^Sorry/);
    // Anyone may read it.
    expect(await command(dc.bob, 'persona', {}, general.id)).toContain('Captain Hook');

    await say(dc.bob, 'hello', general.id);
    expect(systemPrompt()).toContain(JSON.stringify('You are Captain Hook'));
    await say(dc.bob, 'hello', random.id);
    expect(systemPrompt()).not.toContain('Captain Hook');
    await say(dc.alice, 'hello');
    expect(systemPrompt()).not.toContain('Captain Hook');

    // In a DM the person sets their own.
    expect(await command(dc.bob, 'persona', { text: 'You are a butler' })).toMatch(/^Done/);
    await say(dc.bob, 'hello');
    expect(systemPrompt()).toContain(JSON.stringify('You are a butler'));

    expect(await command(dc.alice, 'persona', { reset: true }, general.id)).toBe(
      'Done: this chat has no persona any more.',
    );
    await say(dc.bob, 'hello again', general.id);
    expect(systemPrompt()).not.toContain('Captain Hook');
  });

  it('switches the model of the person’s next request with /model, and refuses one not offered', async () => {
    await startBot({ LLM_MODEL: 'gpt-4o-mini', LLM_MODELS: 'gpt-4o-mini,gpt-4o' });
    await say(dc.alice, 'first', general.id);
    expect(e2e.openai.requests.at(-1)!.body!.model).toBe('gpt-4o-mini');
    expect(await command(dc.alice, 'model', { name: 'gpt-4o' }, general.id)).toBe(
      'Done: I will answer you with gpt\\-4o in this chat.',
    );
    await say(dc.alice, 'second', general.id);
    expect(e2e.openai.requests.at(-1)!.body!.model).toBe('gpt-4o');
    await say(dc.bob, 'hi', general.id);
    expect(e2e.openai.requests.at(-1)!.body!.model).toBe('gpt-4o-mini');
    await say(dc.alice, 'in a DM');
    expect(e2e.openai.requests.at(-1)!.body!.model).toBe('gpt-4o-mini');
    expect(await command(dc.alice, 'model', { name: 'claude-9' }, general.id)).toBe(
      'I do not offer that model. You can pick gpt\\-4o\\-mini and gpt\\-4o: /model and its name.',
    );
    await say(dc.alice, 'third', general.id);
    expect(e2e.openai.requests.at(-1)!.body!.model).toBe('gpt-4o');
  });

  it('refuses turns once the day’s budget is spent, without a model call, until midnight UTC', async () => {
    await startBot({ USER_DAILY_TOKEN_BUDGET: '100' });
    e2e.openai.setHandler(() => ({
      text: 'ok',
      usage: { prompt_tokens: 80, completion_tokens: 30 },
    }));
    expect(await say(dc.alice, 'first')).toBe('ok');
    const calls = e2e.openai.requests.length;
    expect(await say(dc.alice, 'second')).toBe(
      "You have used today's 100 tokens. I can answer again after midnight UTC, in about 12 hours.",
    );
    expect(await command(dc.alice, 'usage')).toMatch(
      /^Tokens you used today: 110\. This month: 110\./,
    );
    expect(await command(dc.alice, 'forget')).toMatch(/^Done/);
    expect(e2e.openai.requests).toHaveLength(calls);
    now = Date.parse('2025-03-15T00:00:05Z');
    expect(await say(dc.alice, 'a new day')).toBe('ok');
  });
});
