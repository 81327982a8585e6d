import type { StoredMessage } from '@langchain/core/messages';
import {
  RECENT_TURN_IDS,
  emptyMemory,
  type AppendOptions,
  type AppendResult,
  type Generations,
  type MemoryPolicy,
  type NewMessage,
  type SessionMemory,
  type SessionRef,
  type SummaryFold,
  type TurnLease,
} from '../../core/memory-port.js';
import { roleOf } from '../stored-entry.js';
import { factLearning, visibleFacts, type FactStatements } from './sqlite-facts.js';
import {
  counted as tokensOn,
  modelOf,
  personaOf,
  type SettingsStatements,
} from './sqlite-settings.js';
import {
  count,
  row,
  rows,
  type HeadEntry,
  type MessageRow,
  type SessionRow,
  type Statements,
  type UserRow,
} from './sqlite-statements.js';

/**
 * The two round trips of a turn, as the Redis load and append scripts make them; each runs
 * inside one of the store's transactions, so it sees and leaves a consistent file.
 */

const STALE: AppendResult = { status: 'stale', totalTokens: 0, messageCount: 0, dropped: 0 };

const NEW_SESSION: Omit<SessionRow, 'gen'> = {
  forgottenAt: 0,
  seq: 0,
  summary: '',
  summaryTokens: 0,
  tokens: 0,
  dropped: 0,
  turnIds: '',
};

export function userOf(s: Statements, session: Pick<SessionRef, 'platform' | 'userId'>) {
  return row<UserRow>(s.user, session.platform, session.userId);
}

/** The user's generation while its mark lives (a day after "forget all"); undefined after. */
export function liveGeneration(user: UserRow | undefined, now: number): number | undefined {
  return user && user.genExpiresAt > now ? user.gen : undefined;
}

/**
 * Everything one turn needs: with `lease`, also takes the user's lease and counts the turn (the
 * caller runs this in a write transaction then). A refused turn reads no history and no facts.
 */
export function loadRows(
  s: Statements,
  f: FactStatements,
  t: SettingsStatements,
  session: SessionRef,
  lease: TurnLease | undefined,
  now: number,
): SessionMemory {
  const user = userOf(s, session);
  const spent = lease?.budget ? tokensOn(t, session, lease.budget.day, now) : undefined;
  const turn = lease ? takeLease(s, session, user, lease, now, spent) : {};
  const state = row<SessionRow>(s.session, session.id, now);
  const generations = { session: state?.gen ?? 0, user: liveGeneration(user, now) ?? 0 };
  const model = modelOf(t, session, now);
  const learning = { factLearning: factLearning(f, session), ...(model ? { model } : {}) };
  // A refused turn (busy, over the budget or the rate limit: no lease then) reads nothing.
  if (lease && turn.lease?.held !== true) {
    return { ...emptyMemory(generations), ...learning, ...turn };
  }
  const facts = visibleFacts(f, session, now);
  const persona = personaOf(t, session);
  if (persona !== undefined) Object.assign(learning, { persona });
  if (!state) return { ...emptyMemory(generations), facts, ...learning, ...turn };
  const entries = rows<MessageRow>(s.messages, session.id).map((m) => ({
    id: m.id,
    tokens: m.tokens,
    message: JSON.parse(m.message) as StoredMessage,
  }));
  return {
    summary: state.summary,
    summaryTokens: state.summaryTokens,
    entries,
    totalTokens: state.tokens,
    generations,
    dropped: state.dropped,
    facts,
    ...learning,
    ...turn,
  };
}

/**
 * Appends one turn unless its ID was written already or a forget since it was loaded wins;
 * refreshes the session's sliding expiry, enforces the hard cap and frees the turn's lease.
 */
export function appendTurnRows(
  s: Statements,
  policy: MemoryPolicy,
  now: number,
  session: SessionRef,
  expect: Generations,
  messages: readonly NewMessage[],
  options: AppendOptions,
): AppendResult {
  const user = userOf(s, session);
  if (options.leaseOwner && user?.leaseOwner === options.leaseOwner) {
    s.releaseLease.run(session.platform, session.userId, options.leaseOwner);
  }
  let state = row<SessionRow>(s.session, session.id, now);
  const { turnId } = options;
  if (turnId && state?.turnIds.split(' ').includes(turnId)) {
    const messageCount = count(s.messageCount, session.id);
    return {
      status: 'written',
      duplicate: true,
      totalTokens: state.tokens,
      messageCount,
      dropped: 0,
    };
  }
  if (isStale(state, user, expect, options.answeredAt ?? now, now)) return STALE;
  if (!state) {
    // Whatever expired under this ID is gone for good, as an expired Redis key is.
    s.deleteSession.run(session.id);
    state = { ...NEW_SESSION, gen: Math.max(expect.session, 0) };
    s.insertSession.run(session.id, session.platform, session.userId, state.gen);
  }
  let { seq, tokens: total } = state;
  for (const { tokens, message } of messages) {
    seq += 1;
    s.insertMessage.run(session.id, seq, tokens, roleOf(message), JSON.stringify(message));
    total += tokens;
  }
  let length = count(s.messageCount, session.id);
  // Hard cap: the oldest messages go, never the ones just written, and whole turns: after a drop
  // the list starts on a person's message again (by the role kept with each entry).
  const { maxTokens, maxMessages, ttlSeconds } = policy;
  let dropped = 0;
  if (total > maxTokens || length > maxMessages) {
    let lastDropped = 0;
    // Stepped, not read whole: at the cap a turn drops a message or two of hundreds.
    const head = s.head.iterate(session.id, length - messages.length) as Iterable<HeadEntry>;
    for (const entry of head) {
      const over = total > maxTokens || length > maxMessages;
      if (!over && !(dropped > 0 && entry.role !== 'h')) break;
      total -= entry.tokens;
      length -= 1;
      dropped += 1;
      lastDropped = entry.id;
    }
    if (dropped > 0) s.deleteHead.run(session.id, lastDropped);
  }
  const turnIds = turnId ? recentTurnIds(state.turnIds, turnId) : state.turnIds;
  const expiresAt = ttlSeconds > 0 ? now + ttlSeconds * 1000 : null;
  s.saveAppend.run(seq, total, state.dropped + dropped, turnIds, expiresAt, session.id);
  return { status: 'written', totalTokens: total, messageCount: length, dropped };
}

