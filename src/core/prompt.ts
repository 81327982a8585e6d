import {
  HumanMessage,
  SystemMessage,
  mapStoredMessagesToChatMessages,
  trimMessages,
  type BaseMessage,
} from '@langchain/core/messages';
import type { StoredEntry } from './memory-port.js';
import type { TokenCounter } from './token-counter.js';

export interface PromptInput {
  readonly systemPrompt: string;
  /** Running summary of what was folded out of the window; empty when there is none. */
  readonly summary: string;
  /** Stored recent messages, oldest first, with their token counts. */
  readonly history: readonly StoredEntry[];
  readonly question: string;
  readonly authorName?: string;
  readonly platform: string;
  /** Budget of the verbatim history in the prompt (`MEMORY_WINDOW_TOKENS`). */
  readonly windowTokens: number;
  readonly tokens: TokenCounter;
}

const PLATFORM_NAMES: Record<string, string> = {
  discord: 'Discord',
  telegram: 'Telegram',
  console: 'a terminal',
};

/**
 * The prompt of one turn: the system message (persona, who is talking, what is remembered), the
 * most recent history that fits the window, starting on a user message, and the new question.
 */
export async function buildPrompt(input: PromptInput): Promise<BaseMessage[]> {
  const system = [input.systemPrompt.trim()];
  const where = PLATFORM_NAMES[input.platform] ?? input.platform;
  const who = input.authorName?.trim();
  system.push(who ? `You are chatting on ${where} with ${who}.` : `You are chatting on ${where}.`);
  if (input.summary.trim()) {
    system.push(`What you remember so far from earlier in this conversation:\n${input.summary}`);
  }

  const history = await trimHistory(input.history, input.windowTokens, input.tokens);
  return [new SystemMessage(system.join('\n\n')), ...history, new HumanMessage(input.question)];
}

/**
 * The latest messages within `windowTokens`, whole messages only, starting on a human message
 * (LangChain's `trimMessages`). The stored token counts first cut the list to the window in one
 * pass, so `trimMessages` (quadratic in the number of messages it has to drop) only confirms the
 * fit and applies `startOn`; nothing is tokenised again.
 */
export async function trimHistory(
  entries: readonly StoredEntry[],
  windowTokens: number,
  tokens: TokenCounter,
): Promise<BaseMessage[]> {
  let first = entries.length;
  for (let used = 0; first > 0 && used + entries[first - 1]!.tokens <= windowTokens; first -= 1) {
    used += entries[first - 1]!.tokens;
  }
  const recent = entries.slice(first);
  if (recent.length === 0) return [];
  const messages = mapStoredMessagesToChatMessages(recent.map((e) => e.message));
  // trimMessages counts copies of the messages, so counts are looked up by text.
  const known = new Map<string, number>();
  messages.forEach((m, i) => known.set(m.text, recent[i]!.tokens));
  const count = (list: BaseMessage[]) =>
    list.reduce((sum, m) => sum + (known.get(m.text) ?? tokens.countMessage(m)), 0);
  return trimMessages(messages, {
    maxTokens: windowTokens,
    tokenCounter: count,
    strategy: 'last',
    startOn: 'human',
    allowPartial: false,
  });
}
