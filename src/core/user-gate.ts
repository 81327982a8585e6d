import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { BudgetExceededError } from './budget-error.js';
import {
  ConversationError,
  RateLimitedError,
  SessionBusyError,
  TurnAbortedError,
} from './errors.js';
import { KeyedQueue, QueueFullError } from './keyed-queue.js';
import { LocalRateLimiter } from './local-rate-limiter.js';
import {
  UNKNOWN_GENERATIONS,
  emptyMemory,
  type MemoryStore,
  type SessionMemory,
  type TurnLease,
} from './memory-port.js';
import type { SessionRef } from './types.js';
import { msUntilNextDay, usageDay } from './usage.js';

export interface UserGateSettings {
  /**
   * Messages of one user that may wait for an answer at once (one runs, the others wait in order);
   * one more is refused politely. Default 5: a burst is served in order, a flood does not pile up.
   */
  readonly maxPendingPerUser?: number;
  /** Turns a user may start per minute (`RATE_LIMIT_PER_MINUTE`); 0 or absent: no limit. */
  readonly ratePerMinute?: number;
  /** How long a turn may hold the user's lease: its time budget plus a margin. */
  readonly leaseTtlMs: number;
  /** Tokens a person may spend per UTC day (`USER_DAILY_TOKEN_BUDGET`); 0 or absent: none. */
  readonly dailyTokenBudget?: number;
  /** Clock (ms) of the budget's day. Default `Date.now`. */
  readonly now?: () => number;
}

/** What a turn holds while it runs: its memory, and the lease it must free or write with. */
export interface GatePass {
  readonly memory: SessionMemory;
  /** Unique per turn: the lease owner, and the turn's ID for an idempotent write. */
  readonly turnId: string;
  /** True when memory could not be read: the turn is answered without it. */
  readonly degraded: boolean;
}

const RATE_WINDOW_MS = 60_000;

/**
 * Lets one turn of a user run at a time, in order, across processes: a bounded in-process queue
 * per user, then the store's lease (taken by the same round trip that loads the memory), the
 * person's daily token budget and the user's rate window. While the store cannot be read, an
 * in-process limiter keeps the rate limit (the budget cannot be known then: the turn runs).
 */
export class UserGate {
  private readonly queue: KeyedQueue;
  private readonly local: LocalRateLimiter;
  private readonly rateLimit: number;

  constructor(
    private readonly store: MemoryStore,
    private readonly settings: UserGateSettings,
    private readonly log: Logger,
  ) {
    this.queue = new KeyedQueue(settings.maxPendingPerUser ?? 5);
    this.rateLimit = settings.ratePerMinute ?? 0;
    this.local = new LocalRateLimiter(this.rateLimit, RATE_WINDOW_MS);
  }

  /**
   * Runs `task` as the user's only turn in flight. Refusals (`SessionBusyError`,
   * `BudgetExceededError`, `RateLimitedError`) come before any history is read. `task` must free or spend the lease:
   * on failure it is released here.
   */
  async run<T>(
    session: SessionRef,
    signal: AbortSignal,
    task: (pass: GatePass) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.queue.run(`${session.platform}:${session.userId}`, () =>
        this.pass(session, signal, task),
      );
    } catch (error) {
      if (error instanceof QueueFullError) throw new SessionBusyError();
      throw error;
    }
  }

  /** Users with turns queued or running in this process. */
  get size(): number {
    return this.queue.size;
  }

  drain(): Promise<void> {
    return this.queue.drain();
  }

  private async pass<T>(
    session: SessionRef,
    signal: AbortSignal,
    task: (pass: GatePass) => Promise<T>,
  ): Promise<T> {
    const budget = this.settings.dailyTokenBudget ?? 0;
    const now = this.settings.now ?? Date.now;
    const lease: TurnLease = {
      owner: randomUUID(),
      ttlMs: this.settings.leaseTtlMs,
      rateWindowMs: this.rateLimit > 0 ? RATE_WINDOW_MS : 0,
      rateLimit: this.rateLimit > 0 ? this.rateLimit : undefined,
      ...(budget > 0 ? { budget: { day: usageDay(now()), tokens: budget } } : {}),
    };
    const userKey = `${session.platform}:${session.userId}`;
    let memory: SessionMemory;
    let degraded = false;
    try {
      memory = await this.loadWithLease(session, lease, signal);
    } catch (error) {
      if (error instanceof ConversationError) throw error;
      // Memory is unreachable: answer without it, say so, and let the store keep the turn. The
      // rate limit is then kept in process.
      this.log.error(
        { err: error, session: session.id },
        'memory load failed; answering without memory',
      );
      const refusal = this.local.take(userKey);
      if (refusal !== undefined) throw new RateLimitedError(refusal);
      memory = emptyMemory(UNKNOWN_GENERATIONS);
      degraded = true;
    }
    if (!degraded) this.local.note(userKey);
    if (lease.budget && (memory.usageToday ?? 0) >= lease.budget.tokens && !memory.lease) {
      throw new BudgetExceededError(lease.budget.tokens, msUntilNextDay(now()));
    }
    if (this.rateLimit > 0 && memory.rate && memory.rate.count > this.rateLimit) {
      await this.release(session, lease.owner);
      throw new RateLimitedError(memory.rate.resetInMs);
    }
    try {
      return await task({ memory, turnId: lease.owner, degraded });
    } catch (error) {
      await this.release(session, lease.owner);
      throw error;
    }
  }

  /**
   * Loads the session and takes the user's lease; while another process holds it, waits (up to
   * that turn's time budget) so the user's turns still run one at a time and in order.
   */
  private async loadWithLease(
    session: SessionRef,
    lease: TurnLease,
    signal: AbortSignal,
  ): Promise<SessionMemory> {
    const deadline = Date.now() + lease.ttlMs;
    for (;;) {
      const memory = await this.store.load(session, lease);
      // Held, or refused by the budget or the rate limit (no lease then): the caller decides.
      if (memory.lease?.held !== false) return memory;
      const wait = Math.min(Math.max(memory.lease.retryAfterMs, 50), 500);
      if (Date.now() + wait > deadline) throw new SessionBusyError(memory.lease.retryAfterMs);
      await new Promise<void>((resolve) => setTimeout(resolve, wait));
      if (signal.aborted) throw new TurnAbortedError();
    }
  }

  /** Frees the lease of a turn that failed or was refused; it expires by itself otherwise. */
  async release(session: SessionRef, owner: string): Promise<void> {
    await this.store.releaseLease(session, owner).catch((error: unknown) => {
      this.log.debug({ err: error }, 'lease release failed');
    });
  }
}
