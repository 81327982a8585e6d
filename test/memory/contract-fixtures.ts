import {
  AIMessage,
  HumanMessage,
  mapChatMessagesToStoredMessages,
  type StoredMessage,
} from '@langchain/core/messages';
import { telegramSession } from '../../src/core/session-id.js';
import type { SessionRef } from '../../src/core/types.js';
import type { MemoryPolicy, MemoryStore, NewMessage } from '../../src/core/memory-port.js';

export interface StoreHarness {
  readonly store: MemoryStore;
  /** Lets `ms` of store time pass (a fake clock, or real sleep for Redis). */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export type StoreFactory = (policy: MemoryPolicy) => Promise<StoreHarness>;

/** What a group of contract cases needs from the suite that runs them. */
export interface ContractContext {
  /** The store of the current case, opened (and `init()`ed) before each case. */
  readonly store: () => MemoryStore;
  /** Reopens the store with another policy. */
  readonly open: (policy?: Partial<MemoryPolicy>) => Promise<void>;
  readonly advance: (ms: number) => Promise<void>;
}

export const POLICY: MemoryPolicy = { ttlSeconds: 3600, maxTokens: 10_000, maxMessages: 100 };

export function turn(question: string, answer: string, tokens = 10): NewMessage[] {
  const [human, ai] = mapChatMessagesToStoredMessages([
    new HumanMessage(question),
    new AIMessage(answer),
  ]);
  return [
    { message: human!, tokens },
    { message: ai!, tokens },
  ];
}

/**
 * A turn whose stored messages serialise `data` before `type`: valid LangChain stored messages
 * that a store must not tell apart by the order of their JSON keys.
 */
export function reorderedTurn(question: string, answer: string, tokens = 10): NewMessage[] {
  return turn(question, answer, tokens).map(({ message, tokens: count }) => ({
    message: { data: message.data, type: message.type } as StoredMessage,
    tokens: count,
  }));
}

export function texts(entries: readonly { message: { data: { content: unknown } } }[]): unknown[] {
  return entries.map((e) => e.message.data.content);
}

export const alice = telegramSession({ chatId: -100, userId: 1 });
export const bob = telegramSession({ chatId: -100, userId: 2 });
export const aliceDm = telegramSession({ chatId: 1, userId: 1 });
export const aliceTopic = telegramSession({ chatId: -100, topicId: 7, userId: 1 });
export const aliceDiscord: SessionRef = { platform: 'discord', userId: '1', id: 'discord:dm:u1' };
