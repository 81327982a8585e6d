import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { telegramSession } from '../../src/core/session-id.js';
import { BufferedMemoryStore } from '../../src/memory/buffered-memory-store.js';
import { RedisMemoryStore } from '../../src/memory/redis-memory-store.js';
import { startOwnRedis, type OwnRedis } from '../support/redis-server.js';
import { texts, turn } from './memory-store-contract.js';

/**
 * The client gives up on a write that Redis runs later anyway: the outage buffer's replay of it
 * must not store the turn a second time. A redis-server of this test's own, because CLIENT PAUSE
 * stops every client of the server.
 */
let own: OwnRedis;
let client: Redis;
let admin: Redis;

beforeAll(async () => {
  own = await startOwnRedis();
  // A short command timeout: the client gives up long before the pause ends.
  client = new Redis(own.url, { commandTimeout: 200, maxRetriesPerRequest: 1 });
  admin = new Redis(own.url);
});
afterAll(async () => {
  client?.disconnect();
  admin?.disconnect();
  await own?.remove();
});

it('a write the client timed out on, run by Redis after a pause, is not stored twice by the replay', async () => {
  const session = telegramSession({ chatId: 5, userId: 5 });
  const store = new BufferedMemoryStore(
    new RedisMemoryStore(client, {
      keyPrefix: 'replay',
      ttlSeconds: 600,
      maxTokens: 10_000,
      maxMessages: 100,
    }),
    { retryIntervalMs: 60_000 },
  );
  await store.init();
  const owner = 'c3f1a0de-5b7e-4a55-9d1e-0b8f4e2f9a11';
  const memory = await store.load(session, { owner, ttlMs: 30_000 });
  expect(memory.lease?.held).toBe(true);

  const pauseMs = 1000;
  await admin.call('CLIENT', 'PAUSE', String(pauseMs), 'WRITE');
  const pausedAt = Date.now();
  const written = await store.appendTurn(session, memory.generations, turn('q', 'a'), {
    answeredAt: Date.now(),
    leaseOwner: owner,
    turnId: owner,
  });
  expect(written.status).toBe('buffered');
  expect(store.size).toBe(1);

  // The pause ends; Redis runs the script the client gave up on. Then the buffer replays it.
  await new Promise((r) => setTimeout(r, pauseMs - (Date.now() - pausedAt) + 200));
  expect(await admin.llen(`replay:{telegram:5}:s:${session.id}:msgs`)).toBe(2);
  await store.flush();
  expect(store.size).toBe(0);
  expect(await admin.llen(`replay:{telegram:5}:s:${session.id}:msgs`)).toBe(2);
  const after = await store.load(session);
  expect(texts(after.entries)).toEqual(['q', 'a']);
  expect(after.totalTokens).toBe(20);
  // The lease was freed by the write that ran.
  expect((await store.load(session, { owner: 'next-turn', ttlMs: 1000 })).lease?.held).toBe(true);
  await store.close();
});
