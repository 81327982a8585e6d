import { createServer } from 'node:net';
import type { Cluster, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../src/memory/redis-client.js';
import { testRedisUrl, uniquePrefix } from '../support/redis.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Milliseconds until `promise` settles, and whether it rejected. */
async function timed(promise: Promise<unknown>): Promise<{ ms: number; rejected: boolean }> {
  const start = Date.now();
  const rejected = await promise.then(
    () => false,
    () => true,
  );
  return { ms: Date.now() - start, rejected };
}

describe('createRedisClient', () => {
  const clients: (Redis | Cluster)[] = [];
  const track = <T extends Redis | Cluster>(client: T): T => {
    clients.push(client);
    return client;
  };
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });

  it('connects to a standalone Redis, names the connection and always listens for errors', async () => {
    const redis = track(
      createRedisClient(
        { kind: 'standalone', url: testRedisUrl() },
        { connectionName: 'chatmem-client-test' },
      ),
    ) as Redis;
    expect(redis.listenerCount('error')).toBe(1);
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.client('GETNAME')).toBe('chatmem-client-test');
    const key = `${uniquePrefix('client')}:k`;
    await redis.set(key, 'v', 'EX', 10);
    expect(await redis.get(key)).toBe('v');
    await redis.del(key);
    await redis.quit();
  });

  it('fails a command fast against a dead standalone Redis instead of queueing it', async () => {
    const port = await freePort();
    const errors: Error[] = [];
    const redis = track(
      createRedisClient(
        { kind: 'standalone', url: `redis://127.0.0.1:${port}` },
        { onError: (err) => errors.push(err) },
      ),
    );
    const first = await timed(redis.ping());
    expect(first.rejected).toBe(true);
    expect(first.ms).toBeLessThan(3000);
    // Still reconnecting in the background, and later commands fail just as fast.
    await new Promise((r) => setTimeout(r, 300));
    const later = await timed(redis.get('k'));
    expect(later).toMatchObject({ rejected: true });
    expect(later.ms).toBeLessThan(3000);
    expect(errors.length).toBeGreaterThan(0);
    expect(redis.status).not.toBe('end');
  });

  it('fails a command at once when no cluster node is reachable', async () => {
    const port = await freePort();
    const cluster = track(
      createRedisClient({ kind: 'cluster', nodes: [{ host: '127.0.0.1', port }] }),
    );
    expect(cluster.listenerCount('error')).toBe(1);
    const result = await timed(cluster.ping());
    expect(result.rejected).toBe(true);
    expect(result.ms).toBeLessThan(1000);
  });

  it('bounds a command by the 5 s command timeout when no sentinel answers', async () => {
    const port = await freePort();
    const redis = track(
      createRedisClient({
        kind: 'sentinel',
        sentinels: [{ host: '127.0.0.1', port }],
        name: 'mymaster',
      }),
    );
    const result = await timed(redis.ping());
    expect(result.rejected).toBe(true);
    expect(result.ms).toBeLessThan(6000);
  }, 10_000);
});
