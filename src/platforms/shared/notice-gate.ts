/** Kinds of notice a person can trigger over and over; each is said at most once per window. */
export type NoticeKind =
  'access' | 'busy' | 'rate' | 'budget' | 'input' | 'unknown-command' | 'unsupported';

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
  /** When each person's notice of each kind may be said again. */
  private readonly until = new Map<string, number>();

  /** @param windowMs Default 60 s: the length of the rate-limit window. */
  constructor(private readonly windowMs = 60_000) {}

  /**
   * True when the notice may be said now (and books it for `windowMs`, the gate's window unless
   * given: a spent daily budget's notice is said once until the budget starts again); false:
   * drop it silently.
   */
  allow(person: string, kind: NoticeKind, now = Date.now(), windowMs = this.windowMs): boolean {
    const key = `${person}\u0000${kind}`;
    const until = this.until.get(key);
    if (until !== undefined && now < until) return false;
    if (this.until.size >= SWEEP_AT) this.sweep(now);
    this.until.delete(key);
    this.until.set(key, now + windowMs);
    return true;
  }

  private sweep(now: number): void {
    for (const [key, until] of this.until) {
      if (until <= now) this.until.delete(key);
    }
    // Mostly live entries: forget the oldest half (insertion order) rather than grow.
    for (const key of this.until.keys()) {
      if (this.until.size <= SWEEP_AT / 2) break;
      this.until.delete(key);
    }
  }
}
