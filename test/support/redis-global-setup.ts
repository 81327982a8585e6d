import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, redisAnswers } from './redis-server.js';

/**
 * Finds a Redis for the whole test run, as DEVELOPERS.md asks: `REDIS_URL` if set, else
 * 127.0.0.1:6379 if it answers, else a `redis-server` of our own on a free port (removed at the
 * end), else fail with how to install one. Tests share it with per-suite key prefixes and never
 * flush a database.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let child: ChildProcess | undefined;
let dir: string | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return async () => {};
  }
  if (await redisAnswers('127.0.0.1', 6379)) {
    project.provide('redisUrl', 'redis://127.0.0.1:6379');
    return async () => {};
  }
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(
      'The tests need Redis 7: set REDIS_URL, run one on 127.0.0.1:6379, or install redis-server ' +
        '(Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis).',
    );
  }
  const port = await freePort();
  dir = mkdtempSync(join(tmpdir(), 'chatmem-redis-'));
  child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && !(await redisAnswers('127.0.0.1', port)); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  project.provide('redisUrl', `redis://127.0.0.1:${port}`);
  return async () => {
    child?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
