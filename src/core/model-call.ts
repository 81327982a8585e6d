import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import { ModelError, TurnAbortedError } from './errors.js';
import type { TokenCounter } from './token-counter.js';
import type { TokenUsage } from './types.js';

export interface ModelCallPolicy {
  /**
   * Time budget of one answer, retries and back-off included (`LLM_TIMEOUT_MS`). Sized so a user
   * hears back, answer or apology, within 30 seconds even when the endpoint is down.
   */
  readonly timeoutMs: number;
  /** Retries after the first attempt, for timeouts, 429 and 5xx (`LLM_MAX_RETRIES`). */
  readonly maxRetries: number;
  /** First back-off delay; doubled on each retry, with jitter. Default 500 ms. */
  readonly baseDelayMs?: number;
}

export interface ModelAnswer {
  readonly text: string;
  /** As reported by the endpoint; counted locally (prompt and answer) when it reports none. */
  readonly usage: TokenUsage;
}

export interface ModelCallOptions {
  /** Counts the usage an endpoint does not report (some local servers never do). */
  readonly tokens: TokenCounter;
  readonly onDelta?: (text: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * Calls the chat model within the time budget, retrying what is worth retrying with exponential
 * back-off (honouring `Retry-After` when it fits the budget). Failures come out as `ModelError`.
 * A streamed answer is not retried once text reached the caller: it would be shown twice.
 */
export async function callModel(
  model: BaseChatModel,
  messages: BaseMessage[],
  policy: ModelCallPolicy,
  options: ModelCallOptions,
): Promise<ModelAnswer> {
  const deadline = Date.now() + policy.timeoutMs;
  const baseDelay = policy.baseDelayMs ?? 500;
  for (let attempt = 0; ; attempt += 1) {
    if (options.signal?.aborted) throw new TurnAbortedError();
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new ModelError('timeout', undefined);
    // A timer cleared after the attempt, not AbortSignal.timeout: that one (and the listeners
    // LangChain hangs on it) would live for the whole budget after every turn.
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException('timed out', 'TimeoutError')),
      remaining,
    );
    const signal = options.signal
      ? AbortSignal.any([options.signal, timeout.signal])
      : timeout.signal;
    let emitted = false;
    try {
      const answer = options.onDelta
        ? await streamOnce(model, messages, signal, (text) => {
            emitted = true;
            options.onDelta?.(text);
          })
        : await invokeOnce(model, messages, signal);
      if (!answer.text.trim()) throw new ModelError('empty', undefined);
      return {
        text: answer.text,
        usage: answer.usage ?? {
          inputTokens: messages.reduce((sum, m) => sum + options.tokens.countMessage(m), 0),
          outputTokens: options.tokens.countText(answer.text),
        },
      };
    } catch (error) {
      if (options.signal?.aborted) throw new TurnAbortedError();
      const failure = classifyModelError(error, timeout.signal.aborted);
      if (!failure.retryable || emitted || attempt >= policy.maxRetries) throw failure;
      const backoff = baseDelay * 2 ** attempt * (0.75 + Math.random() * 0.5);
      const delay = Math.max(retryAfterMs(error) ?? 0, backoff);
      // A retry that cannot finish in time only delays the apology.
      if (Date.now() + delay + Math.min(1000, policy.timeoutMs / 4) >= deadline) throw failure;
      await sleep(delay, options.signal);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** An answer as the endpoint gave it, usage only when reported. */
interface ReportedAnswer {
  readonly text: string;
  readonly usage?: TokenUsage;
}

async function invokeOnce(
  model: BaseChatModel,
  messages: BaseMessage[],
  signal: AbortSignal,
): Promise<ReportedAnswer> {
  const message = await model.invoke(messages, { signal });
  return { text: message.text, usage: usageOf(message) };
}

async function streamOnce(
  model: BaseChatModel,
  messages: BaseMessage[],
  signal: AbortSignal,
  onDelta: (text: string) => void,
): Promise<ReportedAnswer> {
  let text = '';
  let usage: TokenUsage | undefined;
  const stream = await model.stream(messages, { signal });
  for await (const chunk of stream) {
    const delta = chunk.text;
    if (delta) {
      text += delta;
      onDelta(delta);
    }
    usage = usageOf(chunk) ?? usage;
  }
  return { text, usage };
}

function usageOf(message: AIMessageChunk | { usage_metadata?: unknown }): TokenUsage | undefined {
  const usage = message.usage_metadata as
    { input_tokens?: number; output_tokens?: number } | undefined;
  if (!usage || (!usage.input_tokens && !usage.output_tokens)) return undefined;
  return { inputTokens: usage.input_tokens ?? 0, outputTokens: usage.output_tokens ?? 0 };
}

interface HttpLikeError {
  status?: unknown;
  name?: unknown;
  code?: unknown;
  headers?: unknown;
  response?: { status?: unknown };
  lc_error_code?: unknown;
}

/**
 * Maps whatever the model client threw (OpenAI SDK `APIError` with `status`, LangChain's wrapped
 * `TimeoutError`, fetch's network errors) to a `ModelError`. Unknown errors count as
 * "unavailable", so they are retried within the budget and never reach the user verbatim.
 */
export function classifyModelError(error: unknown, timedOut = false): ModelError {
  if (error instanceof ModelError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as HttpLikeError;
  const status =
    typeof e.status === 'number'
      ? e.status
      : typeof e.response?.status === 'number'
        ? e.response.status
        : undefined;
  const cause = { cause: error };
  if (timedOut || e.name === 'TimeoutError' || e.name === 'APIConnectionTimeoutError') {
    return new ModelError('timeout', status, cause);
  }
  if (status === 429 || e.lc_error_code === 'MODEL_RATE_LIMIT') {
    return new ModelError('rate_limited', 429, cause);
  }
  if (status === undefined || status === 408 || status === 409 || status >= 500) {
    return new ModelError('unavailable', status, cause);
  }
  if (status === 401 || status === 403 || status === 404) {
    // A wrong key or model name: an operator's problem, not retried, not the user's fault.
    return new ModelError('unavailable', status, { ...cause, retryable: false });
  }
  return new ModelError('rejected', status, cause);
}

/** `Retry-After` (seconds) or `retry-after-ms` of an HTTP error, in milliseconds. */
function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as HttpLikeError | undefined)?.headers;
  const get = (name: string): string | undefined => {
    if (!headers || typeof headers !== 'object') return undefined;
    if (typeof (headers as Headers).get === 'function')
      return (headers as Headers).get(name) ?? undefined;
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  };
  const ms = Number(get('retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && get('retry-after-ms') !== undefined) return ms;
  const seconds = Number(get('retry-after'));
  if (Number.isFinite(seconds) && seconds >= 0 && get('retry-after') !== undefined)
    return seconds * 1000;
  return undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(new TurnAbortedError());
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}
