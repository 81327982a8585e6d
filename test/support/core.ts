import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { pino } from 'pino';
import {
  ConversationService,
  type ConversationEvents,
  type ConversationSettings,
} from '../../src/core/conversation.js';
import { TiktokenCounter } from '../../src/core/token-counter.js';
import type { MemoryStore } from '../../src/core/memory-port.js';

/** One tokenizer for the whole test file: building the ranks takes about a second. */
export const tokens = new TiktokenCounter();

export const silentLogger = pino({ level: 'silent' });

export const SETTINGS: ConversationSettings = {
  systemPrompt: 'You are a test bot.',
  windowTokens: 2000,
  summaryMaxTokens: 400,
  maxInputChars: 4000,
  model: { timeoutMs: 5000, maxRetries: 2, baseDelayMs: 10 },
};

export function makeService(params: {
  store: MemoryStore;
  chatModel: BaseChatModel;
  summaryModel?: BaseChatModel;
  settings?: Partial<ConversationSettings>;
  events?: ConversationEvents;
  chatModelFor?: (model: string) => BaseChatModel;
  now?: () => number;
}): ConversationService {
  return new ConversationService({
    store: params.store,
    chatModel: params.chatModel,
    summaryModel: params.summaryModel,
    tokens,
    logger: silentLogger,
    settings: { ...SETTINGS, ...params.settings },
    events: params.events,
    chatModelFor: params.chatModelFor,
    now: params.now,
  });
}
