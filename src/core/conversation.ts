import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, mapChatMessagesToStoredMessages } from '@langchain/core/messages';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import {
  UNKNOWN_GENERATIONS,
  emptyMemory,
  type MemoryStore,
  type SessionMemory,
  type TurnLease,
} from './memory-port.js';
import {
  ConversationError,
  InputRejectedError,
  MemoryUnavailableError,
  RateLimitedError,
  SessionBusyError,
  TurnAbortedError,
} from './errors.js';
import { KeyedQueue, QueueFullError } from './keyed-queue.js';
import { callModel, type ModelCallPolicy } from './model-call.js';
import { buildPrompt } from './prompt.js';
import { assertSessionRef } from './session-id.js';
import { planFold, summarize } from './summarizer.js';
import type { TokenCounter } from './token-counter.js';
import type { MemorySnapshot, Reply, ReplyOptions, SessionRef, TokenUsage, Turn } from './types.js';

export interface ConversationSettings {
  readonly systemPrompt: string;
  /** Token budget of the verbatim history (`MEMORY_WINDOW_TOKENS`). */
  readonly windowTokens: number;
  /** Cap of the running summary (`SUMMARY_MAX_TOKENS`). */
  readonly summaryMaxTokens: number;
  /** Longest message accepted, in characters (`MAX_INPUT_CHARS`). */
  readonly maxInputChars: number;
  readonly model: ModelCallPolicy;
  /**
   * Messages of one user that may wait for an answer at once (one runs, the others wait in order);
   * one more is refused politely. Default 5: a user pasting a burst is served in order, a flood
   * does not pile up in memory.
   */
  readonly maxPendingPerUser?: number;
  /** Turns a user may start per minute (`RATE_LIMIT_PER_MINUTE`); 0 or absent: no limit. */
  readonly ratePerMinute?: number;
}

/** How much longer than a turn's time budget its lease lives, so a crashed process cannot block. */
const LEASE_MARGIN_MS = 5000;

/** Added to an answer given while memory (Redis) was unreachable. */
export const WITHOUT_MEMORY =
  'I cannot reach my memory right now, so I answered without our earlier conversation.';

export interface ConversationDeps {
  readonly store: MemoryStore;
  readonly chatModel: BaseChatModel;
  /** Model for summaries, e.g. with a lower `maxTokens`. Default: `chatModel`. */
  readonly summaryModel?: BaseChatModel;
  readonly tokens: TokenCounter;
  readonly logger: Logger;
  readonly settings: ConversationSettings;
}

export type TurnOutcome =
  | 'answered'
  | 'input_rejected'
  | 'model_error'
  | 'memory_unavailable'
  | 'session_busy'
  | 'rate_limited'
  | 'aborted'
  | 'error';

/** What one turn came to, for metrics and the per-turn log line. */
export interface TurnReport {
  readonly platform: string;
  readonly outcome: TurnOutcome;
  readonly durationMs: number;
  /** Tokens of the chat model call, when one was made and answered. */
  readonly usage?: TokenUsage;
  /** False when an answered turn could not be stored (forgotten meanwhile, or a write failure). */
  readonly remembered?: boolean;
}

/** Observes what the service does, for metrics; every hook is optional. */
export interface ConversationEvents {
  turnCompleted?(report: TurnReport): void;
  summaryCommitted?(session: SessionRef, foldedMessages: number, usage: TokenUsage): void;
  summaryFailed?(session: SessionRef, error: unknown): void;
}

const OUTCOMES: Record<string, TurnOutcome> = {
  input_rejected: 'input_rejected',
  model_error: 'model_error',
  memory_unavailable: 'memory_unavailable',
  session_busy: 'session_busy',
  rate_limited: 'rate_limited',
  aborted: 'aborted',
};

function outcomeOf(error: unknown): TurnOutcome {
  return error instanceof ConversationError ? (OUTCOMES[error.code] ?? 'error') : 'error';
}

/**
 * The conversation core: one turn is load (one round trip) → prompt → model → append (one atomic
 * round trip). Turns of one session run in order; summaries run afterwards, off the reply's path.
 */
export class ConversationService {
  private readonly queue: KeyedQueue;
  private readonly summaries = new Map<string, Promise<void>>();
  private readonly shutdown = new AbortController();
  private readonly log: Logger;
  private closing = false;
  events: ConversationEvents = {};

  constructor(private readonly deps: ConversationDeps) {
    this.queue = new KeyedQueue(deps.settings.maxPendingPerUser ?? 5);
    this.log = deps.logger.child({ component: 'conversation' });
  }

  /** Answers one turn and remembers it. Throws a `ConversationError` subclass on failure. */
  async reply(turn: Turn, options: ReplyOptions = {}): Promise<Reply> {
    const started = performance.now();
    try {
      const reply = await this.answer(turn, options);
      this.report(turn, started, 'answered', reply);
      return reply;
    } catch (error) {
      this.report(turn, started, outcomeOf(error));
      throw error;
    }
  }

