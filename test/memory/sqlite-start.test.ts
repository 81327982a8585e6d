import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStartError } from '../../src/memory/memory-start-error.js';
import { SqliteMemoryStore } from '../../src/memory/sqlite/sqlite-memory-store.js';
import { APPLICATION_ID, MIGRATIONS, migrate } from '../../src/memory/sqlite/sqlite-schema.js';
import { alice, texts, turn } from './contract-fixtures.js';
import { POLICY, bytesOf, garbage, initAsNobody, readOnly, remove } from './sqlite-files.js';

/** The schema version of this release; the upgrade tests add one after it. */
const LATEST = MIGRATIONS.at(-1)!.version;

const root = mkdtempSync(join(tmpdir(), 'chatmem-sqlite-start-'));
// Readable by the unprivileged user the read-only cases run as.
chmodSync(root, 0o755);
afterAll(() => remove(root));
let dirs = 0;
const freshDir = () => {
  const dir = join(root, `case-${++dirs}`);
  mkdirSync(dir, { mode: 0o777 });
  chmodSync(dir, 0o777);
  return dir;
};

const open = (
  path: string,
  more: Partial<ConstructorParameters<typeof SqliteMemoryStore>[0]> = {},
) => new SqliteMemoryStore({ ...POLICY, path, busyTimeoutMs: 50, ...more });

async function startError(store: SqliteMemoryStore): Promise<MemoryStartError> {
  const error = await store.init().then(
    () => undefined,
    (e: unknown) => e,
  );
  await store.close();
  expect(error).toBeInstanceOf(MemoryStartError);
  return error as MemoryStartError;
}

const pragma = (path: string, name: string) => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Object.values(db.prepare(`PRAGMA ${name}`).get() ?? {})[0];
  } finally {
    db.close();
  }
};

