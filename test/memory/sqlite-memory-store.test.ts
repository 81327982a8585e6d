import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { BufferedMemoryStore } from '../../src/memory/buffered-memory-store.js';
import { SqliteMemoryStore } from '../../src/memory/sqlite/sqlite-memory-store.js';
import { memoryStoreContract } from './memory-store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'chatmem-sqlite-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function fakeClock() {
  let now = 1_700_000_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

memoryStoreContract('sqlite', async (policy) => {
  const clock = fakeClock();
  const store = new SqliteMemoryStore({
    ...policy,
    path: join(dir, `${++files}.db`),
    now: clock.now,
  });
  return { store, advance: async (ms) => void clock.advance(ms), close: () => store.close() };
});

memoryStoreContract('buffered sqlite', async (policy) => {
  const clock = fakeClock();
  const inner = new SqliteMemoryStore({
    ...policy,
    path: join(dir, `${++files}.db`),
    now: clock.now,
  });
  const store = new BufferedMemoryStore(inner);
  return { store, advance: async (ms) => void clock.advance(ms), close: () => store.close() };
});
