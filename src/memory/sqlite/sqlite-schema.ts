import type { DatabaseSync } from 'node:sqlite';

/**
 * The SQLite store's schema and its migrations. The file carries its version in
 * `PRAGMA user_version` and our mark in `PRAGMA application_id`; a release upgrades an older file
 * in place (each migration in the transaction that sets the new version, so a crash leaves the
 * old version or the new one, never half of it) and refuses a file from a newer release, or one
 * that belongs to another program, without changing a byte of it.
 *
 * Tables (times in ms since the epoch; a NULL `expires_at` never expires):
 *
 *   sessions   one row per session: the Redis meta hash (summary, token total, generation,
 *              sequence, dropped, forgottenAt, the recent turn IDs), its sliding expiry, and
 *              `indexed` (listed in the user's index, which `forgetUser` clears). A forgotten
 *              session stays as a mark (next generation, no messages, not indexed) for a day.
 *   messages   the verbatim list: sequence ID, token count, role (`h` a person's message, `a`
 *              any other) and the LangChain stored-message JSON; deleted with their session.
 *   users      per user: the generation bumped by "forget all" (live until `gen_expires_at`),
 *              the turn lease and the rate window.
 *   store_info `created_at`, `opened_at`: written at every start, which proves the file takes
 *              writes before the first turn does.
 *   facts      (version 2) the person's long-term facts: text, tokens, the session learned in and
 *              its privacy scope, learned and confirmed times, and the person's sliding expiry.
 *   fact_prefs (version 2) people who turned fact learning off; no expiry.
 *   chat_personas (version 3) each chat's persona (`/persona`), by chat ID; no expiry.
 *   model_choices (version 3) the model a person picked in a session (`/model`), with the
 *              person's sliding expiry (as their facts).
 *   usage      (version 3) a person's model tokens per day (`YYYY-MM-DD`) and per month
 *              (`YYYY-MM`), each with its own expiry; `forget` keeps them (accounting).
 */

/** `PRAGMA application_id` of our files: "cmem". Another program's database is never touched. */
export const APPLICATION_ID = 0x636d656d;

