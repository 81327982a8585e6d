import type { SessionMemory, TurnLease } from '../core/memory-port.js';

/** What `InMemoryMemoryStore` keeps per user: what the Redis user keys hold. */
export interface UserState {
  /** Session ID → expiry time, like the Redis sorted set. */
  readonly sessions: Map<string, number>;
  generation: number;
  generationExpiresAt: number;
  /** When all of the user's sessions were last forgotten (ms). */
  forgottenAt: number;
  lease?: { owner: string; expiresAt: number };
  rate?: { count: number; resetAt: number };
}

export type LeaseTaken = Pick<SessionMemory, 'lease' | 'rate' | 'usageToday'>;

/**
 * The lease, the budget and the rate count of a turn, as the Redis load script takes them: a
 * lease held by another turn refuses this one (nothing counted); a spent budget (`spentToday` at
 * or over `lease.budget.tokens`) refuses it before the rate window counts it; a count past the
 * rate limit refuses it. A refused turn keeps no lease.
 */
export function takeLease(
  user: UserState,
  lease: TurnLease,
  now: number,
  spentToday: number | undefined,
): LeaseTaken {
  const holder = user.lease && user.lease.expiresAt > now ? user.lease : undefined;
  if (holder && holder.owner !== lease.owner) {
    return { lease: { held: false, retryAfterMs: holder.expiresAt - now } };
  }
  const spent = spentToday === undefined ? {} : { usageToday: spentToday };
  const { budget } = lease;
  if (budget && budget.tokens > 0 && (spentToday ?? 0) >= budget.tokens) {
    user.lease = undefined;
    return spent;
  }
  let rate: SessionMemory['rate'];
  if (lease.rateWindowMs) {
    if (!user.rate || user.rate.resetAt <= now) {
      user.rate = { count: 0, resetAt: now + lease.rateWindowMs };
    }
    user.rate.count += 1;
    rate = { count: user.rate.count, resetInMs: user.rate.resetAt - now };
    if (lease.rateLimit && rate.count > lease.rateLimit) {
      user.lease = undefined;
      return { rate, ...spent };
    }
  }
  user.lease = { owner: lease.owner, expiresAt: now + lease.ttlMs };
  return { lease: { held: true, retryAfterMs: 0 }, ...(rate ? { rate } : {}), ...spent };
}
