import type { DatabaseSync } from 'node:sqlite';
import {
  FORGET_MARK_SECONDS,
  type AppendOptions,
  type AppendResult,
  type FactChanges,
  type FactsApplied,
  type Generations,
  type MemoryPolicy,
  type MemoryStore,
  type NewMessage,
  type SessionMemory,
  type SummaryFold,
  type TurnLease,
  assertSessionRef,
  assertTurnId,
  type SessionRef,
} from '../../core/memory-port.js';
import {
  applyFactRows,
  prepareFactStatements,
  setLearning,
  touchFacts,
  type FactStatements,
} from './sqlite-facts.js';
import { openDatabase } from './sqlite-open.js';
import type { Migration } from './sqlite-schema.js';
import {
  count,
  prepareStatements,
  row,
  rows,
  type HeadEntry,
  type SessionRow,
  type Statements,
} from './sqlite-statements.js';
import { appendTurnRows, liveGeneration, loadRows, userOf } from './sqlite-turns.js';

export interface SqliteStoreOptions extends MemoryPolicy {
  /** The database file; its directory is created. */
  readonly path: string;
  /** Clock in milliseconds; tests inject one to move time. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * How often expired sessions are deleted (they are invisible from the moment they expire).
   * Default 60 s: the file must not grow without bound even if nobody comes back.
   */
  readonly sweepIntervalMs?: number;
  /**
   * How long a statement waits for another process's lock (busy_timeout). Default 1000 ms: a
   * transaction here takes well under a millisecond, so a longer wait means someone else holds
   * the file; the call then fails like an unreachable Redis (the outage buffer keeps the turn).
   * node:sqlite is synchronous, so the process waits too: keep it short.
   */
  readonly busyTimeoutMs?: number;
  /** Largest size of the file in bytes; past it writes fail as on a full disk. Default 0: none. */
  readonly maxSizeBytes?: number;
  /** A sweep that failed (the file busy or unwritable); the next one tries again. */
  readonly onSweepError?: (error: unknown) => void;
  /** The schema's migrations; tests pass their own to exercise upgrades. */
  readonly migrations?: readonly Migration[];
}

/** Expired sessions deleted per transaction of a sweep, and transactions per sweep at most. */
const SWEEP_BATCH = 500;
const SWEEP_BATCHES = 20;

/**
 * The store for one process on one machine: the same semantics as `RedisMemoryStore` (sliding
 * TTL, hard cap by whole turns, generations, lease and rate window, turn IDs, user index) in a
 * SQLite file through Node's built-in `node:sqlite`, so memory survives a restart without a
 * server. Each call is one transaction: a load a read (a write when it takes a lease), an append
 * or a summary commit one BEGIN IMMEDIATE write. Several processes may share the file (WAL,
 * busy timeout), though Redis is the choice for that.
 */
export class SqliteMemoryStore implements MemoryStore {
  private db: DatabaseSync | undefined;
  private statements: Statements | undefined;
  private factStatements: FactStatements | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SqliteStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The database file. */
  get path(): string {
    return this.options.path;
  }

  /**
   * Opens (creating or upgrading) the file; throws a `MemoryStartError` naming the path and the
   * fix when it cannot be used. Safe to call twice.
   */
  async init(): Promise<void> {
    if (this.db) return;
    const db = openDatabase(this.options.path, {
      busyTimeoutMs: this.options.busyTimeoutMs ?? 1000,
      maxSizeBytes: this.options.maxSizeBytes ?? 0,
      now: this.now(),
      migrations: this.options.migrations,
    });
    try {
      this.statements = prepareStatements(db);
      this.factStatements = prepareFactStatements(db);
    } catch (error) {
      db.close();
      throw error;
    }
    this.db = db;
    this.sweeper = setInterval(() => this.sweepQuietly(), this.options.sweepIntervalMs ?? 60_000);
    this.sweeper.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.statements = undefined;
    this.factStatements = undefined;
    this.db?.close();
    this.db = undefined;
  }

  /** True when the file answers a read (for /readyz). */
  ping(): boolean {
    try {
      this.s.ping.get();
      return true;
    } catch {
      return false;
    }
  }

  async load(session: SessionRef, lease?: TurnLease): Promise<SessionMemory> {
    assertSessionRef(session);
    const now = this.now();
    const read = () => loadRows(this.s, this.f, session, lease, now);
    return lease ? this.write(read) : this.read(read);
  }

