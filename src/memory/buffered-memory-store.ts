import type { SessionRef } from '../core/memory-port.js';
import type {
  AppendOptions,
  AppendResult,
  FactChanges,
  FactsApplied,
  Generations,
  MemoryStore,
  NewMessage,
  SessionMemory,
  SummaryFold,
  TurnLease,
  UsageCharge,
  UsageTotals,
} from '../core/memory-port.js';
import { isStoreUnreachable, redactedError } from './write-errors.js';

interface PendingTurn {
  readonly session: SessionRef;
  readonly expect: Generations;
  readonly messages: readonly NewMessage[];
  /** When the turn was answered: a forget after this time wins over the late write. */
  readonly answeredAt: number;
  /** The turn's lease, freed by the late write (it would otherwise block the user until it expires). */
  readonly leaseOwner?: string;
  /** Lets the store skip a replay of a write it ran after the client had given up on it. */
  readonly turnId?: string;
  /** The turn's tokens, counted (on the day it was answered) when the write lands. */
  readonly usage?: UsageCharge;
  /** Writes the store refused for a reason other than being unreachable. */
  failures: number;
}

/** Why turns left the buffer unwritten. Holds no message text: loggers may print all of it. */
export interface DroppedTurns {
  readonly count: number;
  /** `full`: the oldest, past `maxPending`. `failing`: refused `maxAttempts` times by the store. */
  readonly reason: 'full' | 'failing';
  /** With `failing`: the session, and the last error without the command's arguments. */
  readonly sessionId?: string;
  readonly error?: Error;
}

export interface BufferedStoreOptions {
  /**
   * Answered turns kept while the store is unreachable. Default 10,000 (a few MB): past that the
   * oldest are dropped (and counted), so an outage cannot exhaust the process.
   */
  readonly maxPending?: number;
  /** How often a flush is attempted while turns are pending. Default 2000 ms. */
  readonly retryIntervalMs?: number;
  /**
   * How often the store may refuse a pending write (answering, but with an error such as a
   * script error on its data) before the write is dropped. Default 5: a write that can never
   * succeed must not hold up the session's later turns for good. Unreachable-store errors do
   * not count: those writes are kept however long the outage lasts.
   */
  readonly maxAttempts?: number;
  /** Which errors mean "unreachable, keep the turn". Default {@link isStoreUnreachable}. */
  readonly isUnreachable?: (error: unknown) => boolean;
  readonly onDropped?: (dropped: DroppedTurns) => void;
  /** A flush stopped: the store is unreachable. The error carries no command arguments. */
  readonly onFlushError?: (error: Error, pending: number) => void;
}

/**
 * Keeps the turns a store could not write (Redis unreachable) in a bounded in-process buffer and
 * writes them, in order per session, once it answers again: an outage loses no answered turn. A
 * forget wins: it drops the session's pending turns here, and the store refuses a buffered write
 * for a session forgotten after the turn was answered. A session with pending turns is read only
 * after they are written.
 */
export class BufferedMemoryStore implements MemoryStore {
  private pending: PendingTurn[] = [];
  private readonly maxPending: number;
  private readonly maxAttempts: number;
  private readonly isUnreachable: (error: unknown) => boolean;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Sessions being read (and by how many loads): their turns are written first. */
  private readonly urgent = new Map<string, number>();
  /** Called once each time a pending turn is written or given up. */
  private progress: (() => void)[] = [];
  /** Why the last flush stopped, while the store stays unreachable. */
  private unreachable: Error | undefined;
  dropped = 0;

  constructor(
    private readonly inner: MemoryStore,
    private readonly options: BufferedStoreOptions = {},
  ) {
    this.maxPending = options.maxPending ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.isUnreachable = options.isUnreachable ?? isStoreUnreachable;
  }

