import type { StoredMessage } from '@langchain/core/messages';
import type { Fact, FactChanges, FactsApplied } from './facts.js';
import type { SessionRef } from './types.js';
import type { UsageCharge, UsageTotals } from './usage.js';

/** Stores validate every session they are handed with the core's check. */
export { assertSessionRef, chatOf } from './session-id.js';
/** Stores key usage counters by the core's day and keep them as long as these say. */
export { USAGE_DAY_SECONDS, USAGE_MONTH_SECONDS, assertUsageDay, usageMonth } from './usage.js';
export type { UsageCharge, UsageTotals } from './usage.js';
/** Stores apply the privacy rule of facts with the core's scope function. */
export { DEFAULT_MAX_FACTS, assertFactId, factScope, factVisibleIn } from './facts.js';
export type { Fact, FactChanges, FactsApplied, NewFact } from './facts.js';
export type { SessionRef };

/**
 * The memory port, owned by the core and implemented in `src/memory/`. Every implementation passes one contract suite
 * (test/memory/memory-store-contract.ts), so the embedded default behaves like production.
 *
 * Per session it keeps the recent messages verbatim (LangChain stored-message JSON, each with its
 * token count and a sequence ID) and metadata: the running summary, the token total of the list,
 * and a generation that `forget` bumps so a reply in flight cannot write its turn back.
 * Per person (and platform) it keeps long-term facts, under the same hash tag as the sessions.
 */
