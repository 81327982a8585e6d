/**
 * Who a conversation belongs to. Built only by the functions of `session-id.ts`, which validate
 * the platform's IDs before they become part of a storage key.
 */
export interface SessionRef {
  /** Full session ID, e.g. `telegram:c-100123:t7:u42`. Unique across platforms. */
  readonly id: string;
  /** `discord`, `telegram`, `console`: the namespace of `userId`. */
  readonly platform: string;
  /** The platform's ID of the one user this session belongs to: sessions are never shared. */
  readonly userId: string;
}

/** One message from a user, as an adapter hands it to the core. */
export interface Turn {
  readonly session: SessionRef;
  readonly text: string;
  /** Display name, told to the model so it can address the user; never part of a key. */
  readonly authorName?: string;
}

/** Token usage of one model call, as reported by the endpoint or counted locally. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface Reply {
  readonly text: string;
  /**
   * False when the turn could not be stored: the session was forgotten while the answer was
   * being written (the forget wins), or the memory write failed (logged).
   */
  readonly remembered: boolean;
  readonly usage: TokenUsage;
  /** One short line to show after the answer, e.g. that memory was unreachable. */
  readonly notice?: string;
}

/** What the bot currently remembers of one session, for `/memory`. */
export interface MemorySnapshot {
  readonly summary: string;
  readonly summaryTokens: number;
  readonly messageCount: number;
  readonly messageTokens: number;
}

export interface ReplyOptions {
  /** Receives the answer as it is generated; a call means the model is streaming. */
  readonly onDelta?: (text: string) => void;
  /** Abandons the turn (nothing is written); used on shutdown. */
  readonly signal?: AbortSignal;
}
