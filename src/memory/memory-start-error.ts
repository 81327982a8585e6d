/**
 * The memory store cannot start (a file that cannot be opened, written, or read as ours): the
 * message names what is wrong, where, and how to fix it, and is shown to the operator as is,
 * without a stack trace. A store that may come back on its own (Redis still starting) does not
 * throw this: only states that waiting will not fix.
 */
export class MemoryStartError extends Error {
  constructor(
    /** Where the memory lives, e.g. the SQLite file's path. */
    readonly location: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MemoryStartError';
  }
}
