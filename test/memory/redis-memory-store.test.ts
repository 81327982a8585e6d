import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramSession } from '../../src/core/session-id.js';
import type { MemoryPolicy } from '../../src/core/memory-port.js';
import { RedisMemoryStore } from '../../src/memory/redis-memory-store.js';
import { connectTestRedis, deleteKeys, uniquePrefix } from '../support/redis.js';
import { memoryStoreContract, texts, turn } from './memory-store-contract.js';

memoryStoreContract('redis', async (policy) => {
  const redis = connectTestRedis();
  const prefix = uniquePrefix('contract');
  return {
    store: new RedisMemoryStore(redis, { keyPrefix: prefix, ...policy }),
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    close: async () => {
      await deleteKeys(redis, prefix);
      await redis.quit();
    },
  };
});

describe('RedisMemoryStore against real Redis', () => {
  let redis: Redis;
  let prefix: string;
  const policy: MemoryPolicy = { ttlSeconds: 600, maxTokens: 10_000, maxMessages: 100 };
  const session = telegramSession({ chatId: -42, topicId: 3, userId: 7 });

  beforeAll(() => {
    redis = connectTestRedis();
  });
  afterAll(async () => {
    await redis.quit();
  });

  const newStore = async (overrides: Partial<MemoryPolicy> = {}) => {
    prefix = uniquePrefix('redis');
    const store = new RedisMemoryStore(redis, { keyPrefix: prefix, ...policy, ...overrides });
    await store.init();
    return store;
  };

  it('puts every key of a user in one hash slot', async () => {
    const store = await newStore();
    await store.appendTurn(session, (await store.load(session)).generations, turn('q', 'a'));
    await store.forgetUser('telegram', '999'); // creates the user-generation key of another user
    const keys = (await redis.keys(`${prefix}:*`)).filter((k) => k.includes('telegram:7}'));
    expect(keys.sort()).toEqual(
      [
        `${prefix}:{telegram:7}:s:${session.id}:meta`,
        `${prefix}:{telegram:7}:s:${session.id}:msgs`,
        `${prefix}:{telegram:7}:sessions`,
      ].sort(),
    );
    const slots = await Promise.all(
      keys.map((k) => redis.call('CLUSTER', 'KEYSLOT', k).catch(() => null)),
    );
    // CLUSTER KEYSLOT answers on standalone servers too (Redis 7).
    expect(new Set(slots).size).toBe(1);
    await deleteKeys(redis, prefix);
  });

  it('gives every key of the session a TTL in (0, MEMORY_TTL_SECONDS] after each turn and refreshes it', async () => {
    const store = await newStore({ ttlSeconds: 600 });
    const ttls = async () =>
      Promise.all(
        [`s:${session.id}:meta`, `s:${session.id}:msgs`, 'sessions'].map((k) =>
          redis.pttl(`${prefix}:{telegram:7}:${k}`),
        ),
      );
    await store.appendTurn(session, (await store.load(session)).generations, turn('q', 'a'));
    for (const ttl of await ttls()) {
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600_000);
    }
    // Age the keys, then a turn must bring every one of them back to the full TTL.
    for (const k of [`s:${session.id}:meta`, `s:${session.id}:msgs`, 'sessions']) {
      await redis.pexpire(`${prefix}:{telegram:7}:${k}`, 5000);
    }
    await store.appendTurn(session, (await store.load(session)).generations, turn('q2', 'a2'));
    for (const ttl of await ttls()) expect(ttl).toBeGreaterThan(590_000);
    await deleteKeys(redis, prefix);
  });

  it('after forget, a new turn with TTL 0 clears the mark’s expiry', async () => {
    const store = await newStore({ ttlSeconds: 0 });
    await store.forget(session);
    expect(await redis.ttl(`${prefix}:{telegram:7}:s:${session.id}:meta`)).toBeGreaterThan(0);
    await store.appendTurn(session, (await store.load(session)).generations, turn('q', 'a'));
    expect(await redis.ttl(`${prefix}:{telegram:7}:s:${session.id}:meta`)).toBe(-1);
    expect(await redis.ttl(`${prefix}:{telegram:7}:s:${session.id}:msgs`)).toBe(-1);
    await deleteKeys(redis, prefix);
  });

  it('costs exactly 2 requests per turn at the server: one load (facts included), one atomic write, and the chat’s persona once per 30 s', async () => {
    const store = await newStore();
    await store.applyFacts(session, { at: 1, add: [{ id: 'f1', text: 'Likes tea', tokens: 3 }] });
    const monitor = await redis.duplicate().monitor();
    const clientPort = await new Promise<number>((resolve) => {
      // The store's connection is `redis`; its local port identifies its requests in MONITOR.
      const stream = (redis as unknown as { stream: { localPort: number } }).stream;
      resolve(stream.localPort);
    });
    const seen: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source.endsWith(`:${clientPort}`)) seen.push(args[0]!.toLowerCase());
    });
    await new Promise((r) => setTimeout(r, 100));

    const turns = 10;
    for (let i = 0; i < turns; i++) {
      const memory = await store.load(session);
      expect(memory.facts.map((f) => f.text)).toEqual(['Likes tea']);
      const written = await store.appendTurn(session, memory.generations, turn(`q${i}`, `a${i}`));
      expect(written.status).toBe('written');
    }
    await redis.ping(); // a marker: everything before it has been seen by MONITOR
    await new Promise((r) => setTimeout(r, 200));
    monitor.disconnect();
    const perTurn = seen.slice(0, seen.lastIndexOf('ping'));
    // The persona lives under the chat's hash tag: read alongside the first load, then cached.
    expect(perTurn.filter((c) => c === 'get')).toHaveLength(1);
    const scripts = perTurn.filter((c) => c !== 'get');
    expect(scripts).toHaveLength(2 * turns);
    expect(scripts.every((c) => c === 'evalsha' || c === 'eval')).toBe(true);
    expect(texts((await store.load(session)).entries)).toHaveLength(2 * turns);
    await deleteKeys(redis, prefix);
  });

  it('expires the whole session in Redis after the TTL, leaving no key behind', async () => {
    const store = await newStore({ ttlSeconds: 1 });
    await store.appendTurn(session, (await store.load(session)).generations, turn('q', 'a'));
    expect(await redis.keys(`${prefix}:*`)).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 1300));
    expect(await redis.keys(`${prefix}:*`)).toHaveLength(0);
  });

  it('holds the hard cap under a long run of turns with no summaries', async () => {
    const store = await newStore({ maxTokens: 400, maxMessages: 30 });
    for (let i = 0; i < 200; i++) {
      await store.appendTurn(
        session,
        (await store.load(session)).generations,
        turn(`q${i}`, `a${i}`, 15),
      );
    }
    const memory = await store.load(session);
    expect(memory.entries.length).toBeLessThanOrEqual(30);
    expect(memory.totalTokens).toBeLessThanOrEqual(400);
    expect(memory.totalTokens).toBe(memory.entries.reduce((s, e) => s + e.tokens, 0));
    expect(texts(memory.entries).at(-1)).toBe('a199');
    expect(await redis.llen(`${prefix}:{telegram:7}:s:${session.id}:msgs`)).toBe(
      memory.entries.length,
    );
    await deleteKeys(redis, prefix);
  });

  it('keeps each message’s role in its envelope and caps entries of the previous release by their type', async () => {
    const store = await newStore({ maxMessages: 4 });
    const base = `${prefix}:{telegram:7}:s:${session.id}`;
    // As the previous release stored them, without a role, here with `data` before `type`.
    const legacy = turn('q1', 'a1').concat(turn('q2', 'a2'));
    await redis.rpush(
      `${base}:msgs`,
      ...legacy.map(
        ({ message, tokens }, i) =>
          `{"id":${i + 1},"t":${tokens},"m":${JSON.stringify({ data: message.data, type: message.type })}}`,
      ),
    );
    await redis.hset(`${base}:meta`, { gen: 0, seq: 4, tokens: 40 });
    expect(texts((await store.load(session)).entries)).toEqual(['q1', 'a1', 'q2', 'a2']);

    const result = await store.appendTurn(
      session,
      (await store.load(session)).generations,
      turn('q3', 'a3'),
    );
    expect(result).toMatchObject({ status: 'written', messageCount: 4, dropped: 2 });
    expect(texts((await store.load(session)).entries)).toEqual(['q2', 'a2', 'q3', 'a3']);
    const raw = await redis.lrange(`${base}:msgs`, -2, -1);
    expect(raw.map((entry) => (JSON.parse(entry) as { r: string }).r)).toEqual(['h', 'a']);
    await deleteKeys(redis, prefix);
  });

  it('a refused load does not read the history: no LRANGE or HGETALL at the server', async () => {
    const store = await newStore();
    await store.appendTurn(session, (await store.load(session)).generations, turn('q', 'a'));
    const limit = { ttlMs: 10_000, rateWindowMs: 60_000, rateLimit: 1 };
    expect((await store.load(session, { owner: 'first', ...limit })).entries).toHaveLength(2);
    const monitor = await redis.duplicate().monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      // Commands run by scripts show up too; only this test's keys count.
      if (args.some((arg) => arg.startsWith(prefix))) seen.push(args[0]!.toLowerCase());
    });
    await new Promise((r) => setTimeout(r, 100));
    const busy = await store.load(session, { owner: 'second', ttlMs: 10_000 });
    const limited = await store.load(session, { owner: 'first', ...limit });
    await redis.ping();
    await new Promise((r) => setTimeout(r, 200));
    monitor.disconnect();
    expect(busy).toMatchObject({ entries: [], summary: '', lease: { held: false } });
    expect(limited).toMatchObject({ entries: [], summary: '', rate: { count: 2 } });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((c) => ['lrange', 'hgetall', 'hmget'].includes(c))).toEqual([]);
    await deleteKeys(redis, prefix);
  });

  it('serves a chat’s persona from the process for a while; the process that changed it sees it at once', async () => {
    const options = { ...policy, chatSettingsMaxAgeMs: 300 };
    prefix = uniquePrefix('redis');
    const here = new RedisMemoryStore(redis, { keyPrefix: prefix, ...options });
    const elsewhere = new RedisMemoryStore(redis, { keyPrefix: prefix, ...options });
    const neighbour = telegramSession({ chatId: -42, topicId: 3, userId: 8 });
    expect((await elsewhere.load(neighbour)).persona).toBeUndefined();
    await here.setPersona(session, 'a pirate');
    expect((await here.load(session)).persona).toBe('a pirate');
    expect(await redis.get(`${prefix}:{chat:telegram:c-42:t3}:persona`)).toBe('a pirate');
    // Another process still serves what it read, within its 300 ms, then reads again.
    expect((await elsewhere.load(neighbour)).persona).toBeUndefined();
    await new Promise((r) => setTimeout(r, 350));
    expect((await elsewhere.load(neighbour)).persona).toBe('a pirate');
    await elsewhere.setPersona(neighbour, undefined);
    expect((await elsewhere.load(session)).persona).toBeUndefined();
    expect(await redis.exists(`${prefix}:{chat:telegram:c-42:t3}:persona`)).toBe(0);
    await deleteKeys(redis, prefix);
  });
});
