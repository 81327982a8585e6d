import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Gives memory back to the system once the bot is quiet. V8 grows its heap under a burst (its
 * young generation alone to 64 MiB, start-up included) and keeps it: a bot that answered a
 * burst an hour ago still holds its peak. After start-up, and after a burst once no turn has
 * ended for `idleMs`, this runs one full, compacting, memory-reducing collection (V8's
 * "last resort" flavour, the one it runs near its heap limit), which also shrinks the young
 * generation; under load it never runs, so turns pay nothing for it.
 *
 * Measured through the bench's fake Telegram (bench/RESULTS.md): idle 200 → ~100 MiB RSS.
 */
export interface MemoryReducerOptions {
  /** Quiet time after the last turn before memory is given back. Default 1,000 ms. */
  readonly idleMs?: number;
  /**
   * Growth of the heap's resident size since the last reduction that makes another one worth
   * its pause (tens of ms). Default 16 MiB: a bot answering now and then does not collect after
   * every turn.
   */
  readonly minGrowthBytes?: number;
  /** The collection; default V8's memory-reducing full GC (see `reducingCollector`). */
  readonly collect?: () => void;
  /** The heap's resident size; default V8's `total_physical_size`. */
  readonly heapBytes?: () => number;
  readonly now?: () => number;
}

export class MemoryReducer {
  private readonly idleMs: number;
  private readonly minGrowthBytes: number;
  private readonly collect: () => void;
  private readonly heapBytes: () => number;
  private readonly now: () => number;
  private lastActivity = -Infinity;
  private lastReduction = -Infinity;
  private heapAfterReduction = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: MemoryReducerOptions = {}) {
    this.idleMs = options.idleMs ?? 1000;
    this.minGrowthBytes = options.minGrowthBytes ?? 16 * 2 ** 20;
    this.collect = options.collect ?? reducingCollector();
    this.heapBytes = options.heapBytes ?? (() => getHeapStatistics().total_physical_size);
    this.now = options.now ?? Date.now;
  }

  /** A turn ended: memory is given back once none has for `idleMs`. */
  activity(): void {
    this.lastActivity = this.now();
  }

  /** Collects now (after start-up: what loading the code left behind). */
  reduce(): void {
    this.collect();
    this.lastReduction = this.now();
    this.heapAfterReduction = this.heapBytes();
  }

  /** Whether a check now would collect: quiet long enough after activity, and the heap grew. */
  due(): boolean {
    const now = this.now();
    return (
      this.lastActivity > this.lastReduction &&
      now - this.lastActivity >= this.idleMs &&
      this.heapBytes() - this.heapAfterReduction >= this.minGrowthBytes
    );
  }

  /** Checks every half `idleMs` (the timer does not keep the process alive). */
  start(): void {
    this.timer ??= setInterval(() => {
      if (this.due()) this.reduce();
    }, this.idleMs / 2);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/**
 * V8's full GC with the "last resort" flavour (memory-reducing: compacts, returns free pages and
 * shrinks the young generation). `gc` is exposed to a new context only, so nothing else in the
 * process sees it; a Node without the options argument runs a plain full GC instead.
 */
export function reducingCollector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options?: object) => void;
  return () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
