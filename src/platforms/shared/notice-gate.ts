/** Kinds of notice a person can trigger over and over; each is said at most once per window. */
export type NoticeKind = 'access' | 'busy' | 'rate' | 'input' | 'unknown-command' | 'unsupported';

/** Entries kept before expired ones are swept: a flood of distinct people stays bounded. */
const SWEEP_AT = 10_000;

/**
 * Bounds the notices a person gets: refusals, "still answering", rate-limit, access and
 * unknown-command notices at most once per person and kind per window; the rest are dropped
 * without a reply. A flood then costs one message per kind, not one per message sent — on
 * Discord a channel allows about five messages per five seconds, so notices would delay everyone
 * else's answers there.
 */
export class NoticeGate {
  private readonly lastSaid = new Map<string, number>();

  /** @param windowMs Default 60 s: the length of the rate-limit window. */
  constructor(private readonly windowMs = 60_000) {}

  /** True when the notice may be said now (and books it); false: drop it silently. */
  allow(person: string, kind: NoticeKind, now = Date.now()): boolean {
    const key = `${person}\u0000${kind}`;
    const last = this.lastSaid.get(key);
    if (last !== undefined && now - last < this.windowMs) return false;
    if (this.lastSaid.size >= SWEEP_AT) this.sweep(now);
    this.lastSaid.delete(key);
    this.lastSaid.set(key, now);
    return true;
  }

  private sweep(now: number): void {
    for (const [key, at] of this.lastSaid) {
      if (now - at >= this.windowMs) this.lastSaid.delete(key);
    }
    // Mostly live entries: forget the oldest half (insertion order) rather than grow.
    for (const key of this.lastSaid.keys()) {
      if (this.lastSaid.size <= SWEEP_AT / 2) break;
      this.lastSaid.delete(key);
    }
  }
}
