/**
 * A platform could not start (bad token, unreachable API, refused intents): the message says what
 * to fix and is shown to the operator as is, without a stack trace.
 */
export class PlatformStartError extends Error {
  constructor(
    readonly platform: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PlatformStartError';
  }
}
