import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Logger } from 'pino';
import type { ModelSettings } from './chat-preferences.js';
import type { FactSettings } from './fact-memory.js';
import type { MemoryStore } from './memory-port.js';
import type { ModelCallPolicy } from './model-call.js';
import type { TokenCounter } from './token-counter.js';
import type { ConversationEvents } from './turn-report.js';

/** What `ConversationService` is built from: its settings and the clients it is given. */

export interface ConversationSettings {
  readonly systemPrompt: string;
  /** Token budget of the verbatim history (`MEMORY_WINDOW_TOKENS`). */
  readonly windowTokens: number;
  /** Cap of the running summary (`SUMMARY_MAX_TOKENS`). */
  readonly summaryMaxTokens: number;
  /** Summaries running at once in this process (`SUMMARY_CONCURRENCY`). Default 2. */
  readonly summaryConcurrency?: number;
  /** Longest message accepted, in characters (`MAX_INPUT_CHARS`). */
  readonly maxInputChars: number;
  readonly model: ModelCallPolicy;
  /** Messages of one user that may wait at once; one more is refused. Default 5. */
  readonly maxPendingPerUser?: number;
  /** Turns a user may start per minute (`RATE_LIMIT_PER_MINUTE`); 0 or absent: no limit. */
  readonly ratePerMinute?: number;
  /**
   * Longest time a turn's `prepare` (downloads, transcription) may take, added to the lease so
   * the user's next turn does not start meanwhile. Default 0: adapters without attachments.
   */
  readonly prepareTimeoutMs?: number;
  /** Long-term facts about each person. Absent: off. */
  readonly facts?: FactSettings;
  /** Longest chat persona in characters (`PERSONA_MAX_CHARS`). Default 1,000. */
  readonly personaMaxChars?: number;
  /** The models people may pick with `/model` (`LLM_MODEL`, `LLM_MODELS`). Absent: one model. */
  readonly models?: ModelSettings;
  /** Tokens a person may spend per UTC day (`USER_DAILY_TOKEN_BUDGET`); 0 or absent: none. */
  readonly dailyTokenBudget?: number;
}

export interface ConversationDeps {
  readonly store: MemoryStore;
  readonly chatModel: BaseChatModel;
  /** Model for summaries, e.g. with a lower `maxTokens`. Default: `chatModel`. */
  readonly summaryModel?: BaseChatModel;
  readonly tokens: TokenCounter;
  readonly logger: Logger;
  readonly settings: ConversationSettings;
  /** Observers (metrics); every hook is optional. */
  readonly events?: ConversationEvents;
  /**
   * The chat model of a name in `settings.models` other than the default (`chatModel`). Called
   * on every turn of a person who picked one: return a cached instance. Absent: `chatModel`.
   */
  readonly chatModelFor?: (model: string) => BaseChatModel;
  /** Clock (ms) of the usage day and the budget's reset; tests move it. Default `Date.now`. */
  readonly now?: () => number;
}
