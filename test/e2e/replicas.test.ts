import type { Update } from 'grammy/types';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lastUserText,
  startFakeOpenAIServer,
  type FakeOpenAIServer,
} from '../doubles/fake-openai-server.js';
import {
  makeUser,
  privateChat,
  startFakeTelegramServer,
  type FakeTelegramServer,
} from '../doubles/fake-telegram-server.js';
import { startProgram, type RunningProgram } from '../support/program.js';
import { connectTestRedis, deleteKeys, testRedisUrl, uniquePrefix } from '../support/redis.js';
import { freePort } from '../support/redis-server.js';

const SECRET = 'replica-secret';

/**
 * Two real bot processes (Telegram webhook replicas behind a load balancer) on one Redis, one
 * session's messages alternating between them.
 */
describe('two bot processes on one Redis', () => {
  let telegram: FakeTelegramServer;
  let openai: FakeOpenAIServer;
  let redis: Redis;
  const replicas: { program: RunningProgram; port: number }[] = [];
  const prefix = uniquePrefix('replicas');

  beforeAll(async () => {
    telegram = await startFakeTelegramServer({ botUsername: 'replica_test_bot' });
    openai = await startFakeOpenAIServer();
    // Slow enough that turns sent close together overlap.
    openai.setHandler((body) => ({ text: `echo: ${lastUserText(body)}`, delayMs: 250 }));
    redis = connectTestRedis();
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const program = startProgram('main.ts', {
        OPENAI_BASE_URL: openai.baseURL,
        REDIS_URL: testRedisUrl(),
        REDIS_KEY_PREFIX: prefix,
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        HTTP_PORT: String(port),
        STREAM_REPLIES: 'false',
        LLM_TIMEOUT_MS: '10000',
        LOG_LEVEL: 'info',
      });
      replicas.push({ program, port });
    }
    await telegram.waitFor(
      () => replicas.every((r) => r.program.stdout().includes('telegram webhook set')),
      20_000,
    );
  }, 30_000);

  afterAll(async () => {
    for (const { program } of replicas) program.child.kill('SIGTERM');
    const codes = await Promise.all(replicas.map(({ program }) => program.exited));
    expect(codes).toEqual([0, 0]);
    await telegram.close();
    await openai.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  const deliver = (replica: number, update: Update) =>
    fetch(`http://127.0.0.1:${replicas[replica]!.port}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });

  /** The human messages stored for the user's private session, oldest first. */
  async function storedQuestions(userId: number): Promise<string[]> {
    const key = `${prefix}:{telegram:${userId}}:s:telegram:c${userId}:u${userId}:msgs`;
    return (await redis.lrange(key, 0, -1))
      .map((raw) => JSON.parse(raw) as { m: { type: string; data: { content: string } } })
      .filter((entry) => entry.m.type === 'human')
      .map((entry) => entry.m.data.content);
  }

  /** The history the model saw when it answered `question`. */
  const historyOf = (question: string) => {
    const request = openai.requests.find((r) => lastUserText(r.body!) === question)!;
    return request
      .body!.messages.filter((m) => m.role === 'user')
      .map((m) => String(m.content))
      .slice(0, -1);
  };

  it('alternating a conversation between the processes: every turn stored once, in order', async () => {
    const user = makeUser(4001, 'Ann');
    const questions = Array.from({ length: 6 }, (_, i) => `turn ${i + 1}`);
    for (const [i, question] of questions.entries()) {
      const before = telegram.sentMessages(user.id).length;
      expect(
        (await deliver(i % 2, telegram.sendMessage(user, privateChat(user), question))).status,
      ).toBe(200);
      await telegram.waitFor(() => telegram.sentMessages(user.id).length > before, 10_000);
    }
    expect(await storedQuestions(user.id)).toEqual(questions);
    for (const [i, question] of questions.entries())
      expect(historyOf(question)).toEqual(questions.slice(0, i));
  });

  it('a burst sent to both processes at once: turns run one at a time, none lost, none twice', async () => {
    const user = makeUser(4002, 'Bob');
    const questions = Array.from({ length: 6 }, (_, i) => `burst ${i + 1}`);
    const updates = questions.map((q) => telegram.sendMessage(user, privateChat(user), q));
    await Promise.all(updates.map((update, i) => deliver(i % 2, update)));
    await telegram.waitFor(
      () => telegram.sentMessages(user.id).length === questions.length,
      20_000,
    );

    const stored = await storedQuestions(user.id);
    const answered = telegram
      .sentMessages(user.id)
      .filter((m) => m.text.startsWith('echo: '))
      .map((m) => m.text.slice(6));
    // Every answered turn is stored exactly once; a refused one (told to retry) not at all.
    expect([...stored].sort()).toEqual([...answered].sort());
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored.length).toBeGreaterThanOrEqual(2);
    // No two turns overlapped: each saw exactly the turns stored before it.
    for (const [i, question] of stored.entries())
      expect(historyOf(question)).toEqual(stored.slice(0, i));
  });
});
