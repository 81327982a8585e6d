/** Polling for a condition in tests, with a failure that says what was awaited. */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Resolves once `predicate()` holds, checking every `intervalMs`; rejects with `failure()` as the
 * message once `timeoutMs` have passed.
 */
export async function waitUntil(
  predicate: () => boolean,
  options: { timeoutMs: number; intervalMs: number; failure: () => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(options.failure());
    await sleep(options.intervalMs);
  }
}