  private report(turn: Turn, started: number, outcome: TurnOutcome, reply?: Reply): void {
    const report: TurnReport = {
      platform: turn.session.platform,
      outcome,
      durationMs: Math.round(performance.now() - started),
      usage: reply?.usage,
      remembered: reply?.remembered,
    };
    this.log.info(
      {
        platform: report.platform,
        session: turn.session.id,
        outcome,
        latencyMs: report.durationMs,
        inputTokens: report.usage?.inputTokens,
        outputTokens: report.usage?.outputTokens,
        remembered: report.remembered,
      },
      'turn',
    );
    this.events.turnCompleted?.(report);
  }

  private async answer(turn: Turn, options: ReplyOptions): Promise<Reply> {
    const question = this.validate(turn);
    if (this.shutdown.signal.aborted) throw new TurnAbortedError();
    const signal = options.signal
      ? AbortSignal.any([options.signal, this.shutdown.signal])
      : this.shutdown.signal;
    let outcome: { reply: Reply; totalTokens: number };
    try {
      // One turn of a user at a time, in order: its sessions never interleave, and a user
      // cannot run turns in parallel (across processes too: see the lease in `runTurn`).
      outcome = await this.queue.run(`${turn.session.platform}:${turn.session.userId}`, () =>
        this.runTurn(turn, question, { ...options, signal }),
      );
    } catch (error) {
      if (error instanceof QueueFullError) throw new SessionBusyError();
      throw error;
    }
    if (outcome.totalTokens > this.deps.settings.windowTokens) {
      this.summarizeInBackground(turn.session);
    }
    return outcome.reply;
  }

