import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramSession } from '../../src/core/session-id.js';
import type { MemoryPolicy } from '../../src/core/memory-port.js';
import { createRedisClient } from '../../src/memory/redis-client.js';
import { RedisMemoryStore } from '../../src/memory/redis-memory-store.js';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.js';
import { uniquePrefix } from '../support/redis.js';
import { memoryStoreContract, texts, turn } from './memory-store-contract.js';

/**
 * The memory contract against a real three-master Redis Cluster on loopback, through the same
 * client factory production uses. Proves the hash-tag layout: one user's keys share a slot (so
 * every script is single-slot), different users spread over the masters.
 */

let redisCluster: TestRedisCluster | undefined;
let client: Cluster;

beforeAll(async () => {
  redisCluster = await startRedisCluster();
  client = createRedisClient(
    { kind: 'cluster', nodes: redisCluster.nodes },
    { connectionName: 'chatmem-cluster-test' },
  ) as Cluster;
}, 60_000);

afterAll(async () => {
  await client?.quit().catch(() => client.disconnect());
  await redisCluster?.stop();
});

/** Deletes every key under `prefix` on every master (SCAN only sees the node it is sent to). */
async function deleteClusterKeys(cluster: Cluster, prefix: string): Promise<void> {
  await Promise.all(
    cluster.nodes('master').map(async (node) => {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        // One key per UNLINK: a node refuses multi-key commands across slots.
        await Promise.all(keys.map((key) => node.unlink(key)));
      } while (cursor !== '0');
    }),
  );
}

/** Keys under `prefix`, per master port. */
async function keysByMaster(cluster: Cluster, prefix: string): Promise<Map<number, string[]>> {
  const result = new Map<number, string[]>();
  for (const node of cluster.nodes('master')) {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    result.set(node.options.port!, keys);
  }
  return result;
}

memoryStoreContract('redis cluster', async (policy) => {
  const prefix = uniquePrefix('cluster');
  return {
    store: new RedisMemoryStore(client, { keyPrefix: prefix, ...policy }),
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    // The client is shared by the whole file; the harness only removes its own keys.
    close: () => deleteClusterKeys(client, prefix),
  };
});

describe('RedisMemoryStore on a Redis Cluster', () => {
  const policy: MemoryPolicy = { ttlSeconds: 600, maxTokens: 10_000, maxMessages: 100 };

  it('runs on three masters', () => {
    expect(client.status).toBe('ready');
    expect(client.nodes('master')).toHaveLength(3);
  });

  it('init() waits for a client that is still connecting, whose commands would fail at once', async () => {
    const fresh = createRedisClient({ kind: 'cluster', nodes: redisCluster!.nodes }) as Cluster;
    try {
      expect(fresh.status).not.toBe('ready');
      const store = new RedisMemoryStore(fresh, { keyPrefix: uniquePrefix('fresh'), ...policy });
      await store.init();
      expect(fresh.status).toBe('ready');
      expect((await store.load(telegramSession({ chatId: 1, userId: 1 }))).entries).toEqual([]);
    } finally {
      await fresh.quit();
    }
  });

  it('loads its scripts on every master', async () => {
    // Earlier tests cached scripts by EVAL; start from empty caches so only init() counts.
    await Promise.all(client.nodes('master').map((node) => node.script('FLUSH')));
    const store = new RedisMemoryStore(client, { keyPrefix: uniquePrefix('cluster'), ...policy });
    await store.init();
    const sha = createHash('sha1')
      .update(readFileSync(new URL('../../src/memory/scripts/append-turn.lua', import.meta.url)))
      .digest('hex');
    for (const node of client.nodes('master')) {
      expect(await node.script('EXISTS', sha)).toEqual([1]);
    }
  });

  it('keeps each user in one slot and spreads users over the masters', async () => {
    const prefix = uniquePrefix('spread');
    const store = new RedisMemoryStore(client, { keyPrefix: prefix, ...policy });
    await store.init();
    const users = Array.from({ length: 50 }, (_, i) => i + 1);
    await Promise.all(
      users.map(async (userId) => {
        for (const chatId of [-100, userId]) {
          const session = telegramSession({ chatId, userId });
          const memory = await store.load(session);
          await store.appendTurn(session, memory.generations, turn(`hi ${userId}`, 'hello'));
        }
      }),
    );
    await store.forgetUser('telegram', '999'); // a user-generation key, on its own slot

    const byMaster = await keysByMaster(client, prefix);
    const all = [...byMaster.values()].flat();
    // Two sessions (meta + msgs each) and the index per user, plus one generation key.
    expect(all).toHaveLength(50 * 5 + 1);
    const mastersUsed = [...byMaster.values()].filter((keys) => keys.length > 0).length;
    expect(mastersUsed).toBeGreaterThanOrEqual(2);

    const slotsOfUser = new Map<string, Set<number>>();
    for (const key of all) {
      const user = /\{(telegram:\d+)\}/.exec(key)![1]!;
      const slot = Number(await client.cluster('KEYSLOT', key));
      slotsOfUser.set(user, (slotsOfUser.get(user) ?? new Set()).add(slot));
    }
    expect(slotsOfUser.size).toBe(51);
    for (const [user, slots] of slotsOfUser) expect(slots.size, user).toBe(1);
    expect(new Set([...slotsOfUser.values()].map((s) => [...s][0])).size).toBeGreaterThan(40);

    // Every user's memory reads back, and forgetting one user touches only that user.
    expect(texts((await store.load(telegramSession({ chatId: -100, userId: 7 }))).entries)).toEqual(
      ['hi 7', 'hello'],
    );
    expect(await store.forgetUser('telegram', '7')).toBe(2);
    expect((await store.load(telegramSession({ chatId: 7, userId: 7 }))).entries).toEqual([]);
    expect(texts((await store.load(telegramSession({ chatId: 8, userId: 8 }))).entries)).toEqual([
      'hi 8',
      'hello',
    ]);
    await deleteClusterKeys(client, prefix);
  });
});
