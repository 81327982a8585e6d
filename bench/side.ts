import type { FakeChatModel, FakeSummaryModel } from './fake-models.js';

/** The system prompt of both sides (ours adds one line naming the platform). */
export const SYSTEM_PROMPT =
  'You are a friendly, concise assistant in a chat app. Answer in the language the user writes ' +
  'in. Use Markdown sparingly. If you do not know something, say so instead of guessing.';

/** Sliding TTL of both sides: long enough for the run, short enough that a crash leaves no litter. */
export const TTL_SECONDS = 3600;

/**
 * `ok`: answered and stored; `refused`: turned away on purpose (ours: too many turns of the
 * session already waiting) and the caller was told so; `not-stored`: answered, not remembered.
 */
export type TurnOutcome = 'ok' | 'refused' | 'not-stored';

export interface StoredMessageView {
  readonly type: string;
  readonly text: string;
}

/** One memory implementation behind the same fake model, the same Redis and the same turns. */
export interface Side {
  readonly name: 'ours' | 'reference';
  readonly chatModel: FakeChatModel;
  /** Ours only: the summariser's model. */
  readonly summaryModel?: FakeSummaryModel;
  /** One turn of session number `session`; resolves when the answer is there. */
  turn(session: number, text: string): Promise<TurnOutcome>;
  /** Resolves when background work (our summaries) is done. */
  idle(): Promise<void>;
  /** Every Redis key the session may occupy. */
  keysOf(session: number): string[];
  /** The verbatim messages stored for the session, oldest first. */
  stored(session: number): Promise<StoredMessageView[]>;
  /** `ip:port` of the side's Redis connection, as MONITOR names it. */
  clientAddress(): Promise<string>;
  close(): Promise<void>;
}