describe('SqliteMemoryStore: the file', () => {
  it('creates its directory and a WAL file of the latest schema, marked as ours', async () => {
    const path = join(freshDir(), 'nested', 'deeper', 'chatmem.db');
    const store = open(path);
    await store.init();
    await store.init(); // twice is harmless
    await store.close();
    expect(existsSync(path)).toBe(true);
    expect(pragma(path, 'user_version')).toBe(MIGRATIONS.at(-1)!.version);
    expect(pragma(path, 'application_id')).toBe(APPLICATION_ID);
    expect(pragma(path, 'journal_mode')).toBe('wal');
  });

  it('remembers across a restart: messages, summary, generations and turn IDs', async () => {
    const path = join(freshDir(), 'chatmem.db');
    const first = open(path);
    await first.init();
    const loaded = await first.load(alice);
    await first.appendTurn(alice, loaded.generations, turn('q1', 'a1'), { turnId: 'turn-1' });
    await first.appendTurn(alice, loaded.generations, turn('q2', 'a2'), { turnId: 'turn-2' });
    const memory = await first.load(alice);
    await first.commitSummary(alice, {
      expect: memory.generations,
      firstId: memory.entries[0]!.id,
      count: 2,
      summary: 'Asked q1.',
      summaryTokens: 3,
    });
    await first.close();

    const second = open(path);
    await second.init();
    const after = await second.load(alice);
    expect(after).toMatchObject({ summary: 'Asked q1.', summaryTokens: 3, totalTokens: 20 });
    expect(texts(after.entries)).toEqual(['q2', 'a2']);
    // A replay of a turn written before the restart is still recognised.
    const replay = await second.appendTurn(alice, after.generations, turn('q2', 'a2'), {
      turnId: 'turn-2',
    });
    expect(replay.duplicate).toBe(true);
    await second.forget(alice);
    await second.close();
    const third = open(path);
    await third.init();
    expect((await third.appendTurn(alice, after.generations, turn('late', 'x'))).status).toBe(
      'stale',
    );
    await third.close();
  });

  it('upgrades a file of the first release (schema 1, no facts) in place, keeping its memory', async () => {
    const path = join(freshDir(), 'chatmem.db');
    // What the first release left: its schema, and one session of one turn.
    const v1 = new DatabaseSync(path);
    v1.exec('PRAGMA journal_mode = WAL');
    migrate(v1, Date.now(), MIGRATIONS.slice(0, 1));
    const message = (type: string, content: string) =>
      JSON.stringify({ type, data: { content, additional_kwargs: {}, response_metadata: {} } });
    v1.prepare(
      `INSERT INTO sessions (id, platform, user_id, seq, tokens, turn_ids, indexed, expires_at)
       VALUES (?, 'telegram', '1', 2, 20, 'turn-1', 1, NULL)`,
    ).run(alice.id);
    const insert = v1.prepare('INSERT INTO messages VALUES (?, ?, 10, ?, ?)');
    insert.run(alice.id, 1, 'h', message('human', 'kept'));
    insert.run(alice.id, 2, 'a', message('ai', 'x'));
    v1.close();
    expect(pragma(path, 'user_version')).toBe(1);

    const store = open(path);
    await store.init();
    expect(pragma(path, 'user_version')).toBe(LATEST);
    const memory = await store.load(alice);
    expect(texts(memory.entries)).toEqual(['kept', 'x']);
    expect(memory.totalTokens).toBe(20);
    const replay = await store.appendTurn(alice, memory.generations, turn('kept', 'x'), {
      turnId: 'turn-1',
    });
    expect(replay.duplicate).toBe(true);
    // What the new schema brought works on the upgraded file.
    const learned = await store.applyFacts(alice, {
      at: Date.now(),
      add: [{ id: 'f1', text: 'Has a cat called Tom.', tokens: 6 }],
    });
    expect(learned.added).toBe(1);
    expect((await store.load(alice)).facts.map((f) => f.text)).toEqual(['Has a cat called Tom.']);
    await store.close();
  });

  it('upgrades a file of an older schema in place, keeping its memory', async () => {
    const path = join(freshDir(), 'chatmem.db');
    const old = open(path);
    await old.init();
    await old.appendTurn(alice, (await old.load(alice)).generations, turn('kept', 'x'));
    await old.close();

    const next = [
      ...MIGRATIONS,
      {
        version: LATEST + 1,
        sql: 'CREATE TABLE upgraded (x INTEGER); INSERT INTO upgraded VALUES (42);',
      },
    ];
    const upgraded = open(path, { migrations: next });
    await upgraded.init();
    expect(texts((await upgraded.load(alice)).entries)).toEqual(['kept', 'x']);
    await upgraded.close();
    expect(pragma(path, 'user_version')).toBe(LATEST + 1);
    const db = new DatabaseSync(path, { readOnly: true });
    expect(db.prepare('SELECT x FROM upgraded').get()).toEqual({ x: 42 });
    db.close();
  });

  it('leaves a file as it was when a migration fails', async () => {
    const path = join(freshDir(), 'chatmem.db');
    const old = open(path);
    await old.init();
    await old.close();
    const before = bytesOf(path);
    const broken = [
      ...MIGRATIONS,
      { version: LATEST + 1, sql: 'CREATE TABLE t (x); NOT SQL AT ALL;' },
    ];
    const error = await startError(open(path, { migrations: broken }));
    expect(error.message).toContain(path);
    expect(pragma(path, 'user_version')).toBe(LATEST);
    expect(bytesOf(path)).toEqual(before);
  });

  it('refuses a file of a newer release, unchanged, and says what to do', async () => {
    const path = join(freshDir(), 'chatmem.db');
    const store = open(path);
    await store.init();
    await store.appendTurn(alice, (await store.load(alice)).generations, turn('q', 'a'));
    await store.close();
    const db = new DatabaseSync(path);
    db.exec('PRAGMA user_version = 99');
    db.close();
    const before = bytesOf(path);

    const error = await startError(open(path));
    expect(error.location).toBe(path);
    expect(error.message).toBe(
      `SQLite memory at ${path} was written by a newer release of chatmem-bot (schema version ` +
        `99; this release knows up to ${LATEST}). It was not changed: run the newer release, or set ` +
        'SQLITE_PATH to another file',
    );
    expect(bytesOf(path)).toEqual(before);
  });

  it("refuses another program's database, unchanged", async () => {
    const path = join(freshDir(), 'notes.db');
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine')");
    db.close();
    const before = bytesOf(path);
    const error = await startError(open(path));
    expect(error.message).toMatch(/is a SQLite database of another program.*not changed/);
    expect(bytesOf(path)).toEqual(before);

    const other = join(freshDir(), 'other.db');
    const marked = new DatabaseSync(other);
    marked.exec('PRAGMA application_id = 7');
    marked.close();
    expect((await startError(open(other))).message).toMatch(/belongs to another program/);
  });
});