/**
 * Replaces the summary and removes exactly the folded head, only if it is still the head and
 * nothing was forgotten since the fold was loaded.
 */
export function commitFoldRows(
  s: Statements,
  session: SessionRef,
  fold: SummaryFold,
  now: number,
): boolean {
  const state = row<SessionRow>(s.session, session.id, now);
  if (!state || state.gen !== fold.expect.session || fold.count < 1) return false;
  const userGeneration = liveGeneration(userOf(s, session), now);
  if (userGeneration !== undefined && userGeneration !== fold.expect.user) return false;
  const head = rows<HeadEntry>(s.head, session.id, fold.count);
  if (head.length !== fold.count || head.some((e, i) => e.id !== fold.firstId + i)) return false;
  s.deleteHead.run(session.id, head.at(-1)!.id);
  const folded = head.reduce((sum, e) => sum + e.tokens, 0);
  s.saveFold.run(fold.summary, fold.summaryTokens, folded, session.id);
  return true;
}

/**
 * Takes the user's lease and counts the turn against the rate window, as the Redis load script
 * does: a lease held by another turn refuses this one (not counted); a spent budget
 * (`spentToday` at or over it) refuses it before it is counted; a count past the limit refuses
 * it. A refused turn keeps no lease.
 */
function takeLease(
  s: Statements,
  session: SessionRef,
  user: UserRow | undefined,
  lease: TurnLease,
  now: number,
  spentToday: number | undefined,
): Pick<SessionMemory, 'lease' | 'rate' | 'usageToday'> {
  const key = [session.platform, session.userId] as const;
  const holder = user?.leaseOwner && user.leaseExpiresAt > now ? user.leaseOwner : undefined;
  if (user && holder && holder !== lease.owner) {
    return { lease: { held: false, retryAfterMs: user.leaseExpiresAt - now } };
  }
  if (!user) s.ensureUser.run(...key);
  const spent = spentToday === undefined ? {} : { usageToday: spentToday };
  if (lease.budget && lease.budget.tokens > 0 && (spentToday ?? 0) >= lease.budget.tokens) {
    s.setLease.run(null, 0, ...key);
    return spent;
  }
  let rate: SessionMemory['rate'];
  if (lease.rateWindowMs) {
    const fresh = !user || user.rateResetAt <= now;
    const resetAt = fresh ? now + lease.rateWindowMs : user.rateResetAt;
    const counted = (fresh ? 0 : user.rateCount) + 1;
    s.setRate.run(counted, resetAt, ...key);
    rate = { count: counted, resetInMs: resetAt - now };
    if (lease.rateLimit && counted > lease.rateLimit) {
      s.setLease.run(null, 0, ...key);
      return { rate, ...spent };
    }
  }
  s.setLease.run(lease.owner, now + lease.ttlMs, ...key);
  return { lease: { held: true, retryAfterMs: 0 }, ...(rate ? { rate } : {}), ...spent };
}

/**
 * Whether a forget since the turn was loaded wins over its write. With known generations, by
 * generation; a turn answered while memory could not be read has none: then a forget after it
 * was answered wins, by time.
 */
function isStale(
  state: SessionRow | undefined,
  user: UserRow | undefined,
  expect: Generations,
  answeredAt: number,
  now: number,
): boolean {
  const userGeneration = liveGeneration(user, now);
  if (expect.session >= 0) {
    if (state && state.gen !== expect.session) return true;
    return userGeneration !== undefined && userGeneration !== expect.user;
  }
  const userForgottenAt = user && userGeneration !== undefined ? user.forgottenAt : 0;
  return (state?.forgottenAt ?? 0) > answeredAt || userForgottenAt > answeredAt;
}

/** The session's turn IDs with `turnId` added, the oldest beyond {@link RECENT_TURN_IDS} gone. */
function recentTurnIds(turnIds: string, turnId: string): string {
  const ids = turnIds === '' ? [] : turnIds.split(' ');
  ids.push(turnId);
  return ids.slice(-RECENT_TURN_IDS).join(' ');
}
