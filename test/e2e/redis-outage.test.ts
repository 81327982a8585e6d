import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../doubles/fake-openai-server.js';
import {
  makeUser,
  privateChat,
  startFakeTelegramServer,
  type FakeTelegramServer,
} from '../doubles/fake-telegram-server.js';
import { silentLogger, tokens } from '../support/core.js';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.js';

/**
 * A real redis-server is killed mid-conversation and started again: the bot keeps answering
 * (without memory, saying so), /readyz reports the outage, and the turns answered meanwhile are
 * in memory afterwards.
 */
describe('Redis outage, end to end', () => {
  let redis: OwnRedis;
  let telegram: FakeTelegramServer;
  let openai: FakeOpenAIServer;
  let app: App;
  const ann = makeUser(3001, 'Ann');

  beforeAll(async () => {
    redis = await startOwnRedis();
    telegram = await startFakeTelegramServer({ botUsername: 'outage_test_bot' });
    openai = await startFakeOpenAIServer();
    const config = parseConfig({
      OPENAI_BASE_URL: openai.baseURL,
      REDIS_URL: redis.url,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      STREAM_REPLIES: 'false',
      HTTP_PORT: '0',
      LLM_TIMEOUT_MS: '5000',
    });
    app = createApp(config, silentLogger, { tokens });
    await app.start();
  });
  afterAll(async () => {
    await app.stop(2000);
    await telegram.close();
    await openai.close();
    await redis.remove();
  });

  const ready = async () => (await fetch(`http://127.0.0.1:${app.httpPort}/readyz`)).status;

  async function say(text: string): Promise<string> {
    const before = telegram.sentMessages().length;
    telegram.sendMessage(ann, privateChat(ann), text);
    await telegram.waitFor(() => telegram.sentMessages().length > before, 10_000);
    return telegram.sentMessages().at(-1)!.text;
  }

  it('answers through the outage and remembers what was said during it', async () => {
    expect(await say('before the outage')).toBe('echo: before the outage');
    expect(await ready()).toBe(200);

    await redis.kill();
    expect(await ready()).toBe(503);
    const during = await say('during the outage');
    expect(during).toMatch(/^echo: during the outage\n\nI cannot reach my memory right now/);
    expect(await say('still down')).toMatch(/^echo: still down\n\nI cannot reach my memory/);

    await redis.start();
    // The client reconnects, /readyz recovers, the buffer drains.
    for (let i = 0; i < 100 && (await ready()) !== 200; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await ready()).toBe(200);
    const memoryOf = () =>
      app.service.memory({
        platform: 'telegram',
        userId: String(ann.id),
        id: `telegram:c${ann.id}:u${ann.id}`,
      });
    for (let i = 0; i < 100 && (await memoryOf()).messageCount < 6; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await memoryOf()).messageCount).toBe(6);

    expect(await say('after the outage')).toBe('echo: after the outage');
    const prompt = openai.requests.at(-1)!.body!.messages.map((m) => String(m.content));
    expect(prompt).toEqual(
      expect.arrayContaining([
        'before the outage',
        'during the outage',
        'still down',
        'after the outage',
      ]),
    );
    const metrics = await (await fetch(`http://127.0.0.1:${app.httpPort}/metrics`)).text();
    expect(metrics).toContain('chatmem_memory_writes_pending 0');
  });
});