describe('SqliteMemoryStore: a file it cannot use stops start-up with the path and the fix', () => {
  it('a file that is not a database, left as it was', async () => {
    const path = join(freshDir(), 'chatmem.db');
    garbage(path);
    const before = bytesOf(path);
    const error = await startError(open(path));
    expect(error.message).toBe(
      `SQLite memory at ${path} is not a SQLite database, or is damaged (SQLITE_NOTADB). Move ` +
        'it away (the bot then starts with an empty memory) or set SQLITE_PATH to another file',
    );
    expect(bytesOf(path)).toEqual(before);
  });

  it('a database with damaged pages', async () => {
    const path = join(freshDir(), 'chatmem.db');
    const store = open(path);
    await store.init();
    for (let i = 0; i < 50; i++) {
      const { generations } = await store.load(alice);
      await store.appendTurn(alice, generations, turn(`question ${i} ${'x'.repeat(200)}`, 'a'));
    }
    await store.close();
    // Pages 3 to 6 overwritten: the header still says "SQLite", the tables do not.
    const bytes = bytesOf(path);
    bytes.fill(0x5a, 2 * 4096, 6 * 4096);
    writeFileSync(path, bytes);
    const error = await startError(open(path));
    expect(error.message).toMatch(
      new RegExp(
        `^SQLite memory at ${path.replace(/[.]/g, '\\.')} is damaged \\(SQLITE_CORRUPT\\)`,
      ),
    );
    expect(error.message).toContain('restore a backup');
  });

  it('a file locked by another process (busy_timeout), and one held exclusively', async () => {
    const path = join(freshDir(), 'chatmem.db');
    const store = open(path);
    await store.init();
    await store.close();
    const holder = new DatabaseSync(path);
    holder.exec('BEGIN IMMEDIATE');
    const locked = await startError(open(path));
    expect(locked.message).toMatch(/is locked by another process \(SQLITE_BUSY\)\. Stop the other/);
    holder.exec('ROLLBACK');
    // A program holding the file in exclusive locking mode blocks even the first read.
    holder.exec('PRAGMA journal_mode = DELETE; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE');
    holder.exec('COMMIT');
    expect((await startError(open(path))).message).toMatch(/is locked by another process/);
    holder.close();
    const again = open(path);
    await again.init();
    await again.close();
  });

  it('a read-only file', async () => {
    const dir = freshDir();
    const path = join(dir, 'chatmem.db');
    const store = open(path);
    await store.init();
    await store.close();
    chmodSync(path, 0o644);
    const undo = readOnly(path);
    try {
      const error = initAsNobody(path);
      expect(error?.name).toBe('MemoryStartError');
      expect(error?.message).toMatch(
        new RegExp(
          `^SQLite memory at ${path.replace(/[.]/g, '\\.')} is read-only \\(SQLITE_READONLY\\)`,
        ),
      );
      expect(error?.message).toMatch(/set SQLITE_PATH to a writable place$/);
    } finally {
      undo();
    }
  });

  it('a read-only directory, and a directory that cannot be created', async () => {
    const dir = freshDir();
    const undo = readOnly(dir, true);
    try {
      const error = initAsNobody(join(dir, 'chatmem.db'));
      expect(error?.name).toBe('MemoryStartError');
      expect(error?.message).toMatch(/cannot be opened \(SQLITE_CANTOPEN\)|read-only/);
      expect(error?.message).toContain(join(dir, 'chatmem.db'));
    } finally {
      undo();
    }
    const file = join(freshDir(), 'a-file');
    writeFileSync(file, 'x');
    const error = await startError(open(join(file, 'chatmem.db')));
    expect(error.message).toMatch(
      /cannot be created: its directory .*a-file cannot be made \((EEXIST|ENOTDIR): a file is in the way\)\. Create it/,
    );
  });
});
