import { createServer } from 'node:net';
import type { Cluster, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisClient, parseRedisTarget } from '../../src/memory/redis-client.js';
import { testRedisUrl, uniquePrefix } from '../support/redis.js';

describe('parseRedisTarget', () => {
  it('returns undefined when nothing is configured, blank values included', () => {
    expect(parseRedisTarget({})).toBeUndefined();
    expect(
      parseRedisTarget({ url: '', sentinels: ' ', sentinelName: '', clusterNodes: '  ' }),
    ).toBeUndefined();
  });

  it('takes a URL alone as a standalone Redis, unchanged', () => {
    expect(parseRedisTarget({ url: 'rediss://:s3cret@redis.example:6380/2' })).toEqual({
      kind: 'standalone',
      url: 'rediss://:s3cret@redis.example:6380/2',
    });
  });

  it('parses sentinels, with IPv6 in brackets and stray spaces or a trailing comma', () => {
    expect(
      parseRedisTarget({
        sentinels: ' 10.0.0.1:26379, sentinel-2.internal:26380,[fd00::3]:26379, ',
        sentinelName: 'mymaster',
      }),
    ).toEqual({
      kind: 'sentinel',
      name: 'mymaster',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-2.internal', port: 26380 },
        { host: 'fd00::3', port: 26379 },
      ],
    });
  });

  it('takes credentials, database and TLS for Sentinel from the URL, ignoring its host', () => {
    expect(
      parseRedisTarget({
        url: 'rediss://bot:p%40ss@ignored-host:1/3?sentinelPassword=watch%21',
        sentinels: 's1:26379',
        sentinelName: 'mymaster',
      }),
    ).toEqual({
      kind: 'sentinel',
      name: 'mymaster',
      sentinels: [{ host: 's1', port: 26379 }],
      username: 'bot',
      password: 'p@ss',
      sentinelPassword: 'watch!',
      db: 3,
      tls: true,
    });
    expect(
      parseRedisTarget({ url: 'redis://:pw@x', sentinels: 's1:26379', sentinelName: 'm' }),
    ).toEqual({
      kind: 'sentinel',
      name: 'm',
      sentinels: [{ host: 's1', port: 26379 }],
      password: 'pw',
    });
  });

  it('parses cluster nodes and takes password and TLS from the URL', () => {
    expect(parseRedisTarget({ clusterNodes: 'redis-1:6379,[::1]:7000' })).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'redis-1', port: 6379 },
        { host: '::1', port: 7000 },
      ],
    });
    expect(
      parseRedisTarget({ url: 'rediss://:pw@ignored/0', clusterNodes: '10.1.1.1:6379' }),
    ).toEqual({
      kind: 'cluster',
      nodes: [{ host: '10.1.1.1', port: 6379 }],
      password: 'pw',
      tls: true,
    });
  });

  it('prefers cluster over sentinel over URL', () => {
    const all = {
      url: 'redis://:pw@localhost:6379',
      sentinels: 's1:26379',
      sentinelName: 'mymaster',
      clusterNodes: 'c1:6379',
    };
    expect(parseRedisTarget(all)?.kind).toBe('cluster');
    expect(parseRedisTarget({ ...all, clusterNodes: '' })?.kind).toBe('sentinel');
    expect(parseRedisTarget({ ...all, clusterNodes: '', sentinels: '', sentinelName: '' })).toEqual(
      { kind: 'standalone', url: all.url },
    );
  });

  it('rejects malformed lists, naming the variable and showing the expected form', () => {
    const badSentinels = ['s1', 's1:', ':26379', 's1:abc', 's1:0', 's1:70000', 'a b:1', ','];
    for (const sentinels of badSentinels) {
      expect(() => parseRedisTarget({ sentinels, sentinelName: 'm' }), sentinels).toThrow(
        /^REDIS_SENTINELS must be host:port pairs separated by commas, e\.g\. "/,
      );
    }
    expect(() => parseRedisTarget({ clusterNodes: 'c1:6379;c2:6379' })).toThrow(
      /^REDIS_CLUSTER_NODES must be host:port pairs separated by commas.*"c1:6379;c2:6379" is not one/,
    );
    expect(() => parseRedisTarget({ clusterNodes: 'fd00::1:6379' })).toThrow(
      /REDIS_CLUSTER_NODES.*put IPv6 addresses in brackets/,
    );
    expect(() => parseRedisTarget({ clusterNodes: '[not-ipv6]:6379' })).toThrow(
      /REDIS_CLUSTER_NODES.*"not-ipv6" .* is not a host name or IP address/,
    );
  });

  it('requires a sentinel name with sentinels, and sentinels with a name', () => {
    expect(() => parseRedisTarget({ sentinels: 's1:26379' })).toThrow(
      /^REDIS_SENTINEL_NAME must be set with REDIS_SENTINELS/,
    );
    expect(() => parseRedisTarget({ sentinelName: 'mymaster' })).toThrow(
      /^REDIS_SENTINEL_NAME is set but REDIS_SENTINELS is not/,
    );
    expect(() => parseRedisTarget({ sentinels: 's1:26379', sentinelName: 'my master' })).toThrow(
      /REDIS_SENTINEL_NAME must be one word/,
    );
  });

  it('rejects a bad URL without echoing it, and a database other than 0 on a cluster', () => {
    for (const url of ['http://:hunter2@host', 'not a url :hunter2', 'redis://:hunter2@h/x']) {
      let message = '';
      try {
        parseRedisTarget({ url, sentinels: 's1:26379', sentinelName: 'm' });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, url).toMatch(/^REDIS_URL/);
      expect(message).not.toContain('hunter2');
    }
    expect(() => parseRedisTarget({ url: 'ftp://x' })).toThrow(/^REDIS_URL must start with/);
    expect(() => parseRedisTarget({ url: 'redis://:pw@x/2', clusterNodes: 'c1:6379' })).toThrow(
      /^Redis Cluster has only database 0, but REDIS_URL selects database 2/,
    );
  });
});

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
