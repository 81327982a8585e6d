import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MemoryStartError } from '../memory-start-error.js';
import { MIGRATIONS, migrate, readFileSchema, refusalOf, type Migration } from './sqlite-schema.js';

export interface OpenOptions {
  /** How long a statement waits for another process's lock before failing with SQLITE_BUSY. */
  readonly busyTimeoutMs: number;
  /** Largest size of the file in bytes (SQLite's `max_page_count`); 0 = no limit. */
  readonly maxSizeBytes: number;
  readonly now: number;
  readonly migrations?: readonly Migration[];
}

/**
 * Opens the store's file for reading and writing, or throws a {@link MemoryStartError} that
 * names the path, what is wrong and the fix. The checks come before anything is written: a file
 * of a newer release or of another program, or one that is not a database, is refused unchanged
 * (it is first opened read-only). Then: WAL journal (readers never wait for the writer),
 * `synchronous=NORMAL` (a crash of the process loses nothing committed; a power cut may lose the
 * last commits, as Redis's `appendfsync everysec` does), foreign keys, a quick integrity check
 * (reads every page once: a start-up cost proportional to the file), and the migrations, whose
 * transaction also writes the start time, so a read-only file fails here rather than on a turn.
 */
export function openDatabase(path: string, options: OpenOptions): DatabaseSync {
  const fail = (what: string, cause?: unknown) =>
    new MemoryStartError(path, `SQLite memory at ${path} ${what}`, { cause });
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw fail(
      `cannot be created: its directory ${dirname(path)} cannot be made (${codeOf(error)}). ` +
        'Create it and let the bot write to it, or set SQLITE_PATH to a writable place',
      error,
    );
  }
  const migrations = options.migrations ?? MIGRATIONS;
  if (existsSync(path)) {
    const refusal = attempt(() => {
      const check = new DatabaseSync(path, { readOnly: true, timeout: options.busyTimeoutMs });
      try {
        return refusalOf(readFileSchema(check), migrations);
      } finally {
        check.close();
      }
    }, fail);
    if (refusal) throw fail(refusal);
  }
  return attempt(() => {
    const db = new DatabaseSync(path, { timeout: options.busyTimeoutMs });
    try {
      const mode = db.prepare('PRAGMA journal_mode = WAL').get()?.journal_mode;
      if (mode !== 'wal') throw new Error(`journal_mode is ${String(mode)}, not wal`);
      db.exec('PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON');
      const problems = db.prepare('PRAGMA quick_check(5)').all();
      const first = String(Object.values(problems[0] ?? {})[0] ?? 'ok');
      if (problems.length !== 1 || first !== 'ok') {
        throw corruption(problems.map((row) => String(Object.values(row)[0])).join('; '));
      }
      if (options.maxSizeBytes > 0) {
        const pageSize = Number(db.prepare('PRAGMA page_size').get()?.page_size ?? 4096);
        db.exec(
          `PRAGMA max_page_count = ${Math.max(1, Math.floor(options.maxSizeBytes / pageSize))}`,
        );
      }
      migrate(db, options.now, migrations);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  }, fail);
}

/** SQLite's primary result codes that have an operator's fix. */
const FIXES: Record<number, string> = {
  5:
    'is locked by another process (SQLITE_BUSY). Stop the other program or bot that has it ' +
    'open (two bots need Redis, not one SQLite file), or set SQLITE_PATH to another file',
  6: 'is locked (SQLITE_LOCKED). Stop the other program that has it open, then start again',
  8:
    'is read-only (SQLITE_READONLY). Let the bot write to the file and its directory ' +
    '(SQLite also creates <file>-wal and <file>-shm there), or set SQLITE_PATH to a writable place',
  10:
    'cannot be read or written (SQLITE_IOERR: a disk error). Check the disk, then start again, ' +
    'or set SQLITE_PATH to another disk',
  11:
    'is damaged (SQLITE_CORRUPT). Move it away (the bot then starts with an empty memory) or ' +
    'restore a backup',
  13:
    'cannot grow: the disk is full (SQLITE_FULL). Free some space, or set SQLITE_PATH to ' +
    'another disk',
  14:
    'cannot be opened (SQLITE_CANTOPEN). Check that the file and its directory exist and that ' +
    'the bot may write to both (SQLite creates <file>-wal and <file>-shm next to it), or set ' +
    'SQLITE_PATH to a writable place',
  26:
    'is not a SQLite database, or is damaged (SQLITE_NOTADB). Move it away (the bot then ' +
    'starts with an empty memory) or set SQLITE_PATH to another file',
};

function attempt<T>(run: () => T, fail: (what: string, cause?: unknown) => MemoryStartError): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof MemoryStartError) throw error;
    const errcode = (error as { errcode?: unknown }).errcode;
    const fix = typeof errcode === 'number' ? FIXES[errcode & 0xff] : undefined;
    throw fail(fix ?? `cannot be opened: ${(error as Error).message}`, error);
  }
}

function corruption(detail: string): Error {
  return Object.assign(new Error(`integrity check failed: ${detail.slice(0, 300)}`), {
    code: 'ERR_SQLITE_ERROR',
    errcode: 11,
  });
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'EEXIST' || code === 'ENOTDIR') return `${code}: a file is in the way`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `${code}: not writable`;
  return typeof code === 'string' ? code : String(error);
}
