import type { UserText } from './errors.js';

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
export interface Turn extends TurnContent {
  readonly session: SessionRef;
  /** Display name, told to the model so it can address the user; never part of a key. */
  readonly authorName?: string;
}

/** What a person said in one turn: text, and what an adapter read from their attachments. */
export interface TurnContent {
  /** What they wrote (or a caption), or the transcript of their voice message. */
  readonly text: string;
  /**
   * Shown to the model as content parts of the question, never stored: memory keeps an
   * `[image: name]` marker instead.
   */
  readonly images?: readonly TurnImage[];
  /** Text files given to the model whole, fenced with their names; memory keeps their first lines. */
  readonly files?: readonly TurnFile[];
  /**
   * The text is a voice message's transcript: bounded by the audio's length (`MAX_AUDIO_SECONDS`)
   * rather than `MAX_INPUT_CHARS`, which counts what a person types.
   */
  readonly fromVoice?: boolean;
}

/** An image as the model receives it: bytes in a `data:` URL. */
export interface TurnImage {
  /** File name as sent (untrusted), for the memory marker. */
  readonly name: string;
  /** `image/jpeg`, `image/png`, `image/webp` or `image/gif`. */
  readonly mime: string;
  /** The bytes, base64-encoded. */
  readonly data: string;
}

/** A text file read as UTF-8. */
export interface TurnFile {
  /** File name as sent (untrusted). */
  readonly name: string;
  readonly text: string;
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
  /** One short line to show after the answer, e.g. that memory was unreachable (English). */
  readonly notice?: string;
  /** The same notices by message key, for the platforms to say in the person's language. */
  readonly noticeTexts?: readonly UserText[];
}

/** What the bot currently remembers of one session, for `/memory`. */
export interface MemorySnapshot {
  readonly summary: string;
  readonly summaryTokens: number;
  readonly messageCount: number;
  readonly messageTokens: number;
  /** The person's facts allowed here, most recently confirmed first (none when facts are off). */
  readonly facts: readonly { readonly id: string; readonly text: string }[];
  /** Fact learning: on, off (the person said `/remember off`), or disabled for everyone. */
  readonly factLearning: 'on' | 'off' | 'disabled';
}

export interface ReplyOptions {
  /** Receives the answer as it is generated; a call means the model is streaming. */
  readonly onDelta?: (text: string) => void;
  /** Abandons the turn (nothing is written); used on shutdown. */
  readonly signal?: AbortSignal;
  /**
   * Completes the turn once it holds the user's gate (after the busy and rate-limit checks, so a
   * flood costs no downloads): an adapter fetches attachments and transcribes voice here. What
   * it returns replaces the turn's content; it may throw a `ConversationError` to refuse the turn.
   */
  readonly prepare?: (signal: AbortSignal) => Promise<TurnContent>;
}