export interface MemoryStore {
  /**
   * Everything the core needs for one turn, in one round trip. With `lease`, also takes the
   * user's lease (one turn in flight per user, across processes) and counts the turn against the
   * user's rate window; without, a plain read (`/memory`, summaries).
   *
   * A refused turn reads no history (empty `entries`, `summary` ''; `generations` are still
   * given): when another turn holds the lease (`lease.held` false, the turn is not counted), or
   * when the count after this turn exceeds `lease.rateLimit` (then no lease is taken or kept and
   * `lease` is absent; `rate` says when the window ends).
   *
   * The person's facts come in the same round trip, only those the privacy rule allows in this
   * session ({@link factVisibleIn}); a refused turn reads none. So do the person's model choice
   * here and the chat's persona (which a store may serve from a cache at most
   * {@link CHAT_SETTINGS_MAX_AGE_MS} old), and with `lease.budget` the person's tokens that day:
   * a person who spent the budget is refused by `load` itself (`lease` and `rate` absent,
   * `usageToday` at or over the budget), before the rate window counts the turn.
   */
  load(session: SessionRef, lease?: TurnLease): Promise<SessionMemory>;
  /**
   * Appends the messages of one turn atomically (one round trip) if neither the session nor the
   * user was forgotten since `expect` was loaded; refreshes the TTL of every key of the session
   * and enforces the hard cap by dropping the oldest messages (never the ones just added).
   * With `options.turnId`, a turn already written is not written again (`duplicate`).
   */
  appendTurn(
    session: SessionRef,
    expect: Generations,
    messages: readonly NewMessage[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /** Frees the user's lease if `owner` still holds it (a turn that failed or was refused). */
  releaseLease(session: SessionRef, owner: string): Promise<void>;
  /**
   * Replaces the summary and removes exactly the folded messages, atomically, only if they are
   * still at the head of the list and the generations are unchanged. False means nothing changed.
   */
  commitSummary(session: SessionRef, fold: SummaryFold): Promise<boolean>;
  /**
   * Removes the session's memory and the facts learned in it; turns in flight for it are not
   * written afterwards.
   */
  forget(session: SessionRef): Promise<void>;
  /**
   * Removes every session and every fact of the user on that platform; returns how many sessions
   * there were. The person's choice about fact learning stays.
   */
  forgetUser(platform: string, userId: string): Promise<number>;
  /**
   * Adds, updates, deletes and confirms facts of the session's person atomically (one round
   * trip). Updates, deletes and confirmations touch only facts visible in `session`; added and
   * updated facts count as learned in `session`. Past the stored cap (`maxFacts`) the least
   * recently confirmed go. Refreshes the facts' sliding TTL.
   */
  applyFacts(session: SessionRef, changes: FactChanges): Promise<FactsApplied>;
  /**
   * Stops (false) or resumes (true, the default) fact learning for the person on that platform.
   * Kept without expiry and through `forgetUser`: a person who said no stays asked.
   */
  setFactLearning(platform: string, userId: string, enabled: boolean): Promise<void>;
  /**
   * Sets (a text) or removes (undefined) the persona of the session's chat ({@link chatOf}),
   * shared by everyone in it. Kept until removed: it is the chat's setting, not a person's data.
   * This process's next load sees the change at once; others within
   * {@link CHAT_SETTINGS_MAX_AGE_MS}.
   */
  setPersona(session: SessionRef, persona: string | undefined): Promise<void>;
  /**
   * Sets (a name) or removes (undefined) the model the person picked in this session. Removed by
   * `forget` (this session) and `forgetUser`; kept as long as the person's facts, sliding with
   * each of their turns.
   */
  setModel(session: SessionRef, model: string | undefined): Promise<void>;
  /**
   * The person's tokens on `day` (`YYYY-MM-DD`) and in its month on that platform. Counters are
   * accounting, not memory: `forget` and `forgetUser` keep them, so a budget cannot be reset by
   * forgetting; they expire by themselves ({@link USAGE_DAY_SECONDS}, {@link USAGE_MONTH_SECONDS}).
   */
  usage(platform: string, userId: string, day: string): Promise<UsageTotals>;
  /**
   * Adds tokens of a call that writes nothing (a fact extraction whose answer did not parse).
   * Turns, summaries and fact changes carry theirs in their own write.
   */
  addUsage(session: SessionRef, charge: UsageCharge): Promise<void>;
  /** Resolves when the store can serve requests (e.g. scripts loaded); safe to call twice. */
  init(): Promise<void>;
  close(): Promise<void>;
}

export interface TurnLease {
  /** Unique per turn. */
  readonly owner: string;
  /** Lifetime of the lease: the turn's time budget plus a margin, so a crash cannot block. */
  readonly ttlMs: number;
  /** Length of the rate-limit window; absent or 0 counts nothing. */
  readonly rateWindowMs?: number;
  /**
   * Turns allowed per rate window. A turn counted beyond it is refused by `load` itself: no
   * history is read and no lease is taken. Absent or 0: every turn is read, the caller decides.
   */
  readonly rateLimit?: number;
  /**
   * The person's daily token budget (`USER_DAILY_TOKEN_BUDGET`) and the day it is checked on:
   * when the tokens counted that day reach it, `load` refuses the turn (no history read, no lease,
   * not counted in the rate window). Absent: no budget, `usageToday` not read.
   */
  readonly budget?: { readonly day: string; readonly tokens: number };
}

/**
 * How old a chat's settings (its persona) may be when a load returns them: a store may cache
 * them in the process (they are shared by a chat's people, so Redis keeps them apart from any
 * person's keys, and a read every turn would cost a round trip).
 */
export const CHAT_SETTINGS_MAX_AGE_MS = 30_000;

export interface AppendOptions {
  /** When the turn was answered (ms). With unknown generations, a later forget wins. */
  readonly answeredAt?: number;
  /** The lease to free with this write. */
  readonly leaseOwner?: string;
  /**
   * Unique per turn (the core passes its lease owner, a UUID): 1-64 letters, digits, '_', '.',
   * ':' or '-'. The store remembers the recent turn IDs of each session (the last
   * {@link RECENT_TURN_IDS}, for as long as the session lives), so a write the client gave up on
   * but the server ran, then written again by a retry or the outage buffer, is stored once.
   * Absent: every call appends, as before.
   */
  readonly turnId?: string;
  /**
   * The turn's model tokens, added to the person's counters even when a forget makes the write
   * stale (they were spent), but not for a turn ID already written.
   */
  readonly usage?: UsageCharge;
}

/**
 * How many turn IDs a session remembers. A replay comes within the few turns that follow the
 * original (a user's turns run one at a time), so 32 is ample and costs about 1 KB a session.
 */
export const RECENT_TURN_IDS = 32;

const TURN_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Stores check every turn ID with this before writing. */
export function assertTurnId(turnId: string | undefined): void {
  if (turnId !== undefined && !TURN_ID.test(turnId)) {
    throw new RangeError(
      `invalid turn ID ${JSON.stringify(turnId.slice(0, 80))}: use 1-64 letters, digits, '_', '.', ':' or '-'`,
    );
  }
}

/** Generations of a turn answered while memory could not be read: checked by time instead. */
export const UNKNOWN_GENERATIONS: Generations = { session: -1, user: -1 };

export interface Generations {
  readonly session: number;
  readonly user: number;
}

export interface StoredEntry {
  /** Sequence number within the session, strictly increasing; identifies the message. */
  readonly id: number;
  readonly tokens: number;
  readonly message: StoredMessage;
}

export interface SessionMemory {
  readonly summary: string;
  readonly summaryTokens: number;
  readonly entries: readonly StoredEntry[];
  /** Sum of `entries[].tokens`. */
  readonly totalTokens: number;
  readonly generations: Generations;
  /** Messages dropped by the hard cap without being summarised (summaries kept failing). */
  readonly dropped: number;
  /**
   * With a lease asked for: whether the caller holds it, or how long until it frees. Absent when
   * the turn was refused by `rateLimit` (no lease was taken).
   */
  readonly lease?: { readonly held: boolean; readonly retryAfterMs: number };
  /** With a rate window: turns counted in the current window, and ms until it ends. */
  readonly rate?: { readonly count: number; readonly resetInMs: number };
  /** The person's facts allowed in this session, in no particular order. */
  readonly facts: readonly Fact[];
  /** False when the person turned fact learning off (`/remember off`). */
  readonly factLearning: boolean;
  /** The chat's persona (`/persona`); absent when none is set. Not read for a refused turn. */
  readonly persona?: string;
  /** The model the person picked here (`/model`); absent: the operator's default. */
  readonly model?: string;
  /** With `lease.budget`: the person's tokens counted on its day. */
  readonly usageToday?: number;
}

export interface NewMessage {
  readonly message: StoredMessage;
  readonly tokens: number;
}

export interface AppendResult {
  /**
   * `stale`: the session or user was forgotten meanwhile, nothing was written. `buffered`: the
   * store was unreachable; the turn is kept in process and written when it answers again.
   */
  readonly status: 'written' | 'stale' | 'buffered';
  /**
   * With status `written`: true when this turn ID had already been written, so nothing was
   * appended this time (a replay); the counts are those of the list as it is. Absent otherwise.
   */
  readonly duplicate?: true;
  readonly totalTokens: number;
  readonly messageCount: number;
  /** Oldest messages removed by the hard cap in this write. */
  readonly dropped: number;
}

export interface SummaryFold {
  readonly expect: Generations;
  /** ID of the first (oldest) folded message; it must still be at the head of the list. */
  readonly firstId: number;
  /** Number of messages folded, from the head. */
  readonly count: number;
  readonly summary: string;
  readonly summaryTokens: number;
  /** The summary call's tokens, added to the person's counters whether or not the fold commits. */
  readonly usage?: UsageCharge;
}

/** Limits every store applies the same way. */
export interface MemoryPolicy {
  /** Idle expiry of a session, refreshed by every turn; 0 keeps memory until forgotten. */
  readonly ttlSeconds: number;
  /**
   * Hard cap of the verbatim list, whatever the summariser does. Summaries normally keep the list
   * near the token window; this bound only bites when summarising keeps failing.
   */
  readonly maxTokens: number;
  readonly maxMessages: number;
  /** Facts kept per person per platform (`FACTS_MAX_STORED`). Default {@link DEFAULT_MAX_FACTS}. */
  readonly maxFacts?: number;
}

/**
 * How long the mark left by `forget` lives. It only has to outlast a reply in flight (bounded by
 * the model's time budget), so a day is ample and forgotten sessions leave nothing for long.
 */
export const FORGET_MARK_SECONDS = 86_400;

export function hardCapFor(windowTokens: number): Pick<MemoryPolicy, 'maxTokens' | 'maxMessages'> {
  return { maxTokens: windowTokens * 4, maxMessages: 400 };
}

export function emptyMemory(generations: Generations): SessionMemory {
  return {
    summary: '',
    summaryTokens: 0,
    entries: [],
    totalTokens: 0,
    generations,
    dropped: 0,
    facts: [],
    factLearning: true,
  };
}
