import type { SessionRef } from '../core/memory-port.js';
import type {
  AppendOptions,
  AppendResult,
  Generations,
  MemoryStore,
  NewMessage,
  SessionMemory,
  SummaryFold,
  TurnLease,
} from '../core/memory-port.js';

interface PendingTurn {
  readonly session: SessionRef;
  readonly expect: Generations;
  readonly messages: readonly NewMessage[];
  /** When the turn was answered: a forget after this time wins over the late write. */
  readonly answeredAt: number;
  /** The turn's lease, freed by the late write (it would otherwise block the user until it expires). */
  readonly leaseOwner?: string;
}

export interface BufferedStoreOptions {
  /**
   * Answered turns kept while the store is unreachable. Default 10,000 (a few MB): past that the
   * oldest are dropped (and counted), so an outage cannot exhaust the process.
   */
  readonly maxPending?: number;
  /** How often a flush is attempted while turns are pending. Default 2000 ms. */
  readonly retryIntervalMs?: number;
  readonly onDropped?: (count: number) => void;
  readonly onFlushError?: (error: unknown) => void;
}

/**
 * Keeps the turns a store could not write (Redis unreachable) in a bounded in-process buffer and
 * writes them, in order, once it answers again: an outage loses no answered turn. A forget wins:
 * it drops the session's pending turns here, and the store refuses a buffered write for a session
 * forgotten after the turn was answered.
 */
export class BufferedMemoryStore implements MemoryStore {
  private pending: PendingTurn[] = [];
  private readonly maxPending: number;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  dropped = 0;

  constructor(
    private readonly inner: MemoryStore,
    private readonly options: BufferedStoreOptions = {},
  ) {
    this.maxPending = options.maxPending ?? 10_000;
  }

  /** Turns waiting to be written. */
  get size(): number {
    return this.pending.length;
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  async load(session: SessionRef, lease?: TurnLease): Promise<SessionMemory> {
    const memory = await this.inner.load(session, lease);
    // Turns of this session still pending would be missing from what was read: write them first.
    if (this.pending.some((turn) => turn.session.id === session.id)) await this.flush();
    return memory;
  }

  async appendTurn(
    session: SessionRef,
    expect: Generations,
    messages: readonly NewMessage[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const answeredAt = options.answeredAt ?? Date.now();
    // Keep the session's order: nothing may overtake turns already waiting.
    if (!this.pending.some((t) => t.session.id === session.id)) {
      try {
        return await this.inner.appendTurn(session, expect, messages, { ...options, answeredAt });
      } catch {
        // Fall through: buffered below, written when the store answers again.
      }
    }
    this.enqueue({ session, expect, messages, answeredAt, leaseOwner: options.leaseOwner });
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

  /** Writes pending turns in order; stops at the first failure and tries again later. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inner.close();
  }

  private enqueue(turn: PendingTurn): void {
    this.pending.push(turn);
    if (this.pending.length > this.maxPending) {
      const excess = this.pending.length - this.maxPending;
      this.pending.splice(0, excess);
      this.dropped += excess;
      this.options.onDropped?.(excess);
    }
    if (!this.timer) {
      this.timer = setInterval(() => void this.flush(), this.options.retryIntervalMs ?? 2000);
      this.timer.unref();
    }
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const turn = this.pending[0]!;
      try {
        await this.inner.appendTurn(turn.session, turn.expect, turn.messages, {
          answeredAt: turn.answeredAt,
          leaseOwner: turn.leaseOwner,
        });
      } catch (error) {
        this.options.onFlushError?.(error);
        return;
      }
      // A forget may have removed it meanwhile; remove by identity.
      const index = this.pending.indexOf(turn);
      if (index >= 0) this.pending.splice(index, 1);
    }
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
