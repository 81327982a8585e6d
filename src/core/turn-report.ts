import type { Logger } from 'pino';
import { ConversationError, type FailureCode } from './errors.js';
import type { FactsApplied } from './facts.js';
import type { Reply, SessionRef, TokenUsage, Turn } from './types.js';

export type TurnOutcome = 'answered' | FailureCode | 'error';

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

/** Observes what the core does, for metrics; every hook is optional. */
export interface ConversationEvents {
  turnCompleted?(report: TurnReport): void;
  summaryCommitted?(session: SessionRef, foldedMessages: number, usage: TokenUsage): void;
  summaryFailed?(session: SessionRef, error: unknown): void;
  /** Facts were extracted at a fold with `usage` (the extraction's model call), then applied. */
  factsLearned?(session: SessionRef, usage: TokenUsage, applied: FactsApplied): void;
  /**
   * Fact extraction changed nothing: the model failed, or its answer did not parse (then `usage`
   * gives the tokens it cost anyway).
   */
  factsFailed?(session: SessionRef, error: unknown, usage?: TokenUsage): void;
}

/** The outcome of a failed turn: the `code` of a `ConversationError`, `error` for anything else. */
export function outcomeOf(error: unknown): TurnOutcome {
  return error instanceof ConversationError ? error.code : 'error';
}

/** Writes the per-turn log line and tells the observers. */
export function reportTurn(
  log: Logger,
  events: ConversationEvents,
  turn: Turn,
  started: number,
  outcome: TurnOutcome,
  reply?: Reply,
): void {
  const report: TurnReport = {
    platform: turn.session.platform,
    outcome,
    durationMs: Math.round(performance.now() - started),
    usage: reply?.usage,
    remembered: reply?.remembered,
  };
  log.info(
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
  events.turnCompleted?.(report);
}
