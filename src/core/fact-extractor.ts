import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import {
  HumanMessage,
  SystemMessage,
  mapStoredMessagesToChatMessages,
} from '@langchain/core/messages';
import { z } from 'zod';
import { MAX_FACT_CHARS, newFactId, type Fact, type FactChanges } from './facts.js';
import type { StoredEntry } from './memory-port.js';
import { callModel, type ModelCallPolicy } from './model-call.js';
import type { TokenCounter } from './token-counter.js';
import type { TokenUsage } from './types.js';

/**
 * What the extractor must answer: one decision per fact, as JSON in the text. Parsed with zod
 * rather than LangChain's `withStructuredOutput`, which needs tool calls or a JSON-schema
 * response format: many OpenAI-compatible local servers (Ollama, LM Studio, vLLM builds) lack
 * one or the other, while every model can write JSON, and what does not parse changes nothing.
 */
export const factDecisions = z.object({
  facts: z
    .array(
      z.discriminatedUnion('action', [
        z.object({ action: z.literal('add'), text: z.string() }),
        z.object({ action: z.literal('update'), id: z.coerce.number().int(), text: z.string() }),
        z.object({ action: z.literal('delete'), id: z.coerce.number().int() }),
        z.object({ action: z.literal('none'), id: z.coerce.number().int().optional() }),
      ]),
    )
    .max(50),
});

export type FactDecisions = z.infer<typeof factDecisions>;

/** The extractor's answer did not parse as its schema (or was a refusal): nothing changes. */
export class FactsOutputError extends Error {
  constructor(
    readonly usage: TokenUsage,
    options?: { cause?: unknown },
  ) {
    super('the fact extractor did not answer with the expected JSON', options);
    this.name = 'FactsOutputError';
  }
}

export interface FactExtraction {
  readonly changes: Pick<FactChanges, 'add' | 'update' | 'remove' | 'confirm'>;
  readonly usage: TokenUsage;
}

/**
 * An assistant message is cut to this many characters in the transcript: facts come from what
 * the person says, and the answers (often long) only give context; this keeps extraction cheap.
 */
const ANSWER_CHARS = 300;

export function factInstructions(): string {
  return [
    'You keep the long-term memory of a chat assistant about one person: durable facts about',
    'them (who they are, preferences, ongoing projects, decisions, dates, people close to them).',
    '- Use only what the person says about themselves. Ignore the assistant\u2019s suggestions,',
    '  small talk, one-off questions, and what others are like.',
    '- Compare with the known facts (numbered) and answer with one decision per fact:',
    '  add (a new fact), update (a known fact that changed: its number and the full new text),',
    '  delete (a known fact no longer true, or one the person asks you to forget: its number),',
    '  none (a known fact the conversation confirms: its number).',
    '- A fact is one short sentence in the third person ("Lives in Lyon since May 2024"),',
    '  in the language of the conversation, with dates written out.',
    'Reply with JSON only: {"facts":[{"action":"add","text":"..."},',
    '{"action":"update","id":1,"text":"..."},{"action":"delete","id":2},{"action":"none","id":3}]}',
    'or {"facts":[]} when nothing is worth keeping.',
  ].join('\n');
}

/**
 * Reads the turns about to be folded into the summary and decides, against the facts already
 * known here, what to add, update, delete or confirm. One model call; an answer that does not
 * parse throws `FactsOutputError`, a failed call the `ModelError` of `callModel`: either way the
 * caller changes nothing and tries again with the next fold.
 */
export async function extractFacts(params: {
  model: BaseChatModel;
  /** The person's facts visible in this session, most recent first. */
  known: readonly Fact[];
  entries: readonly StoredEntry[];
  tokens: TokenCounter;
  policy: ModelCallPolicy;
  signal?: AbortSignal;
}): Promise<FactExtraction> {
  const known = params.known.map((fact, i) => `${i + 1}. ${JSON.stringify(fact.text)}`).join('\n');
  const prompt = [
    new SystemMessage(factInstructions()),
    new HumanMessage(
      `Known facts:\n${known || '(none)'}\n\nNew lines of conversation:\n${transcript(params.entries)}`,
    ),
  ];
  const answer = await callModel(params.model, prompt, params.policy, {
    signal: params.signal,
    tokens: params.tokens,
  });
  const decisions = parseDecisions(answer.text);
  if (!decisions) throw new FactsOutputError(answer.usage);
  return { changes: toChanges(decisions, params.known, params.tokens), usage: answer.usage };
}

/** The person's lines whole, the assistant's cut to {@link ANSWER_CHARS}. */
function transcript(entries: readonly StoredEntry[]): string {
  return mapStoredMessagesToChatMessages(entries.map((e) => e.message))
    .map((message) => {
      if (message.type === 'human') return `Person: ${message.text}`;
      const text = message.text;
      return `Assistant: ${text.length > ANSWER_CHARS ? `${text.slice(0, ANSWER_CHARS)}…` : text}`;
    })
    .join('\n');
}

/** The decisions in a model's answer (JSON, possibly fenced or with words around), or undefined. */
export function parseDecisions(text: string): FactDecisions | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  const parsed = factDecisions.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Decisions as store changes: numbers mapped back to the known facts (unknown ones ignored),
 * texts cleaned and capped, an "add" of a known text taken as a confirmation, one decision per
 * fact (the first).
 */
export function toChanges(
  decisions: FactDecisions,
  known: readonly Fact[],
  tokens: TokenCounter,
): FactExtraction['changes'] {
  const add: { id: string; text: string; tokens: number }[] = [];
  const update: { id: string; text: string; tokens: number }[] = [];
  const remove: string[] = [];
  const confirm: string[] = [];
  const decided = new Set<string>();
  const byText = new Map(known.map((fact) => [normalised(fact.text), fact.id]));
  const factAt = (n: number | undefined) => (n === undefined ? undefined : known[n - 1]?.id);
  const once = (id: string | undefined): id is string => {
    if (id === undefined || decided.has(id)) return false;
    decided.add(id);
    return true;
  };
  for (const decision of decisions.facts) {
    if (decision.action === 'add') {
      const text = cleanFactText(decision.text);
      if (!text) continue;
      const same = byText.get(normalised(text));
      if (same !== undefined) {
        if (once(same)) confirm.push(same);
      } else if (once(`text:${normalised(text)}`)) {
        add.push({ id: newFactId(), text, tokens: tokens.countText(text) });
      }
    } else if (decision.action === 'update') {
      const id = factAt(decision.id);
      const text = cleanFactText(decision.text);
      if (text && once(id)) update.push({ id, text, tokens: tokens.countText(text) });
    } else if (decision.action === 'delete') {
      const id = factAt(decision.id);
      if (once(id)) remove.push(id);
    } else {
      const id = factAt(decision.id);
      if (once(id)) confirm.push(id);
    }
  }
  return { add, update, remove, confirm };
}

/** A fact's text as kept: visible characters, one line, at most {@link MAX_FACT_CHARS}. */
export function cleanFactText(text: string): string {
  const line = text
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const points = Array.from(line);
  return points.length <= MAX_FACT_CHARS
    ? line
    : `${points
        .slice(0, MAX_FACT_CHARS - 1)
        .join('')
        .trimEnd()}…`;
}

function normalised(text: string): string {
  return text.toLowerCase().replace(/[\s.!]+$/u, '');
}