export interface Migration {
  /** The `user_version` the file has once this migration ran. */
  readonly version: number;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE sessions (
        id             TEXT PRIMARY KEY,
        platform       TEXT NOT NULL,
        user_id        TEXT NOT NULL,
        gen            INTEGER NOT NULL DEFAULT 0,
        forgotten_at   INTEGER NOT NULL DEFAULT 0,
        seq            INTEGER NOT NULL DEFAULT 0,
        summary        TEXT NOT NULL DEFAULT '',
        summary_tokens INTEGER NOT NULL DEFAULT 0,
        tokens         INTEGER NOT NULL DEFAULT 0,
        dropped        INTEGER NOT NULL DEFAULT 0,
        turn_ids       TEXT NOT NULL DEFAULT '',
        indexed        INTEGER NOT NULL DEFAULT 0,
        expires_at     INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX sessions_by_user ON sessions (platform, user_id);
      CREATE INDEX sessions_by_expiry ON sessions (expires_at) WHERE expires_at IS NOT NULL;
      CREATE TABLE messages (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        id         INTEGER NOT NULL,
        tokens     INTEGER NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('h', 'a')),
        message    TEXT NOT NULL,
        PRIMARY KEY (session_id, id)
      ) WITHOUT ROWID;
      CREATE TABLE users (
        platform         TEXT NOT NULL,
        user_id          TEXT NOT NULL,
        gen              INTEGER NOT NULL DEFAULT 0,
        gen_expires_at   INTEGER NOT NULL DEFAULT 0,
        forgotten_at     INTEGER NOT NULL DEFAULT 0,
        lease_owner      TEXT,
        lease_expires_at INTEGER NOT NULL DEFAULT 0,
        rate_count       INTEGER NOT NULL DEFAULT 0,
        rate_reset_at    INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (platform, user_id)
      ) WITHOUT ROWID;
      CREATE TABLE store_info (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE facts (
        platform     TEXT NOT NULL,
        user_id      TEXT NOT NULL,
        id           TEXT NOT NULL,
        text         TEXT NOT NULL,
        tokens       INTEGER NOT NULL,
        session_id   TEXT NOT NULL,
        scope        TEXT NOT NULL,
        learned_at   INTEGER NOT NULL,
        confirmed_at INTEGER NOT NULL,
        expires_at   INTEGER,
        PRIMARY KEY (platform, user_id, id)
      ) WITHOUT ROWID;
      CREATE INDEX facts_by_expiry ON facts (expires_at) WHERE expires_at IS NOT NULL;
      CREATE TABLE fact_prefs (
        platform     TEXT NOT NULL,
        user_id      TEXT NOT NULL,
        learning_off INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (platform, user_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    sql: `
      CREATE TABLE chat_personas (
        chat_id    TEXT PRIMARY KEY,
        persona    TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE model_choices (
        platform   TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        session_id TEXT NOT NULL,
        model      TEXT NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (platform, user_id, session_id)
      ) WITHOUT ROWID;
      CREATE INDEX model_choices_by_expiry ON model_choices (expires_at)
        WHERE expires_at IS NOT NULL;
      CREATE TABLE usage (
        platform   TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        period     TEXT NOT NULL,
        tokens     INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (platform, user_id, period)
      ) WITHOUT ROWID;
      CREATE INDEX usage_by_expiry ON usage (expires_at);
    `,
  },
];

/** What a file holds before it is opened for writing. */
export interface FileSchema {
  readonly version: number;
  readonly applicationId: number;
  /** Tables, indexes, views and triggers of any kind. */
  readonly objects: number;
}

export function readFileSchema(db: DatabaseSync): FileSchema {
  const number = (sql: string) => Number(Object.values(db.prepare(sql).get() ?? {})[0] ?? 0);
  return {
    version: number('PRAGMA user_version'),
    applicationId: number('PRAGMA application_id'),
    objects: number('SELECT count(*) FROM sqlite_schema'),
  };
}

/**
 * Why this release must not open the file, or undefined when it may. The wording completes
 * "<path> …" and says what to do.
 */
export function refusalOf(
  file: FileSchema,
  migrations: readonly Migration[] = MIGRATIONS,
): string | undefined {
  const known = latestVersion(migrations);
  const ours = file.applicationId === APPLICATION_ID;
  if (file.applicationId !== 0 && !ours) {
    return (
      `belongs to another program (application ID ${file.applicationId}). It was not changed: ` +
      'set SQLITE_PATH to a file of its own, e.g. ./data/chatmem.db'
    );
  }
  if (!ours && file.objects > 0) {
    return (
      'is a SQLite database of another program (it has tables, but not ours). It was not ' +
      'changed: set SQLITE_PATH to a file of its own, e.g. ./data/chatmem.db'
    );
  }
  if (file.version > known) {
    return (
      `was written by a newer release of chatmem-bot (schema version ${file.version}; this ` +
      `release knows up to ${known}). It was not changed: run the newer release, or set ` +
      'SQLITE_PATH to another file'
    );
  }
  return undefined;
}

export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0;
}

/**
 * Brings the file to the latest version in one write transaction (BEGIN IMMEDIATE: another
 * process starting at the same moment waits, then finds the work done) and records the start in
 * `store_info`. Returns the version the file had.
 */
export function migrate(
  db: DatabaseSync,
  now: number,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  db.exec('BEGIN IMMEDIATE');
  try {
    const from = readFileSchema(db);
    const refusal = refusalOf(from, migrations);
    if (refusal) throw new Error(refusal);
    for (const migration of migrations) {
      if (migration.version <= from.version) continue;
      db.exec(migration.sql);
      db.exec(`PRAGMA user_version = ${migration.version}`);
    }
    if (from.applicationId !== APPLICATION_ID) db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
    const info = db.prepare('INSERT OR REPLACE INTO store_info (key, value) VALUES (?, ?)');
    if (from.version === 0) info.run('created_at', new Date(now).toISOString());
    info.run('opened_at', new Date(now).toISOString());
    db.exec('COMMIT');
    return from.version;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
