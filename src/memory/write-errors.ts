/**
 * Telling "the store is unreachable, keep the turn and try later" from "the store answered and
 * refused this write", without importing a client library: by the error's name, code and message
 * as ioredis (and Node's sockets) set them.
 */

/** Replies of a reachable Redis that mean "not now" rather than "never": retried like an outage. */
const TRANSIENT_REPLIES =
  /^(LOADING|BUSY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY|NOREPLICAS|OOM)\b/;

/** Errors raised before anything is sent, for arguments no attempt can fix. */
const INVALID_INPUT = new Set(['InvalidSessionIdError', 'RangeError', 'TypeError', 'SyntaxError']);

/**
 * True unless the error shows the store answered and refused the write for good: an error reply
 * from Redis (`ReplyError`, e.g. a script failing on its data) other than the transient ones
 * above, or invalid input. Anything else (connection refused or closed, command timed out,
 * retries exhausted, cluster not ready, errors not recognised) counts as unreachable, so the
 * turn is kept: when in doubt, keep.
 */
export function isStoreUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  if (INVALID_INPUT.has(error.name)) return false;
  if (error.name === 'ReplyError') return TRANSIENT_REPLIES.test(error.message);
  return true;
}

/**
 * The error as loggers may see it: name, message and code, with its stack, and nothing else.
 * ioredis attaches the failed command to its errors (`command.args`: here the turn's messages),
 * and callbacks must not pass message text on.
 */
export function redactedError(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error).slice(0, 200));
  const copy = new Error(error.message);
  copy.name = error.name;
  copy.stack = error.stack;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') {
    Object.assign(copy, { code });
  }
  return copy;
}
