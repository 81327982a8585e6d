import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import {
  HumanMessage,
  SystemMessage,
  getBufferString,
  mapStoredMessagesToChatMessages,
} from '@langchain/core/messages';
import type { StoredEntry } from './memory-port.js';
import { callModel, type ModelCallPolicy } from './model-call.js';
import type { TokenCounter } from './token-counter.js';
import type { TokenUsage } from './types.js';

/**
 * When the verbatim messages exceed the window, fold the oldest down to this share of it. Folding
 * to half, not just under the window, runs the summariser once per half window of conversation
 * instead of on every turn: fewer model calls, and each one folds a meaningful chunk.
 */
export const FOLD_TARGET_RATIO = 0.5;

export interface FoldPlan {
  readonly firstId: number;
  readonly count: number;
  readonly entries: readonly StoredEntry[];
}

/**
 * Which oldest messages to fold, or undefined when the list fits the window. Whole turns only:
 * the rest starts on a human message. The latest turn (from the last human message on) stays
 * verbatim while it fits the window; a latest turn over the window on its own (a 3,600-token
 * essay with the default 2,000) is folded too, with everything before it, since it would
 * otherwise keep the list over the window and only ever reach the prompt cut. The list may then
 * be empty: the next prompt is the system message (with the summary) and the question.
 */
export function planFold(
  entries: readonly StoredEntry[],
  windowTokens: number,
  targetRatio = FOLD_TARGET_RATIO,
): FoldPlan | undefined {
  let remaining = entries.reduce((sum, e) => sum + e.tokens, 0);
  if (remaining <= windowTokens) return undefined;
  const target = Math.floor(windowTokens * targetRatio);
  const lastTurn = Math.max(
    0,
    entries.findLastIndex((e) => e.message.type === 'human'),
  );
  const lastTurnTokens = entries.slice(lastTurn).reduce((sum, e) => sum + e.tokens, 0);
  const foldable = lastTurnTokens > windowTokens ? entries.length : lastTurn;
  let count = 0;
  while (count < foldable && remaining > target) remaining -= entries[count++]!.tokens;
  while (count < foldable && entries[count]!.message.type !== 'human') {
    remaining -= entries[count++]!.tokens;
  }
  if (count === 0) return undefined;
  return { firstId: entries[0]!.id, count, entries: entries.slice(0, count) };
}

export interface SummaryResult {
  readonly summary: string;
  readonly tokens: number;
  readonly usage: TokenUsage;
}

export class EmptySummaryError extends Error {
  constructor() {
    super('the summariser returned no text');
    this.name = 'EmptySummaryError';
  }
}

export function summaryInstructions(maxTokens: number): string {
  const words = Math.max(20, Math.floor(maxTokens * 0.6));
  return [
    'You keep the long-term memory of a chat assistant. Merge the new lines of conversation into',
    'the existing summary and return the updated summary.',
    '- Keep what matters later: names, facts the user shared about themselves, preferences,',
    '  decisions, promises, and questions still open. Drop greetings and small talk.',
    '- Write in the language the conversation is in, in the third person ("The user ...").',
    '- When new lines contradict the summary, the newer information wins.',
    `- At most ${words} words. Reply with the summary only, no preamble.`,
  ].join('\n');
}

/**
 * Progressive summary: the previous summary plus the folded messages give the new summary,
 * capped at `maxTokens` (cut at a sentence or line end when the model overshoots).
 * Failures throw; the caller keeps the messages and tries again later. An empty answer is a
 * failure too, so nothing but a real summary is ever stored.
 */
export async function summarize(params: {
  model: BaseChatModel;
  previousSummary: string;
  entries: readonly StoredEntry[];
  maxTokens: number;
  tokens: TokenCounter;
  policy: ModelCallPolicy;
  signal?: AbortSignal;
}): Promise<SummaryResult> {
  const transcript = getBufferString(
    mapStoredMessagesToChatMessages(params.entries.map((e) => e.message)),
    'User',
    'Assistant',
  );
  const prompt = [
    new SystemMessage(summaryInstructions(params.maxTokens)),
    new HumanMessage(
      `Existing summary:\n${params.previousSummary.trim() || '(none yet)'}\n\n` +
        `New lines of conversation:\n${transcript}`,
    ),
  ];
  const answer = await callModel(params.model, prompt, params.policy, {
    signal: params.signal,
    tokens: params.tokens,
  });
  const summary = capSummary(answer.text.trim(), params.maxTokens, params.tokens);
  if (!summary) throw new EmptySummaryError();
  const tokens = params.tokens.countText(summary);
  return { summary, tokens, usage: answer.usage };
}

function capSummary(text: string, maxTokens: number, tokens: TokenCounter): string {
  if (tokens.countText(text) <= maxTokens) return text;
  const cut = tokens.truncate(text, maxTokens);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('.\n'), cut.lastIndexOf('\n'));
  return (end > cut.length / 2 ? cut.slice(0, end + 1) : cut).trim();
}
