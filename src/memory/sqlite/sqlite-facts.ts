import type { DatabaseSync, StatementSync } from 'node:sqlite';
import {
  DEFAULT_MAX_FACTS,
  assertFactId,
  factScope,
  type Fact,
  type FactChanges,
  type FactsApplied,
  type SessionRef,
} from '../../core/memory-port.js';
import { row, type SessionRow, type Statements } from './sqlite-statements.js';
import { liveGeneration, userOf } from './sqlite-turns.js';

/**
 * The facts part of the SQLite store (tables `facts` and `fact_prefs`, schema version 2): the
 * Redis apply-facts script's semantics, run inside the store's transactions. Every fact of a
 * person carries the person's sliding expiry, moved by each of their turns.
 */

type Person = Pick<SessionRef, 'platform' | 'userId'>;

interface FactRow {
  readonly id: string;
  readonly text: string;
  readonly tokens: number;
  readonly sessionId: string;
  readonly scope: string;
  readonly learnedAt: number;
  readonly confirmedAt: number;
}

const LIVE = '(expires_at IS NULL OR expires_at > ?)';
const COLUMNS = `id, text, tokens, session_id AS sessionId, scope, learned_at AS learnedAt,
  confirmed_at AS confirmedAt`;

export function prepareFactStatements(db: DatabaseSync) {
  const p = (sql: string): StatementSync => db.prepare(sql);
  return {
    all: p(`SELECT ${COLUMNS} FROM facts WHERE platform = ? AND user_id = ? AND ${LIVE}`),
    one: p(
      `SELECT ${COLUMNS} FROM facts WHERE platform = ? AND user_id = ? AND id = ? AND ${LIVE}`,
    ),
    insert: p(
      `INSERT INTO facts (platform, user_id, id, text, tokens, session_id, scope, learned_at,
        confirmed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET text = excluded.text, tokens = excluded.tokens,
        session_id = excluded.session_id, scope = excluded.scope, learned_at = excluded.learned_at,
        confirmed_at = excluded.confirmed_at, expires_at = excluded.expires_at`,
    ),
    confirm: p(
      `UPDATE facts SET confirmed_at = max(confirmed_at, ?)
       WHERE platform = ? AND user_id = ? AND id = ?`,
    ),
    remove: p('DELETE FROM facts WHERE platform = ? AND user_id = ? AND id = ?'),
    count: p(`SELECT count(*) AS n FROM facts WHERE platform = ? AND user_id = ? AND ${LIVE}`),
    /** The least recently confirmed first, then the smaller ID, as in every store. */
    evict: p(
      `DELETE FROM facts WHERE platform = ?1 AND user_id = ?2 AND id IN (
        SELECT id FROM facts WHERE platform = ?1 AND user_id = ?2
        ORDER BY confirmed_at, id LIMIT ?3)`,
    ),
    touch: p('UPDATE facts SET expires_at = ? WHERE platform = ? AND user_id = ?'),
    removeExpired: p(
      'DELETE FROM facts WHERE platform = ? AND user_id = ? AND expires_at IS NOT NULL AND expires_at <= ?',
    ),
    forgetSession: p('DELETE FROM facts WHERE platform = ? AND user_id = ? AND session_id = ?'),
    forgetUser: p('DELETE FROM facts WHERE platform = ? AND user_id = ?'),
    learningOff: p('SELECT learning_off AS off FROM fact_prefs WHERE platform = ? AND user_id = ?'),
    setOff: p('INSERT INTO fact_prefs (platform, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    setOn: p('DELETE FROM fact_prefs WHERE platform = ? AND user_id = ?'),
    sweep: p('DELETE FROM facts WHERE expires_at IS NOT NULL AND expires_at <= ?'),
  };
}

export type FactStatements = ReturnType<typeof prepareFactStatements>;

const toFact = ({ scope: _scope, ...fact }: FactRow): Fact => ({ ...fact });

/** The person's facts allowed in `session` (the privacy rule). */
export function visibleFacts(f: FactStatements, session: SessionRef, now: number): Fact[] {
  const here = factScope(session.id);
  const all = f.all.all(session.platform, session.userId, now) as unknown as FactRow[];
  return all.filter((fact) => here === '' || fact.scope === here).map(toFact);
}

export function factLearning(f: FactStatements, person: Person): boolean {
  return f.learningOff.get(person.platform, person.userId) === undefined;
}

export function setLearning(f: FactStatements, person: Person, enabled: boolean): void {
  (enabled ? f.setOn : f.setOff).run(person.platform, person.userId);
}

/** Slides the expiry of the person's facts, as each of their turns does. */
export function touchFacts(f: FactStatements, person: Person, expiresAt: number | null): void {
  f.touch.run(expiresAt, person.platform, person.userId);
}

/**
 * Applies the changes unless a forget since `changes.expect` wins; keeps the cap, slides the
 * expiry. Runs inside the store's write transaction.
 */
export function applyFactRows(
  s: Statements,
  f: FactStatements,
  options: { readonly ttlSeconds: number; readonly maxFacts?: number },
  now: number,
  session: SessionRef,
  changes: FactChanges,
): FactsApplied {
  const { expect } = changes;
  if (expect) {
    // As a turn's write: absent generations mean nothing was forgotten lately.
    const gen = row<SessionRow>(s.session, session.id, now)?.gen ?? expect.session;
    const userGen = liveGeneration(userOf(s, session), now) ?? expect.user;
    if (gen !== expect.session || userGen !== expect.user) {
      return { status: 'stale', added: 0, updated: 0, removed: 0, evicted: 0 };
    }
  }
  for (const fact of [...(changes.add ?? []), ...(changes.update ?? [])]) assertFactId(fact.id);
  for (const id of [...(changes.remove ?? []), ...(changes.confirm ?? [])]) assertFactId(id);
  const person = [session.platform, session.userId] as const;
  // Expired facts are gone, as an expired Redis hash is: an ID of theirs is free again.
  f.removeExpired.run(...person, now);
  const here = factScope(session.id);
  const visible = (id: string) => {
    const fact = f.one.get(...person, id, now) as FactRow | undefined;
    return fact && (here === '' || fact.scope === here) ? fact : undefined;
  };
  const expiresAt = options.ttlSeconds > 0 ? now + options.ttlSeconds * 1000 : null;
  const { at } = changes;
  const write = (id: string, text: string, tokens: number) =>
    f.insert.run(...person, id, text, tokens, session.id, here, at, at, expiresAt);
  let removed = 0;
  let updated = 0;
  let added = 0;
  for (const id of changes.remove ?? []) {
    if (visible(id)) removed += Number(f.remove.run(...person, id).changes);
  }
  for (const change of changes.update ?? []) {
    if (!visible(change.id)) continue;
    write(change.id, change.text, change.tokens);
    updated += 1;
  }
  for (const id of changes.confirm ?? []) {
    if (!visible(id)) continue;
    f.confirm.run(at, ...person, id);
    updated += 1;
  }
  for (const fact of changes.add ?? []) {
    if (f.one.get(...person, fact.id, now)) continue;
    write(fact.id, fact.text, fact.tokens);
    added += 1;
  }
  const stored = Number(f.count.get(...person, now)?.n ?? 0);
  const excess = Math.max(0, stored - (options.maxFacts ?? DEFAULT_MAX_FACTS));
  if (excess > 0) f.evict.run(...person, excess);
  touchFacts(f, session, expiresAt);
  return { status: 'applied', added, updated, removed, evicted: excess };
}
