import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { MemoryStartError } from '../../src/memory/memory-start-error.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../doubles/fake-openai-server.js';
import { remove } from '../memory/sqlite-files.js';
import { silentLogger, tokens } from '../support/core.js';

/** The app as `npm start` builds it (createApp) on the SQLite store: readiness and start-up. */
describe('the app on SQLite', () => {
  let openai: FakeOpenAIServer;
  const dir = mkdtempSync(join(tmpdir(), 'chatmem-e2e-sqlite-app-'));
  beforeAll(async () => {
    openai = await startFakeOpenAIServer();
  });
  afterAll(async () => {
    await openai.close();
    remove(dir);
  });

  const configFor = (path: string) =>
    parseConfig({ OPENAI_BASE_URL: openai.baseURL, SQLITE_PATH: path, HTTP_PORT: '0' });

  it('reports the SQLite store ready on /readyz once it answers', async () => {
    const app = createApp(configFor(join(dir, 'ready.db')), silentLogger, { tokens });
    await app.start();
    try {
      const response = await fetch(`http://127.0.0.1:${app.httpPort}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready', checks: { memory: 'ok' } });
    } finally {
      await app.stop(1000);
    }
  });

  it('fails to start with a MemoryStartError when the file cannot be used', async () => {
    const path = join(dir, 'garbage.db');
    writeFileSync(path, 'garbage '.repeat(1000));
    const app = createApp(configFor(path), silentLogger, { tokens });
    const error = await app.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    await app.stop(1000);
    expect(error).toBeInstanceOf(MemoryStartError);
    expect((error as MemoryStartError).location).toBe(path);
  });
});
