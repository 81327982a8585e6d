import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { isStoreUnreachable } from '../../src/memory/write-errors.js';
import { connectionError, scriptError } from './unpluggable-store.js';

const dir = mkdtempSync(join(tmpdir(), 'chatmem-write-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error node:sqlite throws for `run` on a fresh database, whatever it is. */
function sqliteError(run: (db: DatabaseSync) => void, path = ':memory:'): Error {
  const db = new DatabaseSync(path, { timeout: 10 });
  try {
    run(db);
  } catch (error) {
    return error as Error;
  } finally {
    if (db.isOpen) db.close();
  }
  throw new Error('expected node:sqlite to throw');
}

/** node:sqlite's shape for a code no test can provoke portably (an I/O error of the disk). */
const ioError = () =>
  Object.assign(new Error('disk I/O error'), {
    code: 'ERR_SQLITE_ERROR',
    errcode: 10 | (4 << 8), // SQLITE_IOERR_WRITE
    errstr: 'disk I/O error',
  });

describe('isStoreUnreachable', () => {
  it('keeps turns while Redis is unreachable or answers "not now", refuses a script error', () => {
    expect(isStoreUnreachable(connectionError())).toBe(true);
    const loading = Object.assign(new Error('LOADING Redis is loading'), { name: 'ReplyError' });
    expect(isStoreUnreachable(loading)).toBe(true);
    expect(isStoreUnreachable(scriptError())).toBe(false);
  });

  it('keeps turns while SQLite is locked, full, read-only, failing on I/O, corrupt or closed', () => {
    const path = join(dir, 'locked.db');
    const holder = new DatabaseSync(path);
    holder.exec('PRAGMA journal_mode=WAL; CREATE TABLE t(x); BEGIN IMMEDIATE');
    const busy = sqliteError((db) => db.exec('BEGIN IMMEDIATE'), path);
    holder.exec('ROLLBACK');
    holder.close();
    const full = sqliteError((db) => {
      db.exec('CREATE TABLE t(x); PRAGMA max_page_count=2');
      for (let i = 0; i < 100; i++) db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(4000));
    });
    const readOnly = sqliteError(() => {
      const db = new DatabaseSync(path, { readOnly: true });
      db.exec('INSERT INTO t VALUES (1)');
    });
    const closed = sqliteError((db) => {
      db.close();
      db.prepare('SELECT 1');
    });
    for (const [name, error] of Object.entries({ busy, full, readOnly, closed })) {
      expect(isStoreUnreachable(error), name).toBe(true);
    }
    expect(isStoreUnreachable(ioError())).toBe(true);
    const notADatabase = Object.assign(new Error('file is not a database'), {
      code: 'ERR_SQLITE_ERROR',
      errcode: 26,
    });
    expect(isStoreUnreachable(notADatabase)).toBe(true);
  });

  it('refuses a write SQLite rejects for its data: too big, a constraint, a bad statement', () => {
    // A small length limit stands in for SQLite's 1 GB default.
    const tooBig = sqliteError((db) => {
      db.exec('CREATE TABLE t(x)');
      db.limits.length = 1000;
      db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(2000));
    });
    const constraint = sqliteError((db) => {
      db.exec('CREATE TABLE t(x PRIMARY KEY); INSERT INTO t VALUES (1); INSERT INTO t VALUES (1)');
    });
    const badStatement = sqliteError((db) => db.exec('INSERT INTO missing VALUES (1)'));
    expect(isStoreUnreachable(tooBig)).toBe(false);
    expect(isStoreUnreachable(constraint)).toBe(false);
    expect(isStoreUnreachable(badStatement)).toBe(false);
  });
});
