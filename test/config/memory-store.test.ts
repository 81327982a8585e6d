import { describe, expect, it } from 'vitest';
import { configProblems } from '../support/config-problems.js';
import { parseConfig } from '../../src/config.js';

const minimal = { OPENAI_API_KEY: 'sk-test' };

describe('MEMORY_STORE and SQLITE_PATH', () => {
  it('keeps memory in ./data/chatmem.db with no configuration at all', () => {
    expect(parseConfig(minimal).memory).toMatchObject({
      store: 'sqlite',
      sqlitePath: './data/chatmem.db',
    });
    expect(parseConfig({ ...minimal, MEMORY_STORE: '', SQLITE_PATH: ' ' }).memory).toMatchObject({
      store: 'sqlite',
      sqlitePath: './data/chatmem.db',
    });
  });

  it('uses Redis when one is configured and MEMORY_STORE is unset', () => {
    for (const env of [
      { REDIS_URL: 'redis://localhost:6379' },
      { REDIS_SENTINELS: 'a:26379', REDIS_SENTINEL_NAME: 'mymaster' },
      { REDIS_CLUSTER_NODES: 'a:7000' },
    ]) {
      expect(parseConfig({ ...minimal, ...env }).memory.store).toBe('redis');
    }
  });

  it('takes an explicit choice, even SQLite or the process with a Redis configured', () => {
    const redis = { REDIS_URL: 'redis://localhost:6379' };
    expect(parseConfig({ ...minimal, ...redis, MEMORY_STORE: 'sqlite' }).memory.store).toBe(
      'sqlite',
    );
    expect(parseConfig({ ...minimal, MEMORY_STORE: 'memory' }).memory.store).toBe('memory');
    expect(
      parseConfig({ ...minimal, MEMORY_STORE: 'sqlite', SQLITE_PATH: '/var/lib/bot/m.db' }).memory,
    ).toMatchObject({ store: 'sqlite', sqlitePath: '/var/lib/bot/m.db' });
  });

  it('refuses MEMORY_STORE=redis without a Redis, and an unknown store, saying how to fix it', () => {
    expect(configProblems({ ...minimal, MEMORY_STORE: 'redis' })).toContain(
      'MEMORY_STORE=redis needs a Redis: set REDIS_URL (e.g. redis://localhost:6379), or ' +
        'REDIS_SENTINELS and REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES; or unset MEMORY_STORE ' +
        'to keep memory in a SQLite file (SQLITE_PATH)',
    );
    expect(configProblems({ ...minimal, MEMORY_STORE: 'postgres' })).toContain(
      'MEMORY_STORE must be redis, sqlite or memory (unset: redis when REDIS_URL is set, else ' +
        'sqlite) (got "postgres")',
    );
  });
});
