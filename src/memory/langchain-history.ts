import { randomUUID } from 'node:crypto';
import { BaseListChatMessageHistory } from '@langchain/core/chat_history';
import {
  SystemMessage,
  mapChatMessagesToStoredMessages,
  mapStoredMessagesToChatMessages,
  type BaseMessage,
} from '@langchain/core/messages';
import type {
  AppendResult,
  Generations,
  MemoryStore,
  SessionRef,
  StoredEntry,
} from '../core/memory-port.js';

export interface MemoryChatHistoryOptions {
  /** Any store of this project (Redis, SQLite, in-process, the outage buffer), `init()`ed. */
  readonly store: MemoryStore;
  /** Whose conversation: e.g. `{ platform: 'web', userId: 'u42', id: 'web:u42' }`. */
  readonly session: SessionRef;
  /**
   * Tokens a message costs: stored with it, they drive the store's hard cap and the window.
   * Default: a rough estimate (4 characters a token, plus 4 for the message's framing); pass a
   * real tokenizer's count (this project's `TiktokenCounter.countMessage`) when you have one.
   */
  readonly countTokens?: (message: BaseMessage) => number;
  /**
   * Token budget of the verbatim messages `getMessages` returns: the most recent that fit,
   * starting on a person's message (the summary comes on top). Default: every stored message,
   * which the store's hard cap bounds.
   */
  readonly windowTokens?: number;
}

/** What the summary's system message starts with, before the summary itself. */
export const SUMMARY_PREFIX = 'Summary of the earlier conversation:\n';

/**
 * This project's memory as a LangChain chat history, for `RunnableWithMessageHistory` and any
 * chain that takes a `BaseListChatMessageHistory`:
 *
 * - `getMessages()` is one read: the running summary, if the session has one, as a
 *   `SystemMessage` ({@link SUMMARY_PREFIX} + summary), then the recent messages word for word
 *   (all, or those that fit `windowTokens`). The summary is written by this project's summariser
 *   when the bot shares the store; a history used on its own is bounded by the store's hard cap
 *   (oldest whole turns dropped) and expires with the store's sliding TTL.
 * - `addMessages(messages)` is one atomic write of all of them as one turn (a person's message and
 *   the answer, as `RunnableWithMessageHistory` passes them), with a turn ID, so a replay by the
 *   outage buffer is stored once. It is checked against the generations read by the first
 *   `getMessages()` since the last write: a `clear()` (here or by the bot's `/forget`) that lands
 *   while the chain runs wins, and the late turn is not written back (`lastWrite.status` is
 *   `stale`).
 * - `clear()` is the store's `forget`.
 */
export class MemoryChatMessageHistory extends BaseListChatMessageHistory {
  lc_namespace = ['chatmem', 'memory', 'langchain_history'];

  /** What the last `addMessages` did (`written`, `stale`, or `buffered` by the outage buffer). */
  lastWrite: AppendResult | undefined;
  private expect: Generations | undefined;

  constructor(private readonly options: MemoryChatHistoryOptions) {
    super();
  }

  async getMessages(): Promise<BaseMessage[]> {
    const memory = await this.options.store.load(this.options.session);
    this.expect ??= memory.generations;
    const entries = windowOf(memory.entries, this.options.windowTokens);
    const messages = mapStoredMessagesToChatMessages(entries.map((entry) => entry.message));
    if (!memory.summary) return messages;
    return [new SystemMessage(`${SUMMARY_PREFIX}${memory.summary}`), ...messages];
  }

  async addMessage(message: BaseMessage): Promise<void> {
    await this.addMessages([message]);
  }

  override async addMessages(messages: BaseMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const { store, session } = this.options;
    const expect = this.expect ?? (await store.load(session)).generations;
    this.expect = undefined;
    const count = this.options.countTokens ?? estimateTokens;
    const stored = mapChatMessagesToStoredMessages(messages);
    this.lastWrite = await store.appendTurn(
      session,
      expect,
      stored.map((message, i) => ({ message, tokens: count(messages[i]!) })),
      { turnId: randomUUID() },
    );
  }

  override async clear(): Promise<void> {
    this.expect = undefined;
    await this.options.store.forget(this.options.session);
  }
}

/** About 4 characters a token, plus 4 tokens of framing per message. */
export function estimateTokens(message: BaseMessage): number {
  return Math.ceil(message.text.length / 4) + 4;
}

/** The most recent entries whose stored counts fit `windowTokens`, starting on a person's message. */
function windowOf(entries: readonly StoredEntry[], windowTokens: number | undefined) {
  if (windowTokens === undefined) return entries;
  let start = entries.length;
  let total = 0;
  while (start > 0 && total + entries[start - 1]!.tokens <= windowTokens) {
    start -= 1;
    total += entries[start]!.tokens;
  }
  while (start < entries.length && entries[start]!.message.type !== 'human') start += 1;
  return entries.slice(start);
}
