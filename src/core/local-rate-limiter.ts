interface Window {
  start: number;
  count: number;
}

/** Entries kept before expired windows are swept: a flood of distinct users stays bounded. */
const SWEEP_AT = 10_000;

/**
 * A fixed-window counter per user, in process. The store's window is the real limit (it holds
 * across processes); this one takes over while the store cannot be read, so an outage never
 * turns the rate limit off.
 */
export class LocalRateLimiter {
  private readonly windows = new Map<string, Window>();

  /** @param limit Turns per window; 0 counts nothing and refuses nothing. */
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts a turn the store already allowed. */
  note(key: string, now = Date.now()): void {
    if (this.limit > 0) this.windowOf(key, now).count += 1;
  }

  /** Counts a turn; returns the ms until the window ends when it is over the limit. */
  take(key: string, now = Date.now()): number | undefined {
    if (this.limit <= 0) return undefined;
    const window = this.windowOf(key, now);
    window.count += 1;
    return window.count > this.limit ? window.start + this.windowMs - now : undefined;
  }

  private windowOf(key: string, now: number): Window {
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      if (this.windows.size >= SWEEP_AT) this.sweep(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    return window;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.windowMs) this.windows.delete(key);
    }
    // Still mostly live windows: forget the oldest half rather than grow (the store still
    // limits), so a sweep happens at most once per SWEEP_AT / 2 new users.
    for (const key of this.windows.keys()) {
      if (this.windows.size <= SWEEP_AT / 2) break;
      this.windows.delete(key);
    }
  }
}
