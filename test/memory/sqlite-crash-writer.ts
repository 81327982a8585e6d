import { SqliteMemoryStore } from '../../src/memory/sqlite/sqlite-memory-store.js';
import { alice, turn } from './contract-fixtures.js';

/**
 * Appends turns to the SQLite store at argv[2] without end, printing the number of each turn once
 * its write is acknowledged; the test kills this process with SIGKILL mid-stream.
 */
const store = new SqliteMemoryStore({
  path: process.argv[2]!,
  ttlSeconds: 3600,
  maxTokens: 1_000_000,
  maxMessages: 100_000,
});
await store.init();
for (let i = 1; ; i++) {
  const { generations } = await store.load(alice);
  await store.appendTurn(alice, generations, turn(`q${i}`, `a${i}`), { turnId: `turn-${i}` });
  process.stdout.write(`${i}\n`);
}
