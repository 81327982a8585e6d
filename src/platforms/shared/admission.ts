/**
 * Bounds what waits per person before it reaches any queue: a person may have `limit` messages
 * being handled or waiting at once; more are dropped silently. Without it, one person's flood
 * fills the platform library's queues (grammY's `sequentialize`, the runner's updates in flight)
 * and everyone else waits behind it.
 */
export class Admission {
  private readonly pending = new Map<string, number>();

  /** @param limit Messages per person at once. Default 5, the core's queue per user. */
  constructor(private readonly limit = 5) {}

  /** Takes a place for `key`; false when the person already has `limit` messages waiting. */
  enter(key: string): boolean {
    const count = this.pending.get(key) ?? 0;
    if (count >= this.limit) return false;
    this.pending.set(key, count + 1);
    return true;
  }

  leave(key: string): void {
    const count = (this.pending.get(key) ?? 1) - 1;
    if (count <= 0) this.pending.delete(key);
    else this.pending.set(key, count);
  }

  /** Runs `task` when there is room for `key`; otherwise drops it and resolves to false. */
  async run(key: string, task: () => Promise<void>): Promise<boolean> {
    if (!this.enter(key)) return false;
    try {
      await task();
      return true;
    } finally {
      this.leave(key);
    }
  }

  /** People with messages waiting, for tests and metrics. */
  get size(): number {
    return this.pending.size;
  }
}
