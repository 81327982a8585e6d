/** What a failed turn came to; `TurnReport.outcome` uses the same names. */
export type FailureCode =
  | 'input_rejected'
  | 'model_error'
  | 'memory_unavailable'
  | 'session_busy'
  | 'rate_limited'
  | 'aborted';

/**
 * Typed failures of a turn. Each carries a short, friendly `userMessage` that an adapter can send
 * as is; the detail (cause, status) is for logs only and never contains secrets.
 */
export abstract class ConversationError extends Error {
  abstract readonly code: FailureCode;
  abstract readonly userMessage: string;
}

const numberFormat = new Intl.NumberFormat('en');

/** The user's message cannot be processed as sent (nothing is called, nothing is stored). */
export class InputRejectedError extends ConversationError {
  readonly code = 'input_rejected';
  readonly userMessage: string;

  constructor(
    readonly reason: 'empty' | 'too_long',
    readonly length = 0,
    readonly limit = 0,
  ) {
    super(reason === 'empty' ? 'empty message' : `message of ${length} characters over ${limit}`);
    this.name = 'InputRejectedError';
    this.userMessage =
      reason === 'empty'
        ? 'Your message is empty: send me some text and I will answer.'
        : `Your message is ${numberFormat.format(length)} characters long, and I can read at most ` +
          `${numberFormat.format(limit)}. Please shorten it or send it in parts.`;
  }
}

/**
 * An attachment cannot be used as sent (too large, too long, not readable, not supported here):
 * the turn is refused with a message that says why and names the limit. Nothing is stored.
 */
export class AttachmentRejectedError extends ConversationError {
  readonly code = 'input_rejected';

  constructor(
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super('attachment rejected', options);
    this.name = 'AttachmentRejectedError';
  }
}

export type ModelFailureKind = 'timeout' | 'rate_limited' | 'unavailable' | 'rejected' | 'empty';

/** The chat model gave no usable answer within the turn's time budget, retries included. */
export class ModelError extends ConversationError {
  readonly code = 'model_error';
  readonly userMessage: string;

  /** Worth another attempt within the budget (timeouts, 429, 5xx, network), unlike a bad key. */
  readonly retryable: boolean;

  constructor(
    readonly kind: ModelFailureKind,
    readonly status: number | undefined,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(`model ${kind}${status ? ` (HTTP ${status})` : ''}`, options);
    this.name = 'ModelError';
    this.retryable =
      options?.retryable ??
      (kind === 'timeout' || kind === 'rate_limited' || kind === 'unavailable');
    this.userMessage =
      kind === 'rate_limited'
        ? 'I am getting too many requests right now. Please try again in a minute.'
        : kind === 'timeout'
          ? 'Sorry, my answer is taking too long. Please try again in a moment.'
          : kind === 'rejected'
            ? 'Sorry, the language model refused that request. Try rephrasing it.'
            : kind === 'empty'
              ? 'Sorry, I could not come up with an answer to that. Please try rephrasing it.'
              : 'Sorry, I cannot reach my language model right now. Please try again in a moment.';
  }
}

/** The conversation memory could not be read, so the turn was not answered. */
export class MemoryUnavailableError extends ConversationError {
  readonly code = 'memory_unavailable';
  readonly userMessage = 'Sorry, I cannot reach my memory right now. Please try again in a moment.';

  constructor(options?: { cause?: unknown }) {
    super('memory store unavailable', options);
    this.name = 'MemoryUnavailableError';
  }
}

/** The user already has turns waiting or in flight (one at a time per user, across processes). */
export class SessionBusyError extends ConversationError {
  readonly code = 'session_busy';
  readonly userMessage: string;

  constructor(readonly retryAfterMs = 5000) {
    super(`the user already has a turn in flight; retry in ${retryAfterMs} ms`);
    this.name = 'SessionBusyError';
    this.userMessage =
      'I am still answering your previous message. ' +
      `Please send this one again ${inSeconds(retryAfterMs)}.`;
  }
}

/** The user sent more turns than `RATE_LIMIT_PER_MINUTE` allows. */
export class RateLimitedError extends ConversationError {
  readonly code = 'rate_limited';
  readonly userMessage: string;

  constructor(readonly retryAfterMs: number) {
    super(`rate limit reached; retry in ${retryAfterMs} ms`);
    this.name = 'RateLimitedError';
    this.userMessage = `You are sending messages faster than I can answer. Please try again ${inSeconds(retryAfterMs)}.`;
  }
}

function inSeconds(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds <= 5 ? 'in a few seconds' : `in ${seconds} seconds`;
}

/** The turn was abandoned (shutdown); nothing was stored. */
export class TurnAbortedError extends ConversationError {
  readonly code = 'aborted';
  readonly userMessage = 'I am restarting and could not finish this answer. Please ask again.';

  constructor() {
    super('turn aborted');
    this.name = 'TurnAbortedError';
  }
}

const GENERIC_APOLOGY = 'Sorry, something went wrong on my side. Please try again in a moment.';

/** The message to show a user for any failure of a turn: specific when known, generic otherwise. */
export function userMessageFor(error: unknown): string {
  return error instanceof ConversationError ? error.userMessage : GENERIC_APOLOGY;
}
