/**
 * Telling "the store is unreachable, keep the turn and try later" from "the store answered and
 * refused this write", without importing a client library: by the error's name, code and message
 * as ioredis (and Node's sockets) and node:sqlite set them.
 */

/**
 * Replies of a reachable Redis that mean "not now" rather than "never": retried like an outage.
 * A wrong or rotated password (WRONGPASS, NOAUTH, NOPERM) is an operator's fix away, so the
 * turns wait for it instead of being dropped.
 */
const TRANSIENT_REPLIES =
  /^(LOADING|BUSY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY|NOREPLICAS|OOM|WRONGPASS|NOAUTH|NOPERM)\b/;

/** Errors raised before anything is sent, for arguments no attempt can fix. */
const INVALID_INPUT = new Set(['InvalidSessionIdError', 'RangeError', 'TypeError', 'SyntaxError']);

/**
 * SQLite's primary result codes (the low byte of node:sqlite's `errcode`, which carries the
 * extended code) that refuse this write for its data: a statement SQLite rejects (1 SQLITE_ERROR),
 * a value too big (18), a constraint (19), a type mismatch (20), a bad parameter (25). Every other
 * code means the file cannot take writes now — busy or locked by another process (5, 6), out of
 * memory (7), read-only (8), I/O errors (10), corrupt (11), disk full (13), cannot open (14),
 * not a database (26) — which an operator can fix while the turns wait.
 */
const SQLITE_REFUSALS = new Set([1, 18, 19, 20, 25]);

/**
 * True unless the error shows the store answered and refused the write for good: an error reply
 * from Redis (`ReplyError`, e.g. a script failing on its data) other than the transient ones
 * above, a SQLite refusal of the data ({@link SQLITE_REFUSALS}), or invalid input. Anything else
 * (connection refused or closed, command timed out, retries exhausted, cluster not ready, a
 * SQLite file busy, full, read-only or failing, a closed database, errors not recognised) counts
 * as unreachable, so the turn is kept: when in doubt, keep.
 */
export function isStoreUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  if (INVALID_INPUT.has(error.name)) return false;
  if (error.name === 'ReplyError') return TRANSIENT_REPLIES.test(error.message);
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') {
    return !SQLITE_REFUSALS.has(errcode & 0xff);
  }
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