  /** Turns waiting to be written. */
  get size(): number {
    return this.pending.length;
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async load(session: SessionRef, lease?: TurnLease): Promise<SessionMemory> {
    // What was read would lack the session's pending turns: write them first.
    if (this.hasPending(session.id)) {
      this.urgent.set(session.id, (this.urgent.get(session.id) ?? 0) + 1);
      try {
        // Until this session's turns are out, not until the whole buffer is.
        const passEnded = this.flush().then(() => true);
        while (this.hasPending(session.id)) {
          const step = new Promise<boolean>((resolve) => this.progress.push(() => resolve(false)));
          if (await Promise.race([passEnded, step])) break;
        }
      } finally {
        const readers = this.urgent.get(session.id)! - 1;
        if (readers > 0) this.urgent.set(session.id, readers);
        else this.urgent.delete(session.id);
      }
      const waiting = this.pending.filter((t) => t.session.id === session.id).length;
      if (waiting > 0 && this.unreachable) {
        const turns = waiting === 1 ? '1 turn of this session is' : `${waiting} turns are`;
        throw new Error(
          `memory unreachable: ${turns} still waiting to be written (${this.unreachable.message})`,
        );
      }
    }
    return this.inner.load(session, lease);
  }

  async appendTurn(
    session: SessionRef,
    expect: Generations,
    messages: readonly NewMessage[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const answeredAt = options.answeredAt ?? Date.now();
    // Keep the session's order: nothing may overtake turns already waiting.
    if (!this.hasPending(session.id)) {
      try {
        return await this.inner.appendTurn(session, expect, messages, { ...options, answeredAt });
      } catch (error) {
        // Refused for its data: a later attempt fails alike, so the caller learns it now.
        if (!this.isUnreachable(error)) throw error;
      }
    }
    const { leaseOwner, turnId, usage } = options;
    this.enqueue({ session, expect, messages, answeredAt, leaseOwner, turnId, usage, failures: 0 });
    return { status: 'buffered', totalTokens: 0, messageCount: 0, dropped: 0 };
  }

  releaseLease(session: SessionRef, owner: string): Promise<void> {
    return this.inner.releaseLease(session, owner);
  }

  commitSummary(session: SessionRef, fold: SummaryFold): Promise<boolean> {
    return this.inner.commitSummary(session, fold);
  }

  async forget(session: SessionRef): Promise<void> {
    this.pending = this.pending.filter((turn) => turn.session.id !== session.id);
    await this.inner.forget(session);
  }

  async forgetUser(platform: string, userId: string): Promise<number> {
    this.pending = this.pending.filter(
      (turn) => turn.session.platform !== platform || turn.session.userId !== userId,
    );
    return this.inner.forgetUser(platform, userId);
  }

  /**
   * Not buffered: a fact change either lands or fails (an extraction runs again with the next
   * fold, a command says that memory is unreachable).
   */
  applyFacts(session: SessionRef, changes: FactChanges): Promise<FactsApplied> {
    return this.inner.applyFacts(session, changes);
  }

  setFactLearning(platform: string, userId: string, enabled: boolean): Promise<void> {
    return this.inner.setFactLearning(platform, userId, enabled);
  }

  /** Settings and counters are not buffered either: a command says that memory is unreachable. */
  setPersona(session: SessionRef, persona: string | undefined): Promise<void> {
    return this.inner.setPersona(session, persona);
  }

  setModel(session: SessionRef, model: string | undefined): Promise<void> {
    return this.inner.setModel(session, model);
  }

  usage(platform: string, userId: string, day: string): Promise<UsageTotals> {
    return this.inner.usage(platform, userId, day);
  }

  addUsage(session: SessionRef, charge: UsageCharge): Promise<void> {
    return this.inner.addUsage(session, charge);
  }

  /**
   * One pass over the pending turns, in order per session (sessions being read first). Stops
   * while the store is unreachable; a session whose write is refused otherwise waits for the
   * next pass, and the other sessions' turns go on.
   */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inner.close();
  }

  private hasPending(sessionId: string): boolean {
    return this.pending.some((turn) => turn.session.id === sessionId);
  }

  private enqueue(turn: PendingTurn): void {
    this.pending.push(turn);
    if (this.pending.length > this.maxPending) {
      const excess = this.pending.length - this.maxPending;
      this.pending.splice(0, excess);
      this.dropped += excess;
      this.options.onDropped?.({ count: excess, reason: 'full' });
    }
    if (!this.timer) {
      this.timer = setInterval(() => void this.flush(), this.options.retryIntervalMs ?? 2000);
      this.timer.unref();
    }
  }

  /** The next turn to write: the oldest of a session being read, else the oldest. */
  private next(skip: ReadonlySet<string>): PendingTurn | undefined {
    const open = (turn: PendingTurn) => !skip.has(turn.session.id);
    if (this.urgent.size > 0) {
      const first = this.pending.find((t) => open(t) && this.urgent.has(t.session.id));
      if (first) return first;
    }
    return this.pending.find(open);
  }

  private async drain(): Promise<void> {
    // Sessions whose oldest turn was refused in this pass: their later turns wait.
    const skip = new Set<string>();
    this.unreachable = undefined;
    for (let turn = this.next(skip); turn; turn = this.next(skip)) {
      try {
        await this.inner.appendTurn(turn.session, turn.expect, turn.messages, {
          answeredAt: turn.answeredAt,
          leaseOwner: turn.leaseOwner,
          turnId: turn.turnId,
          usage: turn.usage,
        });
      } catch (error) {
        if (this.isUnreachable(error)) {
          this.unreachable = redactedError(error);
          this.options.onFlushError?.(this.unreachable, this.pending.length);
          return;
        }
        turn.failures += 1;
        if (turn.failures < this.maxAttempts) {
          skip.add(turn.session.id);
          continue;
        }
        this.dropped += 1;
        this.options.onDropped?.({
          count: 1,
          reason: 'failing',
          sessionId: turn.session.id,
          error: redactedError(error),
        });
      }
      // Written or given up. A forget may have removed it meanwhile; remove by identity.
      const index = this.pending.indexOf(turn);
      if (index >= 0) this.pending.splice(index, 1);
      for (const notify of this.progress.splice(0)) notify();
    }
    if (this.pending.length === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
