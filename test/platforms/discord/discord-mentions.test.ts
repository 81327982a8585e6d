import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startFakeDiscordServer,
  type FakeChannel,
  type FakeDiscordServer,
  type FakeUser,
} from '../../doubles/fake-discord-server.js';
import { useE2EApp } from '../../support/e2e-app.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-token_for-mentions';

/**
 * Model output cannot ping anyone on Discord: every message the bot writes — the streamed first
 * piece, each of its edits, and the follow-up pieces of a long answer — carries `allowed_mentions`
 * with `parse: []`, so `<@user>`, `<@&role>`, `@everyone` and `@here` in the text notify no one.
 * Through the real app and discord.js, against the fake Discord that applies `allowed_mentions`
 * as Discord does.
 */
describe('Discord: mentions in model output', () => {
  const e2e = useE2EApp('discord-mentions');
  let discord: FakeDiscordServer;
  let general: FakeChannel;
  let alice: FakeUser;
  let bob: FakeUser;
  let roleId: string;

  beforeEach(async () => {
    discord = await startFakeDiscordServer({ token: TOKEN, botUsername: 'parrot' });
    const guild = discord.addGuild({
      name: 'Test Guild',
      channels: [{ name: 'general' }],
      roles: [{ name: 'moderators' }],
    });
    [general] = guild.channels as [FakeChannel];
    roleId = guild.roles.find((role) => role.name === 'moderators')!.id;
    alice = discord.addUser({ username: 'alice', globalName: 'Alice' });
    bob = discord.addUser({ username: 'bob', globalName: 'Bob' });
  });
  afterEach(async () => {
    await e2e.stop(5000);
    await discord.close();
  });

  it('pings no one from a streamed answer split over several messages', async () => {
    await e2e.start({
      ...e2e.baseEnv('sk-discord-mentions'),
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      STREAM_REPLIES: 'true',
      LLM_TIMEOUT_MS: '5000',
    });
    const loud = `Hey @everyone and @here, <@&${roleId}>, <@${bob.id}> and <@!${bob.id}>! `;
    const answer = Array.from({ length: 12 }, (_, i) => `${i}: ${loud.repeat(4)}`).join('\n\n');
    expect(answer.length).toBeGreaterThan(4000);
    e2e.openai.enqueue({ text: answer, chunks: answer.match(/[\s\S]{1,500}/g)!, chunkDelayMs: 50 });

    const bot = discord.botUser;
    const botMessages = () => discord.messagesIn(general.id).filter((m) => m.author.id === bot.id);
    discord.createMessage({ channelId: general.id, author: alice, content: `<@${bot.id}> ping` });
    await discord.waitFor(
      () =>
        botMessages()
          .map((m) => m.content)
          .join('\n\n') === answer.replace(/ +$/gm, ''),
      15_000,
    );

    const messages = botMessages();
    expect(messages.length).toBeGreaterThanOrEqual(3);
    expect(messages[0]!.edits.length).toBeGreaterThanOrEqual(1);
    const writes = discord.requests.filter(
      (request) =>
        (request.method === 'POST' || request.method === 'PATCH') &&
        request.path.startsWith(`/channels/${general.id}/messages`),
    );
    expect(writes.length).toBeGreaterThanOrEqual(messages.length + 1);
    for (const write of writes) {
      const body = write.body as { content?: string; allowed_mentions?: unknown };
      expect(body.content).toMatch(/@everyone|<@/);
      expect(body.allowed_mentions).toMatchObject({ parse: [], users: [], roles: [] });
    }
    for (const [index, message] of messages.entries()) {
      // Only the first piece is a reply, and it pings only the person who asked.
      expect(message.mentions).toEqual({
        users: index === 0 ? [alice.id] : [],
        roles: [],
        everyone: false,
      });
    }
  });
});
