/** What a failed turn came to; `TurnReport.outcome` uses the same names. */
export type FailureCode =
  | 'input_rejected'
  | 'model_error'
  | 'memory_unavailable'
  | 'session_busy'
  | 'rate_limited'
  | 'budget_exceeded'
  | 'aborted';

/**
 * A text for the person by message key and values, e.g. `{ key: 'input.tooLong', params:
 * { length, limit } }`: the platforms say it in the person's language (their catalogs,
 * `platforms/shared/i18n/en.ts`, hold every key). Numbers are formatted there, for the language.
 */
export interface UserText {
  readonly key: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

/**
 * Typed failures of a turn. Each carries `userText`, the person's message by key, and the same
 * in English as `userMessage` for the terminal chat and logs; the detail (cause, status) is for
 * logs only and never contains secrets.
 */
export abstract class ConversationError extends Error {
  abstract readonly code: FailureCode;
  abstract readonly userMessage: string;
  abstract readonly userText: UserText;
}

const numberFormat = new Intl.NumberFormat('en');

/** The user's message cannot be processed as sent (nothing is called, nothing is stored). */
export class InputRejectedError extends ConversationError {
  readonly code = 'input_rejected';
  readonly userMessage: string;
  readonly userText: UserText;

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
    this.userText =
      reason === 'empty'
        ? { key: 'input.empty' }
        : { key: 'input.tooLong', params: { length, limit } };
  }
}

/**
 * An attachment cannot be used as sent (too large, too long, not readable, not supported here):
 * the turn is refused with a message that says why and names the limit. Nothing is stored.
 */
export class AttachmentRejectedError extends ConversationError {
  readonly code = 'input_rejected';

  constructor(
    readonly userText: UserText,
    /** The same in English, for the terminal chat and logs. */
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
  readonly userText: UserText;

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
    this.userText = { key: MODEL_TEXT_KEYS[kind] };
  }
}

const MODEL_TEXT_KEYS: Readonly<Record<ModelFailureKind, string>> = {
  timeout: 'model.timeout',
  rate_limited: 'model.rateLimited',
  unavailable: 'model.unavailable',
  rejected: 'model.rejected',
  empty: 'model.empty',
};

/** The conversation memory could not be read, so the turn was not answered. */
export class MemoryUnavailableError extends ConversationError {
  readonly code = 'memory_unavailable';
  readonly userMessage = 'Sorry, I cannot reach my memory right now. Please try again in a moment.';
  readonly userText: UserText = { key: 'memory.unavailable' };

  constructor(options?: { cause?: unknown }) {
    super('memory store unavailable', options);
    this.name = 'MemoryUnavailableError';
  }
}

/** The user already has turns waiting or in flight (one at a time per user, across processes). */
export class SessionBusyError extends ConversationError {
  readonly code = 'session_busy';
  readonly userMessage: string;
  readonly userText: UserText;

  constructor(readonly retryAfterMs = 5000) {
    super(`the user already has a turn in flight; retry in ${retryAfterMs} ms`);
    this.name = 'SessionBusyError';
    this.userMessage =
      'I am still answering your previous message. ' +
      `Please send this one again ${inSeconds(retryAfterMs)}.`;
    this.userText = waitText('turn.busy', retryAfterMs);
  }
}

/** The user sent more turns than `RATE_LIMIT_PER_MINUTE` allows. */
export class RateLimitedError extends ConversationError {
  readonly code = 'rate_limited';
  readonly userMessage: string;
  readonly userText: UserText;

  constructor(readonly retryAfterMs: number) {
    super(`rate limit reached; retry in ${retryAfterMs} ms`);
    this.name = 'RateLimitedError';
    this.userMessage = `You are sending messages faster than I can answer. Please try again ${inSeconds(retryAfterMs)}.`;
    this.userText = waitText('turn.rateLimited', retryAfterMs);
  }
}

/** Waits of up to this many seconds are "a few seconds". */
const FEW_SECONDS = 5;

function inSeconds(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds <= FEW_SECONDS ? 'in a few seconds' : `in ${seconds} seconds`;
}

/** `turn.busySoon` for a short wait, else `turn.busy` with the seconds. */
function waitText(key: 'turn.busy' | 'turn.rateLimited', ms: number): UserText {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds <= FEW_SECONDS ? { key: `${key}Soon` } : { key, params: { seconds } };
}

/** The turn was abandoned (shutdown); nothing was stored. */
export class TurnAbortedError extends ConversationError {
  readonly code = 'aborted';
  readonly userMessage = 'I am restarting and could not finish this answer. Please ask again.';
  readonly userText: UserText = { key: 'turn.aborted' };

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

/** `userMessageFor` by message key, for the platforms to say in the person's language. */
export function userTextFor(error: unknown): UserText {
  return error instanceof ConversationError ? error.userText : { key: 'error.generic' };
}