  async appendTurn(
    session: SessionRef,
    expect: Generations,
    messages: readonly NewMessage[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    assertSessionRef(session);
    assertTurnId(options.turnId);
    const now = this.now();
    return this.write(() => {
      const written = appendTurnRows(this.s, this.options, now, session, expect, messages, options);
      const { ttlSeconds } = this.options;
      if (written.status === 'written') {
        touchFacts(this.f, session, ttlSeconds > 0 ? now + ttlSeconds * 1000 : null);
      }
      return written;
    });
  }

  async releaseLease(session: SessionRef, owner: string): Promise<void> {
    assertSessionRef(session);
    this.s.releaseLease.run(session.platform, session.userId, owner);
  }

  async commitSummary(session: SessionRef, fold: SummaryFold): Promise<boolean> {
    assertSessionRef(session);
    const now = this.now();
    return this.write(() => {
      const s = this.s;
      const state = row<SessionRow>(s.session, session.id, now);
      if (!state || state.gen !== fold.expect.session || fold.count < 1) return false;
      const userGeneration = liveGeneration(userOf(s, session), now);
      if (userGeneration !== undefined && userGeneration !== fold.expect.user) return false;
      const head = rows<HeadEntry>(s.head, session.id, fold.count);
      if (head.length !== fold.count || head.some((e, i) => e.id !== fold.firstId + i)) {
        return false;
      }
      s.deleteHead.run(session.id, head.at(-1)!.id);
      const folded = head.reduce((sum, e) => sum + e.tokens, 0);
      s.saveFold.run(fold.summary, fold.summaryTokens, folded, session.id);
      return true;
    });
  }

  async forget(session: SessionRef): Promise<void> {
    assertSessionRef(session);
    const now = this.now();
    this.write(() => {
      const s = this.s;
      const gen = (row<SessionRow>(s.session, session.id, now)?.gen ?? 0) + 1;
      s.deleteMessages.run(session.id);
      const until = now + FORGET_MARK_SECONDS * 1000;
      s.markForgotten.run(session.id, session.platform, session.userId, gen, now, until);
      this.f.forgetSession.run(session.platform, session.userId, session.id);
    });
  }

  async forgetUser(platform: string, userId: string): Promise<number> {
    assertSessionRef({ platform, userId, id: `${platform}:u${userId}` });
    const now = this.now();
    return this.write(() => {
      const s = this.s;
      const live = count(s.liveIndexed, platform, userId, now);
      s.deleteIndexed.run(platform, userId);
      s.bumpUserGeneration.run(platform, userId, now + FORGET_MARK_SECONDS * 1000, now);
      this.f.forgetUser.run(platform, userId);
      return live;
    });
  }

  async applyFacts(session: SessionRef, changes: FactChanges): Promise<FactsApplied> {
    assertSessionRef(session);
    const now = this.now();
    return this.write(() => applyFactRows(this.s, this.f, this.options, now, session, changes));
  }

  async setFactLearning(platform: string, userId: string, enabled: boolean): Promise<void> {
    assertSessionRef({ platform, userId, id: `${platform}:u${userId}` });
    this.write(() => setLearning(this.f, { platform, userId }, enabled));
  }

  /**
   * Deletes expired sessions (with their messages) and idle users, in batches of
   * {@link SWEEP_BATCH} per transaction, at most {@link SWEEP_BATCHES} per call (the rest next
   * time). Runs on a timer; public so tests need not wait for it. Returns the sessions deleted.
   */
  sweep(): number {
    const s = this.s;
    const now = this.now();
    let deleted = 0;
    for (let batch = 0; batch < SWEEP_BATCHES; batch++) {
      const changes = Number(s.sweepSessions.run(now, SWEEP_BATCH).changes);
      deleted += changes;
      if (changes < SWEEP_BATCH) break;
    }
    s.sweepUsers.run(now);
    this.f.sweep.run(now);
    return deleted;
  }

  private sweepQuietly(): void {
    try {
      this.sweep();
    } catch (error) {
      this.options.onSweepError?.(error);
    }
  }

  private get s(): Statements {
    if (!this.statements) throw this.notOpen();
    return this.statements;
  }

  private get f(): FactStatements {
    if (!this.factStatements) throw this.notOpen();
    return this.factStatements;
  }

  private notOpen(): Error {
    return new Error(
      `SQLite memory at ${this.options.path} is not open (init() not called, or closed)`,
    );
  }

  /** One read transaction: every row read is of the same moment, whatever other processes do. */
  private read<T>(work: () => T): T {
    return this.transaction(this.s.begin, work);
  }

  /** One write transaction, taking the write lock at once so no other writer interleaves. */
  private write<T>(work: () => T): T {
    return this.transaction(this.s.beginImmediate, work);
  }

  private transaction<T>(begin: Statements['begin'], work: () => T): T {
    const s = this.s;
    begin.run();
    try {
      const result = work();
      s.commit.run();
      return result;
    } catch (error) {
      // SQLite rolls back by itself on some errors (a full disk): then there is nothing to undo.
      if (this.db?.isTransaction) s.rollback.run();
      throw error;
    }
  }
}
