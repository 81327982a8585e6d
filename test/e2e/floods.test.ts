import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import {
  makeUser,
  privateChat,
  startFakeTelegramServer,
  type FakeTelegramServer,
} from '../doubles/fake-telegram-server.js';
import {
  startFakeDiscordServer,
  type FakeChannel,
  type FakeDiscordServer,
  type FakeUser,
} from '../doubles/fake-discord-server.js';
import { useE2EApp } from '../support/e2e-app.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Floods through the real adapters: one person's flood never stalls anyone else, and every
 * repeated refusal is said at most once per person per window (issue "Hardening", items 1–2).
 */
describe('floods on Telegram', () => {
  const e2e = useE2EApp('floods-telegram');
  let telegram: FakeTelegramServer;
  let env: Record<string, string>;
  const ann = makeUser(2001, 'Ann');
  const bob = makeUser(2002, 'Bob');

  beforeEach(async () => {
    telegram = await startFakeTelegramServer({ botUsername: 'flood_test_bot' });
    env = {
      ...e2e.baseEnv('sk-floods'),
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      STREAM_REPLIES: 'false',
      RATE_LIMIT_PER_MINUTE: '0',
    };
  });
  afterEach(async () => {
    await e2e.stop(2000);
    await telegram.close();
  });
  const start = (overrides: Record<string, string> = {}): Promise<App> =>
    e2e.start({ ...env, ...overrides });
  const toChat = (id: number) => telegram.sentMessages(id);

  it('700 messages from one person do not delay another person, and the excess is dropped silently', async () => {
    // Each answer takes a while, as a real model's does.
    e2e.openai.setHandler((body) => ({
      text: `echo: ${String(body.messages.at(-1)?.content)}`,
      delayMs: 50,
    }));
    await start();
    for (let i = 0; i < 700; i++) telegram.sendMessage(ann, privateChat(ann), `flood ${i}`);
    await sleep(200);
    const asked = Date.now();
    telegram.sendMessage(bob, privateChat(bob), 'hello, anyone?');
    await telegram.waitFor(() => toChat(bob.id).length > 0, 10_000);
    expect(Date.now() - asked).toBeLessThan(3000);
    expect(toChat(bob.id)[0]!.text).toBe('echo: hello, anyone?');
    await sleep(800);
    // At most the few that were let in are answered; no "busy" notice per message.
    expect(toChat(ann.id).length).toBeLessThanOrEqual(6);
  });

  it('a rate-limited person gets one notice per window, not one per message', async () => {
    await start({ RATE_LIMIT_PER_MINUTE: '3' });
    for (let i = 0; i < 30; i++) {
      telegram.sendMessage(ann, privateChat(ann), `message ${i}`);
      await sleep(15);
    }
    await sleep(1000);
    const texts = toChat(ann.id).map((m) => m.text);
    expect(texts.filter((t) => t.startsWith('echo:'))).toHaveLength(3);
    expect(texts.filter((t) => t.startsWith('You are sending messages faster'))).toHaveLength(1);
    expect(e2e.openai.requests).toHaveLength(3);
  });

  it('a person without access gets one refusal, and unknown commands one notice, per window', async () => {
    await start({ ALLOWED_USER_IDS: String(bob.id) });
    for (let i = 0; i < 30; i++) {
      telegram.sendMessage(ann, privateChat(ann), `let me in ${i}`);
      await sleep(5);
    }
    await sleep(600);
    const refusals = toChat(ann.id).filter((m) => m.text.startsWith('Sorry, I am not available'));
    expect(refusals).toHaveLength(1);
    for (let i = 0; i < 10; i++) {
      telegram.sendMessage(bob, privateChat(bob), '/nonsense', {
        entities: [{ type: 'bot_command', offset: 0, length: 9 }],
      });
      await sleep(5);
    }
    await sleep(600);
    expect(toChat(bob.id).filter((m) => m.text.startsWith('I do not know'))).toHaveLength(1);
    expect(e2e.openai.requests).toHaveLength(0);
  });

  it('webhook: a flood of posts neither piles up in the process nor loses what Telegram will redeliver', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    e2e.openai.setHandler(async () => {
      await held;
      return { text: 'done' };
    });
    const app = await start({
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
      TELEGRAM_WEBHOOK_SECRET: 'hook-secret',
      HTTP_PORT: '0',
      LLM_TIMEOUT_MS: '20000',
    });
    const url = `http://127.0.0.1:${app.httpPort}/telegram/webhook`;
    const post = (update: unknown) =>
      fetch(url, {
        method: 'POST',
        body: JSON.stringify(update),
        headers: { 'x-telegram-bot-api-secret-token': 'hook-secret' },
      }).then((r) => r.status);
    // One person: 2,000 posts are acknowledged, but only a handful wait in the process.
    const statuses: number[] = [];
    for (let i = 0; i < 2000; i += 100) {
      const batch = Array.from({ length: 100 }, (_, j) =>
        post(telegram.sendMessage(ann, privateChat(ann), `flood ${i + j}`)),
      );
      statuses.push(...(await Promise.all(batch)));
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
    const pipeline = (app.telegram as unknown as { pipeline: { inFlightCount: number } }).pipeline;
    expect(pipeline.inFlightCount).toBeLessThanOrEqual(5);
    // Many people at once: past the bound, Telegram is asked to come back later (503).
    const many = await Promise.all(
      Array.from({ length: 600 }, (_, i) => {
        const person = makeUser(10_000 + i, `P${i}`);
        return post(telegram.sendMessage(person, privateChat(person), 'hi'));
      }),
    );
    expect(many.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(pipeline.inFlightCount).toBeLessThanOrEqual(505);
    release();
  });
});

describe('floods on Discord', () => {
  const e2e = useE2EApp('floods-discord');
  const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-token_for-floods';
  let discord: FakeDiscordServer;
  let general: FakeChannel;
  let alice: FakeUser;

  beforeEach(async () => {
    discord = await startFakeDiscordServer({ token: TOKEN, botUsername: 'parrot' });
    const guild = discord.addGuild({ name: 'Floods', channels: [{ name: 'general' }] });
    general = guild.channels[0]!;
    alice = discord.addUser({ username: 'alice', globalName: 'Alice' });
  });
  afterEach(async () => {
    await e2e.stop(2000);
    await discord.close();
  });

  it('100 messages from one person: a few answers and no "still answering" notice per message', async () => {
    e2e.openai.setHandler(() => ({ text: 'answer', delayMs: 30 }));
    await e2e.start({
      ...e2e.baseEnv('sk-floods'),
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      STREAM_REPLIES: 'false',
      RATE_LIMIT_PER_MINUTE: '0',
    });
    const at = `<@${discord.botUser.id}>`;
    for (let i = 0; i < 100; i++) {
      discord.createMessage({ channelId: general.id, author: alice, content: `${at} go ${i}` });
    }
    await sleep(2500);
    const fromBot = discord
      .messagesIn(general.id)
      .filter((m) => m.author.id === discord.botUser.id);
    expect(
      fromBot.filter((m) => m.content.startsWith('I am still answering')).length,
    ).toBeLessThanOrEqual(1);
    expect(fromBot.length).toBeLessThanOrEqual(7);
    expect(fromBot.length).toBeGreaterThan(0);
  });
});
