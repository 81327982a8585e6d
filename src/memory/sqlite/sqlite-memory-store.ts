import type { DatabaseSync } from 'node:sqlite';
import {
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
  type UsageCharge,
  type UsageTotals,
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
  addUsage,
  prepareSettingsStatements,
  saveModel,
  savePersona,
  usageOf,
  type SettingsStatements,
} from './sqlite-settings.js';
import { prepareStatements, type Statements } from './sqlite-statements.js';
import { appendTurnRows, commitFoldRows, loadRows } from './sqlite-turns.js';
import {
  forgetSessionRows,
  forgetUserRows,
  sweepRows,
  type AllStatements,
} from './sqlite-removals.js';

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
  private settingStatements: SettingsStatements | undefined;
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
      this.settingStatements = prepareSettingsStatements(db);
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
    this.settingStatements = undefined;
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
    const read = () => loadRows(this.s, this.f, this.t, session, lease, now);
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
      // Spent whether or not a forget made the write stale; a replay was counted the first time.
      if (!written.duplicate) addUsage(this.t, session, options.usage, now);
      if (written.status === 'written') {
        const expiresAt = this.personExpiry(now);
        touchFacts(this.f, session, expiresAt);
        this.t.touchModels.run(expiresAt, session.platform, session.userId);
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
      addUsage(this.t, session, fold.usage, now);
      return commitFoldRows(this.s, session, fold, now);
    });
  }

  async forget(session: SessionRef): Promise<void> {
    assertSessionRef(session);
    const now = this.now();
    this.write(() => forgetSessionRows(this.all, session, now));
  }

  async forgetUser(platform: string, userId: string): Promise<number> {
    assertSessionRef({ platform, userId, id: `${platform}:u${userId}` });
    const now = this.now();
    return this.write(() => forgetUserRows(this.all, { platform, userId }, now));
  }

  async applyFacts(session: SessionRef, changes: FactChanges): Promise<FactsApplied> {
    assertSessionRef(session);
    const now = this.now();
    return this.write(() => {
      addUsage(this.t, session, changes.usage, now);
      return applyFactRows(this.s, this.f, this.options, now, session, changes);
    });
  }

  async setFactLearning(platform: string, userId: string, enabled: boolean): Promise<void> {
    assertSessionRef({ platform, userId, id: `${platform}:u${userId}` });
    this.write(() => setLearning(this.f, { platform, userId }, enabled));
  }

  async setPersona(session: SessionRef, persona: string | undefined): Promise<void> {
    assertSessionRef(session);
    const now = this.now();
    this.write(() => savePersona(this.t, session, persona, now));
  }

  async setModel(session: SessionRef, model: string | undefined): Promise<void> {
    assertSessionRef(session);
    const expiresAt = this.personExpiry(this.now());
    this.write(() => saveModel(this.t, session, model, expiresAt));
  }

  async usage(platform: string, userId: string, day: string): Promise<UsageTotals> {
    assertSessionRef({ platform, userId, id: `${platform}:u${userId}` });
    const now = this.now();
    return this.read(() => usageOf(this.t, { platform, userId }, day, now));
  }

  async addUsage(session: SessionRef, charge: UsageCharge): Promise<void> {
    assertSessionRef(session);
    const now = this.now();
    this.write(() => addUsage(this.t, session, charge, now));
  }

  /** The sliding expiry of a person's facts and choices, from a turn at `now`. */
  private personExpiry(now: number): number | null {
    return this.options.ttlSeconds > 0 ? now + this.options.ttlSeconds * 1000 : null;
  }

  /**
   * Deletes what expired: sessions (with their messages) in batches, idle users, facts, model
   * choices and usage counters ({@link sweepRows}). Runs on a timer; public so tests need not
   * wait for it. Returns the sessions deleted.
   */
  sweep(): number {
    return sweepRows(this.all, this.now());
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

  private get t(): SettingsStatements {
    if (!this.settingStatements) throw this.notOpen();
    return this.settingStatements;
  }

  private get all(): AllStatements {
    return { s: this.s, f: this.f, t: this.t };
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
