import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { telegramSession } from '../../src/core/session-id.js';
import { BufferedMemoryStore } from '../../src/memory/buffered-memory-store.js';
import { InMemoryMemoryStore } from '../../src/memory/in-memory-store.js';
import { RedisMemoryStore } from '../../src/memory/redis-memory-store.js';
import { UNKNOWN_GENERATIONS } from '../../src/core/memory-port.js';
import { connectTestRedis, deleteKeys, uniquePrefix } from '../support/redis.js';
import { memoryStoreContract, texts, turn } from './memory-store-contract.js';
import { unpluggable, type Unpluggable } from './unpluggable-store.js';

memoryStoreContract('buffered in-memory', async (policy) => {
  let now = 1_700_000_000_000;
  const inner = new InMemoryMemoryStore({ ...policy, now: () => now });
  const store = new BufferedMemoryStore(inner);
  return { store, advance: async (ms) => void (now += ms), close: () => store.close() };
});

let redis: Redis;
beforeAll(() => {
  redis = connectTestRedis();
});
afterAll(async () => {
  await redis.quit();
});

memoryStoreContract('buffered redis', async (policy) => {
  const prefix = uniquePrefix('buffered');
  const store = new BufferedMemoryStore(
    new RedisMemoryStore(redis, { keyPrefix: prefix, ...policy }),
  );
  return {
    store,
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    close: async () => {
      await store.close();
      await deleteKeys(redis, prefix);
    },
  };
});

describe('BufferedMemoryStore', () => {
  const ann = telegramSession({ chatId: 1, userId: 1 });
  const bob = telegramSession({ chatId: 2, userId: 2 });
  let inner: InMemoryMemoryStore;
  let plug: Unpluggable;
  let store: BufferedMemoryStore;

  beforeEach(() => {
    inner = new InMemoryMemoryStore({ ttlSeconds: 60, maxTokens: 10_000, maxMessages: 100 });
    plug = unpluggable(inner);
    store = new BufferedMemoryStore(plug.store, { maxPending: 3, retryIntervalMs: 20 });
  });
  afterEach(() => store.close());

  it('keeps turns written during an outage and writes them, in order, once the store is back', async () => {
    await store.appendTurn(ann, (await store.load(ann)).generations, turn('before', 'x'));
    plug.down(true);
    expect((await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('during 1', 'x'))).status).toBe(
      'buffered',
    );
    expect((await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('during 2', 'x'))).status).toBe(
      'buffered',
    );
    expect(store.size).toBe(2);
    plug.down(false);
    // A new turn may not overtake the waiting ones: it queues behind them.
    expect((await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('after', 'x'))).status).toBe(
      'buffered',
    );
    await store.flush();
    expect(store.size).toBe(0);
    expect(texts((await inner.load(ann)).entries)).toEqual([
      'before',
      'x',
      'during 1',
      'x',
      'during 2',
      'x',
      'after',
      'x',
    ]);
  });

  it('frees the lease of a turn whose write had to wait', async () => {
    const lease = { owner: 'turn-1', ttlMs: 60_000 };
    expect((await store.load(ann, lease)).lease).toEqual({ held: true, retryAfterMs: 0 });
    plug.down(true);
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('q', 'a'), { leaseOwner: 'turn-1' });
    plug.down(false);
    expect((await inner.load(ann, { owner: 'turn-2', ttlMs: 1000 })).lease?.held).toBe(false);
    await store.flush();
    expect((await inner.load(ann, { owner: 'turn-2', ttlMs: 1000 })).lease?.held).toBe(true);
  });

  it('retries by itself until the store answers', async () => {
    plug.down(true);
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('q', 'a'));
    await new Promise((r) => setTimeout(r, 60));
    expect(store.size).toBe(1);
    plug.down(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(store.size).toBe(0);
    expect(texts((await inner.load(ann)).entries)).toEqual(['q', 'a']);
  });

  it('drops the pending turns of a session that is forgotten', async () => {
    plug.down(true);
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('secret', 'x'));
    await store.appendTurn(bob, UNKNOWN_GENERATIONS, turn('bob', 'x'));
    await expect(store.forget(ann)).rejects.toThrow('ECONNREFUSED');
    plug.down(false);
    await store.flush();
    expect((await inner.load(ann)).entries).toEqual([]);
    expect(texts((await inner.load(bob)).entries)).toEqual(['bob', 'x']);
  });

  it('does not write back a turn answered before a forget that reached the store', async () => {
    plug.down(true);
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('old', 'x'), {
      answeredAt: Date.now() - 1000,
    });
    plug.down(false);
    await inner.forgetUser('telegram', '1'); // e.g. by another process, after the turn was answered
    await store.flush();
    expect(store.size).toBe(0);
    expect((await inner.load(ann)).entries).toEqual([]);
  });

  it('is bounded: the oldest turns are dropped past maxPending', async () => {
    plug.down(true);
    for (const n of [1, 2, 3, 4, 5])
      await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn(`q${n}`, 'x'));
    expect(store.size).toBe(3);
    expect(store.dropped).toBe(2);
    plug.down(false);
    await store.flush();
    expect(texts((await inner.load(ann)).entries)).toEqual(['q3', 'x', 'q4', 'x', 'q5', 'x']);
  });

  it('writes the session’s pending turns before reading it', async () => {
    await store.appendTurn(ann, (await store.load(ann)).generations, turn('before', 'x'));
    plug.down(true);
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('during', 'x'));
    plug.down(false);
    // The first turn after the outage sees the outage's turns.
    expect(texts((await store.load(ann)).entries)).toEqual(['before', 'x', 'during', 'x']);
    expect(store.size).toBe(0);
  });

  it('writes the turns of the session being read before those of others', async () => {
    const big = new BufferedMemoryStore(plug.store, { retryIntervalMs: 60_000 });
    plug.down(true);
    for (const n of [1, 2, 3])
      await big.appendTurn(bob, UNKNOWN_GENERATIONS, turn(`bob ${n}`, 'x'));
    await big.appendTurn(ann, UNKNOWN_GENERATIONS, turn('ann', 'x'));
    plug.down(false);
    expect(texts((await big.load(ann)).entries)).toEqual(['ann', 'x']);
    expect(plug.writes[0]).toBe('ann');
    await big.flush();
    expect(texts((await inner.load(bob)).entries)).toHaveLength(6);
    await big.close();
  });

  it('does not read a session whose pending turns cannot be written yet', async () => {
    plug.down(true);
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('during', 'SECRET TEXT'));
    plug.down(false);
    plug.writesDown(true); // reads work, writes still fail: reading now would miss the turn
    const error = await store.load(ann).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/1 turn of this session is still waiting/);
    expect(JSON.stringify({ ...error, message: error?.message })).not.toContain('SECRET');
    expect(store.size).toBe(1);
    // Other sessions read as usual.
    expect((await store.load(bob)).entries).toEqual([]);
    plug.writesDown(false);
    expect(texts((await store.load(ann)).entries)).toEqual(['during', 'SECRET TEXT']);
  });
});