  /** `reply` as an async iterable of text deltas; returns the final `Reply`. */
  async *stream(
    turn: Turn,
    options: Omit<ReplyOptions, 'onDelta'> = {},
  ): AsyncGenerator<string, Reply> {
    const pending: string[] = [];
    let wake: (() => void) | undefined;
    let settled = false;
    const result = this.reply(turn, {
      ...options,
      onDelta: (text) => {
        pending.push(text);
        wake?.();
      },
    }).finally(() => {
      settled = true;
      wake?.();
    });
    result.catch(() => undefined);
    while (true) {
      while (pending.length > 0) yield pending.shift()!;
      if (settled) return await result;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  }

  async forget(session: SessionRef): Promise<void> {
    assertSessionRef(session);
    await this.memoryCall(() => this.deps.store.forget(session));
  }

  /** Forgets every session of the user on the platform; returns how many there were. */
  async forgetUser(platform: string, userId: string): Promise<number> {
    return this.memoryCall(() => this.deps.store.forgetUser(platform, userId));
  }

  async memory(session: SessionRef): Promise<MemorySnapshot> {
    assertSessionRef(session);
    const memory = await this.memoryCall(() => this.deps.store.load(session));
    return {
      summary: memory.summary,
      summaryTokens: memory.summaryTokens,
      messageCount: memory.entries.length,
      messageTokens: memory.totalTokens,
    };
  }

  /** A store call for a command: its failure becomes a typed, politely worded error. */
  private async memoryCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ConversationError) throw error;
      this.log.error({ err: error }, 'memory call failed');
      throw new MemoryUnavailableError({ cause: error });
    }
  }

  /** Resolves when no turn and no summary is running. */
  async idle(): Promise<void> {
    do {
      await this.queue.drain();
      await Promise.all(this.summaries.values());
    } while (this.queue.size > 0 || this.summaries.size > 0);
  }

  /**
   * Stops taking turns and waits up to `graceMs` for those in flight; past that they are
   * abandoned (nothing is written for them) and summaries are cancelled.
   */
  async close(graceMs = 10_000): Promise<void> {
    const timer = setTimeout(() => this.shutdown.abort(), graceMs);
    this.closing = true;
    try {
      await this.idle();
    } finally {
      clearTimeout(timer);
      this.shutdown.abort();
    }
  }

  private validate(turn: Turn): string {
    assertSessionRef(turn.session);
    if (this.closing) throw new TurnAbortedError();
    const text = turn.text.trim();
    if (!text) throw new InputRejectedError('empty');
    const limit = this.deps.settings.maxInputChars;
    if (text.length > limit) throw new InputRejectedError('too_long', text.length, limit);
    return text;
  }

  private async runTurn(
    turn: Turn,
    question: string,
    options: ReplyOptions & { signal: AbortSignal },
  ): Promise<{ reply: Reply; totalTokens: number }> {
    const { settings } = this.deps;
    const lease: TurnLease = {
      owner: randomUUID(),
      ttlMs: settings.model.timeoutMs + LEASE_MARGIN_MS,
      rateWindowMs: settings.ratePerMinute ? 60_000 : 0,
    };
    let memory: SessionMemory;
    let degraded = false;
    try {
      memory = await this.loadWithLease(turn.session, lease, options.signal);
    } catch (error) {
      if (error instanceof ConversationError) throw error;
      // Memory is unreachable: answer without it, say so, and let the store keep the turn.
      this.log.error(
        { err: error, session: turn.session.id },
        'memory load failed; answering without memory',
      );
      memory = emptyMemory(UNKNOWN_GENERATIONS);
      degraded = true;
    }
    const limit = settings.ratePerMinute ?? 0;
    if (limit > 0 && memory.rate && memory.rate.count > limit) {
      await this.release(turn.session, lease.owner);
      throw new RateLimitedError(memory.rate.resetInMs);
    }
    try {
      return await this.answerWith(turn, question, options, memory, lease.owner, degraded);
    } catch (error) {
      await this.release(turn.session, lease.owner);
      throw error;
    }
  }

  /**
   * Loads the session and takes the user's lease; while another process holds it, waits (up to
   * that turn's time budget) so the user's turns still run one at a time and in order.
   */
  private async loadWithLease(
    session: SessionRef,
    lease: TurnLease,
    signal: AbortSignal,
  ): Promise<SessionMemory> {
    const deadline = Date.now() + lease.ttlMs;
    for (;;) {
      const memory = await this.deps.store.load(session, lease);
      if (memory.lease?.held !== false) return memory;
      const wait = Math.min(Math.max(memory.lease.retryAfterMs, 50), 500);
      if (Date.now() + wait > deadline) throw new SessionBusyError(memory.lease.retryAfterMs);
      await new Promise<void>((resolve) => setTimeout(resolve, wait));
      if (signal.aborted) throw new TurnAbortedError();
    }
  }

  private async release(session: SessionRef, owner: string): Promise<void> {
    await this.deps.store.releaseLease(session, owner).catch((error: unknown) => {
      // It expires by itself within the turn's budget.
      this.log.debug({ err: error }, 'lease release failed');
    });
  }

  private async answerWith(
    turn: Turn,
    question: string,
    options: ReplyOptions & { signal: AbortSignal },
    memory: SessionMemory,
    leaseOwner: string,
    degraded: boolean,
  ): Promise<{ reply: Reply; totalTokens: number }> {
    const { store, tokens, settings } = this.deps;
    const prompt = await buildPrompt({
      systemPrompt: settings.systemPrompt,
      summary: memory.summary,
      history: memory.entries,
      question,
      authorName: turn.authorName,
      platform: turn.session.platform,
      windowTokens: settings.windowTokens,
      tokens,
    });
    const answer = await callModel(this.deps.chatModel, prompt, settings.model, options);
    if (options.signal.aborted) throw new TurnAbortedError();

    const human = new HumanMessage(question);
    const ai = new AIMessage(answer.text);
    const [storedHuman, storedAi] = mapChatMessagesToStoredMessages([human, ai]);
    const usage = answer.usage ?? {
      inputTokens: prompt.reduce((sum, m) => sum + tokens.countMessage(m), 0),
      outputTokens: tokens.countText(answer.text),
    };
    try {
      const written = await store.appendTurn(
        turn.session,
        memory.generations,
        [
          { message: storedHuman!, tokens: tokens.countMessage(human) },
          { message: storedAi!, tokens: tokens.countMessage(ai) },
        ],
        { answeredAt: Date.now(), leaseOwner },
      );
      if (written.dropped > 0) {
        this.log.warn(
          { session: turn.session.id, dropped: written.dropped },
          'hard cap dropped unsummarised messages',
        );
      }
      const remembered = written.status !== 'stale';
      if (!remembered) this.log.info({ session: turn.session.id }, 'session forgotten mid-turn');
      const notice = degraded ? WITHOUT_MEMORY : undefined;
      return {
        reply: { text: answer.text, remembered, usage, notice },
        totalTokens: written.totalTokens,
      };
    } catch (error) {
      this.log.error({ err: error, session: turn.session.id }, 'memory write failed');
      const notice = degraded ? WITHOUT_MEMORY : undefined;
      return { reply: { text: answer.text, remembered: false, usage, notice }, totalTokens: 0 };
    }
  }

  /** One summary at a time per session; a failure keeps the messages for the next attempt. */
  private summarizeInBackground(session: SessionRef): void {
    if (this.summaries.has(session.id) || this.shutdown.signal.aborted) return;
    // Starts after the caller has the answer (next macrotask): a summary never delays a reply.
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.summarizeOnce(session))
      .catch((error: unknown) => {
        this.events.summaryFailed?.(session, error);
        this.log.warn({ err: error, session: session.id }, 'summary failed; will retry later');
      })
      .finally(() => this.summaries.delete(session.id));
    this.summaries.set(session.id, run);
  }

  private async summarizeOnce(session: SessionRef): Promise<void> {
    const { store, settings, tokens } = this.deps;
    const memory = await store.load(session);
    const plan = planFold(memory.entries, settings.windowTokens);
    if (!plan) return;
    const result = await summarize({
      model: this.deps.summaryModel ?? this.deps.chatModel,
      previousSummary: memory.summary,
      entries: plan.entries,
      maxTokens: settings.summaryMaxTokens,
      tokens,
      policy: settings.model,
      signal: this.shutdown.signal,
    });
    const committed = await store.commitSummary(session, {
      expect: memory.generations,
      firstId: plan.firstId,
      count: plan.count,
      summary: result.summary,
      summaryTokens: result.tokens,
    });
    if (committed) this.events.summaryCommitted?.(session, plan.count, result.usage);
    this.log.debug({ session: session.id, folded: plan.count, committed }, 'summary');
  }
}
