import { FORGET_MARK_SECONDS, type SessionRef } from '../../core/memory-port.js';
import type { FactStatements } from './sqlite-facts.js';
import type { SettingsStatements } from './sqlite-settings.js';
import { count, row, type SessionRow, type Statements } from './sqlite-statements.js';

/** What the SQLite store deletes: a forgotten session, a forgotten person, and what expired. */

export interface AllStatements {
  readonly s: Statements;
  readonly f: FactStatements;
  readonly t: SettingsStatements;
}

/** Expired sessions deleted per transaction of a sweep, and transactions per sweep at most. */
const SWEEP_BATCH = 500;
const SWEEP_BATCHES = 20;

/**
 * Removes the session's messages, the facts learned in it and the person's model choice there;
 * leaves the mark (next generation, the time) that keeps a reply in flight out for a day.
 */
export function forgetSessionRows({ s, f, t }: AllStatements, session: SessionRef, now: number) {
  const gen = (row<SessionRow>(s.session, session.id, now)?.gen ?? 0) + 1;
  s.deleteMessages.run(session.id);
  const until = now + FORGET_MARK_SECONDS * 1000;
  s.markForgotten.run(session.id, session.platform, session.userId, gen, now, until);
  f.forgetSession.run(session.platform, session.userId, session.id);
  t.removeModel.run(session.platform, session.userId, session.id);
}

/**
 * Removes every indexed session, fact and model choice of the person and bumps their
 * generation; their fact-learning choice and usage counters stay. Returns the live sessions.
 */
export function forgetUserRows(
  { s, f, t }: AllStatements,
  { platform, userId }: Pick<SessionRef, 'platform' | 'userId'>,
  now: number,
): number {
  const live = count(s.liveIndexed, platform, userId, now);
  s.deleteIndexed.run(platform, userId);
  s.bumpUserGeneration.run(platform, userId, now + FORGET_MARK_SECONDS * 1000, now);
  f.forgetUser.run(platform, userId);
  t.forgetModels.run(platform, userId);
  return live;
}

/**
 * Deletes expired sessions (with their messages) in batches of {@link SWEEP_BATCH} per
 * statement, at most {@link SWEEP_BATCHES} per call (the rest next time), then idle users and
 * expired facts, model choices and usage counters. Returns the sessions deleted.
 */
export function sweepRows({ s, f, t }: AllStatements, now: number): number {
  let deleted = 0;
  for (let batch = 0; batch < SWEEP_BATCHES; batch++) {
    const changes = Number(s.sweepSessions.run(now, SWEEP_BATCH).changes);
    deleted += changes;
    if (changes < SWEEP_BATCH) break;
  }
  s.sweepUsers.run(now);
  f.sweep.run(now);
  t.sweepModels.run(now);
  t.sweepUsage.run(now);
  return deleted;
}
