import { SqliteMemoryStore } from '../../src/memory/sqlite/sqlite-memory-store.js';

/**
 * Opens the SQLite store at argv[2] and prints `{}` or `{"error":{name,message}}` as JSON: the
 * tests run it as an unprivileged user, for whom file permissions hold (they do not for root).
 */
const store = new SqliteMemoryStore({
  path: process.argv[2]!,
  ttlSeconds: 3600,
  maxTokens: 10_000,
  maxMessages: 100,
  busyTimeoutMs: 50,
});
try {
  await store.init();
  await store.close();
  process.stdout.write('{}');
} catch (error) {
  const { name, message } = error as Error;
  process.stdout.write(JSON.stringify({ error: { name, message } }));
}
