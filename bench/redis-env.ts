import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, redisAnswers as ping } from '../test/support/redis-server.js';

/**
 * The Redis of a run, found like the tests find theirs: `REDIS_URL` if set, else 127.0.0.1:6379
 * if it answers, else a `redis-server` of our own on a free port (stopped by `stop()`). The
 * benchmark never flushes a database: it deletes only the keys under its own prefix.
 */
export interface RedisEnv {
  readonly url: string;
  /** How the Redis was found, for RESULTS.md. */
  readonly origin: string;
  stop(): Promise<void>;
}

export async function findRedis(): Promise<RedisEnv> {
  const fromEnv = process.env.REDIS_URL?.trim();
  if (fromEnv) return { url: fromEnv, origin: 'REDIS_URL', stop: async () => {} };
  if (await ping('127.0.0.1', 6379)) {
    return {
      url: 'redis://127.0.0.1:6379',
      origin: 'the Redis already answering on 127.0.0.1:6379',
      stop: async () => {},
    };
  }
  return startRedisServer();
}

/** A `redis-server` of our own on a free loopback port, without persistence. */
export async function startRedisServer(): Promise<RedisEnv> {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(
      'The benchmark needs Redis 7: set REDIS_URL, run one on 127.0.0.1:6379, or install ' +
        'redis-server (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis).',
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'chatmem-bench-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child: ChildProcess = spawn('redis-server', [...args, '--dir', dir], { stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100 && !(await ping('127.0.0.1', port)); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!(await ping('127.0.0.1', port))) {
    await stop();
    throw new Error(`redis-server did not answer on port ${port}`);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    origin: `a redis-server started on port ${port}`,
    stop,
  };
}

export function connect(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false });
}

/** Deletes every key under `prefix:` (and only those); returns how many were deleted. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 2000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Sum of `MEMORY USAGE … SAMPLES 0` (every element counted) over the keys that exist. */
export async function memoryUsage(redis: Redis, keys: readonly string[]): Promise<number> {
  let total = 0;
  for (const key of keys) {
    const bytes = (await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) as number | null;
    total += bytes ?? 0;
  }
  return total;
}

/** `redis_version` from INFO server. */
export async function redisVersion(redis: Redis): Promise<string> {
  const info = await redis.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}
