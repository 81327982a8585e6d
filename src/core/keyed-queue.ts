interface Lane {
  tail: Promise<void>;
  pending: number;
}

export class QueueFullError extends Error {
  constructor(readonly pending: number) {
    super(`${pending} tasks already queued for this key`);
    this.name = 'QueueFullError';
  }
}

/**
 * Runs tasks of one key strictly one after another, tasks of different keys concurrently. A key's
 * entry lives only while it has tasks, so millions of distinct keys leave nothing behind.
 */
export class KeyedQueue {
  private readonly lanes = new Map<string, Lane>();

  /**
   * @param maxPendingPerKey Tasks a key may have queued or running; one more is refused with
   *   `QueueFullError` instead of piling up. Default: unbounded.
   */
  constructor(private readonly maxPendingPerKey = Infinity) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { tail: Promise.resolve(), pending: 0 };
      this.lanes.set(key, lane);
    }
    if (lane.pending >= this.maxPendingPerKey) {
      return Promise.reject(new QueueFullError(lane.pending));
    }
    const current = lane;
    current.pending += 1;
    const result = current.tail.then(task);
    current.tail = result.then(
      () => this.release(key, current),
      () => this.release(key, current),
    );
    return result;
  }

  /** Keys with tasks queued or running. */
  get size(): number {
    return this.lanes.size;
  }

  /** Tasks queued or running for one key. */
  pending(key: string): number {
    return this.lanes.get(key)?.pending ?? 0;
  }

  /** Resolves when every task queued so far has settled. */
  async drain(): Promise<void> {
    while (this.lanes.size > 0) {
      await Promise.all([...this.lanes.values()].map((lane) => lane.tail));
    }
  }

  private release(key: string, lane: Lane): void {
    lane.pending -= 1;
    if (lane.pending === 0 && this.lanes.get(key) === lane) this.lanes.delete(key);
  }
}
