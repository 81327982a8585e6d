import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { pino } from 'pino';
import { ConversationService, type ConversationEvents } from '../src/core/conversation.js';
import { hardCapFor } from '../src/core/memory-port.js';
import { buildPrompt } from '../src/core/prompt.js';
import { telegramSession } from '../src/core/session-id.js';
import type { TokenCounter } from '../src/core/token-counter.js';
import type { TokenUsage } from '../src/core/types.js';
import { InMemoryMemoryStore } from '../src/memory/in-memory-store.js';
import { generateConversation, type GeneratedConversation } from './conversation-generator.js';

export type MemoryMode = 'summary' | 'facts';

export interface EvalModels {
  readonly chat: BaseChatModel;
  readonly summary: BaseChatModel;
  /** Asks the questions at the end and scores the answers (a real model only). */
  readonly scoreAnswers: boolean;
}

export interface EvalSettings {
  readonly windowTokens: number;
  readonly summaryMaxTokens: number;
  readonly factsMaxTokens: number;
  readonly timeoutMs: number;
}

export const DEFAULT_EVAL_SETTINGS: EvalSettings = {
  windowTokens: 2000,
  summaryMaxTokens: 400,
  factsMaxTokens: 300,
  timeoutMs: 60_000,
};

export interface EvalRow {
  readonly turns: number;
  readonly mode: MemoryMode;
  /** Planted facts whose value the prompt at question time contains. */
  readonly present: number;
  readonly planted: number;
  /** The updated fact's new value is in the prompt, and no stored fact still holds the old one. */
  readonly updated: boolean;
  /** Bob's fact is not in Ann's prompt. */
  readonly decoyAbsent: boolean;
  readonly folds: number;
  /** Model tokens (in + out) by purpose over the conversation (the questions excluded). */
  readonly tokens: { readonly chat: number; readonly summary: number; readonly facts: number };
  /** With a real model: answers to the questions that contain the expected value. */
  readonly answers?: { readonly correct: number; readonly asked: number };
}

const ann = telegramSession({ chatId: -1001, userId: 1 });
const bob = telegramSession({ chatId: -1001, userId: 2 });
const sum = (usage: TokenUsage) => usage.inputTokens + usage.outputTokens;

/**
 * One conversation through the real core (ConversationService, in-memory store, the real prompt
 * builder), with memory of one kind: summaries only (MEMORY_FACTS=false, as before facts) or
 * summaries and facts. Folds finish before the next turn, so a run is deterministic.
 */
export async function runConversation(
  conversation: GeneratedConversation,
  mode: MemoryMode,
  models: EvalModels,
  tokens: TokenCounter,
  settings: EvalSettings = DEFAULT_EVAL_SETTINGS,
): Promise<EvalRow> {
  const store = new InMemoryMemoryStore({ ttlSeconds: 0, ...hardCapFor(settings.windowTokens) });
  const used = { chat: 0, summary: 0, facts: 0 };
  let folds = 0;
  let counting = true;
  const events: ConversationEvents = {
    turnCompleted: (report) => {
      if (counting && report.usage) used.chat += sum(report.usage);
    },
    summaryCommitted: (_s, _n, usage) => {
      folds += 1;
      used.summary += sum(usage);
    },
    factsLearned: (_s, usage) => (used.facts += sum(usage)),
    factsFailed: (_s, _e, usage) => (used.facts += usage ? sum(usage) : 0),
  };
  const facts = { enabled: mode === 'facts', maxPromptTokens: settings.factsMaxTokens };
  const service = new ConversationService({
    store,
    chatModel: models.chat,
    summaryModel: models.summary,
    tokens,
    logger: pino({ level: 'silent' }),
    events,
    settings: {
      systemPrompt: 'You are a friendly, concise assistant.',
      windowTokens: settings.windowTokens,
      summaryMaxTokens: settings.summaryMaxTokens,
      maxInputChars: 4000,
      model: { timeoutMs: settings.timeoutMs, maxRetries: 2 },
      facts,
    },
  });
  try {
    for (const turn of conversation.turns) {
      const session = turn.speaker === 'ann' ? ann : bob;
      await service.reply({
        session,
        text: turn.text,
        authorName: turn.speaker === 'ann' ? 'Ann' : 'Bob',
      });
      await service.idle();
    }
    counting = false;
    // What the prompt of the next question holds, built as the core builds it.
    const memory = await store.load(ann);
    const prompt = await buildPrompt({
      systemPrompt: 'You are a friendly, concise assistant.',
      summary: memory.summary,
      history: memory.entries,
      question: conversation.facts[0]!.question,
      authorName: 'Ann',
      platform: 'telegram',
      windowTokens: settings.windowTokens,
      tokens,
      facts: memory.facts,
      factsMaxTokens: facts.enabled ? facts.maxPromptTokens : 0,
    });
    const text = prompt
      .map((m) => m.text)
      .join('\n')
      .toLowerCase();
    const has = (value: string) => text.includes(value.toLowerCase());
    const city = conversation.facts.find((f) => f.key === 'city')!;
    const staleFact = memory.facts.some((f) => f.text.includes(conversation.replaced));
    const row: EvalRow = {
      turns: conversation.turns.filter((t) => t.speaker === 'ann').length,
      mode,
      present: conversation.facts.filter((f) => has(f.value)).length,
      planted: conversation.facts.length,
      updated: has(city.value) && !(facts.enabled && staleFact),
      decoyAbsent: !has(conversation.decoy),
      folds,
      tokens: used,
    };
    if (!models.scoreAnswers) return row;
    let correct = 0;
    for (const fact of conversation.facts) {
      const reply = await service.reply({ session: ann, text: fact.question, authorName: 'Ann' });
      if (reply.text.toLowerCase().includes(fact.value.toLowerCase())) correct += 1;
    }
    return { ...row, answers: { correct, asked: conversation.facts.length } };
  } finally {
    await service.close(1000);
    await store.close();
  }
}

/** Every length in both modes, the same seeded conversation for both. */
export async function runEval(params: {
  turns: readonly number[];
  seed: number;
  models: () => EvalModels;
  tokens: TokenCounter;
  settings?: EvalSettings;
}): Promise<EvalRow[]> {
  const rows: EvalRow[] = [];
  for (const turns of params.turns) {
    const conversation = generateConversation(turns, params.seed + turns);
    for (const mode of ['summary', 'facts'] as const) {
      rows.push(
        await runConversation(conversation, mode, params.models(), params.tokens, params.settings),
      );
    }
  }
  return rows;
}
