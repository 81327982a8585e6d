import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteMemoryStore } from '../../src/memory/sqlite/sqlite-memory-store.js';
import { MIGRATIONS } from '../../src/memory/sqlite/sqlite-schema.js';
import { aliceDm, texts, turn } from './contract-fixtures.js';
import { POLICY, remove } from './sqlite-files.js';

const root = mkdtempSync(join(tmpdir(), 'chatmem-sqlite-settings-'));
afterAll(() => remove(root));

const rowsIn = (path: string, table: string) => {
  const db = new DatabaseSync(path);
  const n = Number(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()!.n);
  db.close();
  return n;
};

describe('SqliteMemoryStore: personas, model choices and usage (schema version 3)', () => {
  it('upgrades a version 2 file in place: its memory and facts stay, settings can be kept', async () => {
    const path = join(root, 'v2.db');
    const written = new SqliteMemoryStore({ ...POLICY, path });
    await written.init();
    await written.appendTurn(aliceDm, (await written.load(aliceDm)).generations, turn('kept', 'x'));
    await written.applyFacts(aliceDm, { at: 1, add: [{ id: 'f1', text: 'likes tea', tokens: 3 }] });
    await written.close();
    // What the release with facts left: no settings tables, at version 2.
    const db = new DatabaseSync(path);
    db.exec(
      'DROP TABLE chat_personas; DROP TABLE model_choices; DROP TABLE usage; ' +
        'PRAGMA user_version = 2',
    );
    db.close();
    expect(MIGRATIONS.map((m) => m.version)).toEqual([1, 2, 3]);

    const store = new SqliteMemoryStore({ ...POLICY, path });
    await store.init();
    const memory = await store.load(aliceDm);
    expect(texts(memory.entries)).toEqual(['kept', 'x']);
    expect(memory.facts.map((f) => f.text)).toEqual(['likes tea']);
    await store.setPersona(aliceDm, 'a pirate');
    await store.setModel(aliceDm, 'big-model');
    await store.addUsage(aliceDm, { day: '2025-03-14', tokens: 12 });
    expect(await store.load(aliceDm)).toMatchObject({ persona: 'a pirate', model: 'big-model' });
    expect(await store.usage('telegram', '1', '2025-03-14')).toEqual({ day: 12, month: 12 });
    await store.close();
  });

  it('sweeps usage counters and model choices once they expired, keeping personas', async () => {
    const path = join(root, 'sweep.db');
    let now = 1_700_000_000_000;
    const store = new SqliteMemoryStore({ ...POLICY, ttlSeconds: 60, path, now: () => now });
    await store.init();
    await store.setPersona(aliceDm, 'a pirate');
    await store.setModel(aliceDm, 'big-model');
    await store.addUsage(aliceDm, { day: '2023-11-14', tokens: 12 });
    expect(rowsIn(path, 'usage')).toBe(2);
    now += 61_000;
    store.sweep();
    expect(rowsIn(path, 'model_choices')).toBe(0);
    expect(rowsIn(path, 'usage')).toBe(2);
    now += 3 * 86_400_000;
    store.sweep();
    // The day's counter went after two days; the month's stays for 32.
    expect(rowsIn(path, 'usage')).toBe(1);
    expect(await store.usage('telegram', '1', '2023-11-14')).toEqual({ day: 0, month: 12 });
    expect(rowsIn(path, 'chat_personas')).toBe(1);
    await store.close();
  });
});
