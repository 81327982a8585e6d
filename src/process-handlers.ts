import type { Logger } from 'pino';

/**
 * Time allowed past the app's own shutdown bound before the process exits regardless. Default
 * 5 s: closing the HTTP server and the Redis client after the grace period takes well under a
 * second when they answer, and the exit must not wait on one that does not.
 */
export const HARD_EXIT_MARGIN_MS = 5_000;

/** The part of `process` the handlers use; tests pass an EventEmitter. */
export interface ProcessEvents {
  on(
    event: 'uncaughtException' | 'unhandledRejection',
    listener: (error: unknown) => void,
  ): unknown;
}

export interface ProcessHandlerOptions {
  /** The app's shutdown bound (what `stop` is given, e.g. `SHUTDOWN_GRACE_MS`). */
  readonly graceMs: number;
  /** Added to `graceMs` for the hard exit. Default {@link HARD_EXIT_MARGIN_MS}. */
  readonly hardExitMarginMs?: number;
  /** Default: the real `process`. */
  readonly target?: ProcessEvents;
  /** Default: `process.exit`. */
  readonly exit?: (code: number) => void;
}

/**
 * What the process does with an error nobody handled, whether thrown (`uncaughtException`) or
 * rejected (`unhandledRejection`, Node's own default since v15 being to crash): the state it
 * leaves is unknown, so it is logged (through the error serializer, at fatal), the app stops as
 * on SIGTERM — turns in flight get `graceMs`, buffered writes their last flush — and the process
 * exits with code 1 for its supervisor to restart it. When stopping takes longer than `graceMs`
 * plus a margin, or fails, it exits 1 all the same. A second error during the stop is logged and
 * changes nothing.
 */
export function installProcessHandlers(
  logger: Logger,
  stop: () => Promise<void>,
  options: ProcessHandlerOptions,
): void {
  const target = options.target ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const hardExitMs = options.graceMs + (options.hardExitMarginMs ?? HARD_EXIT_MARGIN_MS);
  let stopping = false;

  const crash = (what: string) => (error: unknown) => {
    logger.fatal({ err: error }, `${what}; stopping`);
    if (stopping) return;
    stopping = true;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      logger.flush();
      exit(1);
    };
    const timer = setTimeout(() => {
      logger.fatal({ afterMs: hardExitMs }, 'shutdown took too long; exiting');
      finish();
    }, hardExitMs);
    stop().then(
      () => {
        logger.info('stopped');
        finish();
      },
      (stopError: unknown) => {
        logger.error({ err: stopError }, 'stopping failed');
        finish();
      },
    );
  };
  target.on('uncaughtException', crash('uncaught exception'));
  target.on('unhandledRejection', crash('unhandled rejection'));
}
