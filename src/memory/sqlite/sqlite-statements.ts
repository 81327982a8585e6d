import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';

/**
 * Every statement of the SQLite store, prepared once when the store opens, with typed rows.
 * Times are ms since the epoch; "live" means `expires_at` is NULL or later than the given time,
 * so an expired row is invisible at once, before the sweep deletes it.
 */

export interface SessionRow {
  readonly gen: number;
  readonly forgottenAt: number;
  readonly seq: number;
  readonly summary: string;
  readonly summaryTokens: number;
  readonly tokens: number;
  readonly dropped: number;
  /** The last turn IDs written, space-separated, oldest first (as the Redis store keeps them). */
  readonly turnIds: string;
}

export interface UserRow {
  readonly gen: number;
  readonly genExpiresAt: number;
  readonly forgottenAt: number;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number;
  readonly rateCount: number;
  readonly rateResetAt: number;
}

export interface HeadEntry {
  readonly id: number;
  readonly tokens: number;
  readonly role: string;
}

export interface MessageRow {
  readonly id: number;
  readonly tokens: number;
  readonly message: string;
}

const LIVE = '(expires_at IS NULL OR expires_at > ?)';

export function prepareStatements(db: DatabaseSync) {
  const p = (sql: string): StatementSync => db.prepare(sql);
  const statements = {
    begin: p('BEGIN'),
    beginImmediate: p('BEGIN IMMEDIATE'),
    commit: p('COMMIT'),
    rollback: p('ROLLBACK'),
    ping: p('SELECT count(*) FROM store_info'),
    session: p(
      `SELECT gen AS gen, forgotten_at AS forgottenAt, seq AS seq, summary AS summary,
        summary_tokens AS summaryTokens, tokens AS tokens, dropped AS dropped, turn_ids AS turnIds
       FROM sessions WHERE id = ? AND ${LIVE}`,
    ),
    messages: p('SELECT id, tokens, message FROM messages WHERE session_id = ? ORDER BY id'),
    messageCount: p('SELECT count(*) AS n FROM messages WHERE session_id = ?'),
    head: p('SELECT id, tokens, role FROM messages WHERE session_id = ? ORDER BY id LIMIT ?'),
    insertMessage: p(
      'INSERT INTO messages (session_id, id, tokens, role, message) VALUES (?, ?, ?, ?, ?)',
    ),
    deleteHead: p('DELETE FROM messages WHERE session_id = ? AND id <= ?'),
    deleteMessages: p('DELETE FROM messages WHERE session_id = ?'),
    /** Removes a session row (live or expired) and, by cascade, its messages. */
    deleteSession: p('DELETE FROM sessions WHERE id = ?'),
    insertSession: p('INSERT INTO sessions (id, platform, user_id, gen) VALUES (?, ?, ?, ?)'),
    saveAppend: p(
      `UPDATE sessions SET seq = ?, tokens = ?, dropped = ?, turn_ids = ?, indexed = 1,
        expires_at = ? WHERE id = ?`,
    ),
    saveFold: p(
      'UPDATE sessions SET summary = ?, summary_tokens = ?, tokens = tokens - ? WHERE id = ?',
    ),
    /** The mark `forget` leaves: the next generation and the time, nothing else, not indexed. */
    markForgotten: p(
      `INSERT INTO sessions (id, platform, user_id, gen, forgotten_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET gen = excluded.gen, forgotten_at = excluded.forgotten_at,
        seq = 0, summary = '', summary_tokens = 0, tokens = 0, dropped = 0, turn_ids = '',
        indexed = 0, expires_at = excluded.expires_at`,
    ),
    user: p(
      `SELECT gen AS gen, gen_expires_at AS genExpiresAt, forgotten_at AS forgottenAt,
        lease_owner AS leaseOwner, lease_expires_at AS leaseExpiresAt, rate_count AS rateCount,
        rate_reset_at AS rateResetAt
       FROM users WHERE platform = ? AND user_id = ?`,
    ),
    ensureUser: p('INSERT INTO users (platform, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    setLease: p(
      'UPDATE users SET lease_owner = ?, lease_expires_at = ? WHERE platform = ? AND user_id = ?',
    ),
    setRate: p(
      'UPDATE users SET rate_count = ?, rate_reset_at = ? WHERE platform = ? AND user_id = ?',
    ),
    releaseLease: p(
      `UPDATE users SET lease_owner = NULL, lease_expires_at = 0
       WHERE platform = ? AND user_id = ? AND lease_owner = ?`,
    ),
    liveIndexed: p(
      `SELECT count(*) AS n FROM sessions
       WHERE platform = ? AND user_id = ? AND indexed = 1 AND ${LIVE}`,
    ),
    deleteIndexed: p('DELETE FROM sessions WHERE platform = ? AND user_id = ? AND indexed = 1'),
    /** Bumps the user's generation (from 0 again once the last one lapsed, as in Redis). */
    bumpUserGeneration: p(
      `INSERT INTO users (platform, user_id, gen, gen_expires_at, forgotten_at)
       VALUES (?1, ?2, 1, ?3, ?4)
       ON CONFLICT DO UPDATE SET gen = CASE WHEN gen_expires_at > ?4 THEN gen + 1 ELSE 1 END,
        gen_expires_at = ?3, forgotten_at = ?4`,
    ),
    sweepSessions: p(
      `DELETE FROM sessions WHERE id IN (SELECT id FROM sessions
        WHERE expires_at IS NOT NULL AND expires_at <= ? LIMIT ?)`,
    ),
    sweepUsers: p(
      `DELETE FROM users WHERE gen_expires_at <= ?1 AND lease_expires_at <= ?1
        AND rate_reset_at <= ?1 AND NOT EXISTS (SELECT 1 FROM sessions AS s
          WHERE s.platform = users.platform AND s.user_id = users.user_id)`,
    ),
  };
  return statements;
}

export type Statements = ReturnType<typeof prepareStatements>;

/** The first row of `statement`, typed by the caller's knowledge of its columns. */
export function row<T>(statement: StatementSync, ...params: SQLInputValue[]): T | undefined {
  return statement.get(...params) as T | undefined;
}

export function rows<T>(statement: StatementSync, ...params: SQLInputValue[]): T[] {
  return statement.all(...params) as T[];
}

export function count(statement: StatementSync, ...params: SQLInputValue[]): number {
  return Number(statement.get(...params)?.n ?? 0);
}
