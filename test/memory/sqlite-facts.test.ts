import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteMemoryStore } from '../../src/memory/sqlite/sqlite-memory-store.js';
import { MIGRATIONS } from '../../src/memory/sqlite/sqlite-schema.js';
import { aliceDm, texts, turn } from './contract-fixtures.js';
import { POLICY, remove } from './sqlite-files.js';

const root = mkdtempSync(join(tmpdir(), 'chatmem-sqlite-facts-'));
afterAll(() => remove(root));

describe('SqliteMemoryStore: facts in files of the first schema', () => {
  it('upgrades a version 1 file in place: its memory stays and facts can be kept', async () => {
    const path = join(root, 'v1.db');
    const written = new SqliteMemoryStore({ ...POLICY, path });
    await written.init();
    await written.appendTurn(aliceDm, (await written.load(aliceDm)).generations, turn('kept', 'x'));
    await written.close();
    // What the first release left: its tables only, at version 1.
    const db = new DatabaseSync(path);
    db.exec(
      'DROP TABLE facts; DROP TABLE fact_prefs; DROP TABLE chat_personas; ' +
        'DROP TABLE model_choices; DROP TABLE usage; PRAGMA user_version = 1',
    );
    db.close();
    expect(MIGRATIONS[0]!.version).toBe(1);

    const store = new SqliteMemoryStore({ ...POLICY, path });
    await store.init();
    const memory = await store.load(aliceDm);
    expect(texts(memory.entries)).toEqual(['kept', 'x']);
    expect(memory).toMatchObject({ facts: [], factLearning: true });
    await store.applyFacts(aliceDm, { at: 1, add: [{ id: 'f1', text: 'likes tea', tokens: 3 }] });
    expect((await store.load(aliceDm)).facts.map((f) => f.text)).toEqual(['likes tea']);
    await store.close();
  });
});
