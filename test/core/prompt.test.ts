import {
  AIMessage,
  HumanMessage,
  mapChatMessagesToStoredMessages,
  type BaseMessage,
} from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { CUT_MARKER, buildPrompt, trimHistory } from '../../src/core/prompt.js';
import type { StoredEntry } from '../../src/core/memory-port.js';
import { tokens } from '../support/core.js';

function history(turns: number, words = 30): StoredEntry[] {
  const entries: StoredEntry[] = [];
  for (let i = 1; i <= turns; i++) {
    const messages = [
      new HumanMessage(`question ${i} ` + 'word '.repeat(words)),
      new AIMessage(`answer ${i} ` + 'word '.repeat(words)),
    ];
    mapChatMessagesToStoredMessages(messages).forEach((message, j) =>
      entries.push({ id: entries.length + 1, tokens: tokens.countMessage(messages[j]!), message }),
    );
  }
  return entries;
}

/** Sentences of varied words until the text counts at least `minTokens` with the real tokenizer. */
function essay(minTokens: number): string {
  let text = '';
  for (let i = 1, count = 0; count < minTokens; i++) {
    const sentence =
      ` Paragraph ${i}: the tide turns ${i % 7} times faster near coast number ${i * 13}, ` +
      `which sailors from harbour ${i * 7} have noted since year ${1700 + i}.`;
    count += tokens.countText(sentence);
    text += sentence;
  }
  return text.trim();
}

/** One stored turn (question, answer) with the real token counts, ids from `firstId`. */
function turn(question: string, answer: string, firstId = 1): StoredEntry[] {
  const messages = [new HumanMessage(question), new AIMessage(answer)];
  return mapChatMessagesToStoredMessages(messages).map((message, j) => ({
    id: firstId + j,
    tokens: tokens.countMessage(messages[j]!),
    message,
  }));
}

const historyTokens = (messages: readonly BaseMessage[]) =>
  messages.reduce((sum, m) => sum + tokens.countMessage(m), 0);

const base = {
  systemPrompt: 'You are Parrot.',
  summary: '',
  history: [] as StoredEntry[],
  question: 'What is my name?',
  platform: 'telegram',
  windowTokens: 2000,
  tokens,
};

describe('buildPrompt', () => {
  it('puts the persona, the platform and the user in the system message, then the question', async () => {
    const prompt = await buildPrompt({ ...base, authorName: 'Ann' });
    expect(prompt.map((m) => m.type)).toEqual(['system', 'human']);
    expect(prompt[0]!.text).toContain('You are Parrot.');
    expect(prompt[0]!.text).toContain('on Telegram with a person whose display name is "Ann"');
    expect(prompt[0]!.text).not.toContain('remember');
    expect(prompt[1]!.text).toBe('What is my name?');
  });

  it('adds the running summary as what the bot remembers', async () => {
    const prompt = await buildPrompt({ ...base, summary: 'The user is called Ann.' });
    expect(prompt[0]!.text).toContain('What you remember so far');
    expect(prompt[0]!.text).toContain('The user is called Ann.');
  });

  it('keeps the whole history when it fits the window', async () => {
    const prompt = await buildPrompt({ ...base, history: history(3) });
    expect(prompt.map((m) => m.type)).toEqual([
      'system',
      'human',
      'ai',
      'human',
      'ai',
      'human',
      'ai',
      'human',
    ]);
    expect(prompt[1]!.text).toMatch(/^question 1/);
  });

  it('trims the history to the window, newest kept, starting on a human message', async () => {
    const entries = history(20);
    const windowTokens = 300;
    const kept = await trimHistory(entries, windowTokens, tokens);
    const keptTokens = kept.reduce((sum, m) => sum + tokens.countMessage(m), 0);
    expect(keptTokens).toBeLessThanOrEqual(windowTokens);
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept[0]!.type).toBe('human');
    expect(kept.at(-1)!.text).toMatch(/^answer 20 /);
    // Nothing older than what was kept sneaks back in, and nothing in between is skipped.
    const first = Number(/question (\d+)/.exec(kept[0]!.text)![1]);
    expect(kept.length).toBe((20 - first + 1) * 2);
  });

  it('drops an answer whose question fell out of the window', async () => {
    const entries = history(4);
    // A window that fits the last answer plus part of a turn: it must not start on an answer.
    const windowTokens = entries.at(-1)!.tokens + entries.at(-2)!.tokens + entries.at(-3)!.tokens;
    const kept = await trimHistory(entries, windowTokens, tokens);
    expect(kept.map((m) => m.type)).toEqual(['human', 'ai']);
  });

  it('keeps an answer longer than the window, cut and marked, with the question that led to it', async () => {
    const text = essay(3600);
    const entries = [...history(2), ...turn('Write me an essay about the tides.', text, 5)];
    expect(entries.at(-1)!.tokens).toBeGreaterThan(3600);
    const prompt = await buildPrompt({ ...base, history: entries, question: 'Make it shorter.' });
    expect(prompt.map((m) => m.type)).toEqual(['system', 'human', 'ai', 'human']);
    expect(prompt[1]!.text).toBe('Write me an essay about the tides.');
    const cut = prompt[2]!.text;
    // The beginning of the answer is kept (it carries the structure), the cut is marked.
    expect(cut.endsWith(CUT_MARKER)).toBe(true);
    const kept = cut.slice(0, -CUT_MARKER.length);
    expect(text.startsWith(kept)).toBe(true);
    expect(text[kept.length]).toMatch(/\s/); // cut between words
    const used = historyTokens(prompt.slice(1, -1));
    expect(used).toBeLessThanOrEqual(base.windowTokens);
    expect(used).toBeGreaterThan(base.windowTokens - 50);
    expect(prompt.at(-1)!.text).toBe('Make it shorter.');
  });

  it('cuts an oversized question as well, sharing the window with its answer', async () => {
    const long = essay(3000);
    const question = await trimHistory(turn(long, 'Short answer.'), 2000, tokens);
    expect(question.map((m) => m.type)).toEqual(['human', 'ai']);
    expect(question[0]!.text.endsWith(CUT_MARKER)).toBe(true);
    expect(question[1]!.text).toBe('Short answer.');
    expect(historyTokens(question)).toBeLessThanOrEqual(2000);

    const both = await trimHistory(turn(long, long), 2000, tokens);
    expect(both.map((m) => m.type)).toEqual(['human', 'ai']);
    expect(both.every((m) => m.text.endsWith(CUT_MARKER))).toBe(true);
    expect(historyTokens(both)).toBeLessThanOrEqual(2000);
    expect(historyTokens(both)).toBeGreaterThan(1900);
  });

  it('stays within any window, starting on a human message', async () => {
    const entries = [...history(1), ...turn('Write me an essay.', essay(1000), 3)];
    for (const windowTokens of [0, 1, 8, 20, 40, 80, 300, 999, 2000]) {
      const kept = await trimHistory(entries, windowTokens, tokens);
      expect(historyTokens(kept)).toBeLessThanOrEqual(windowTokens);
      if (kept.length > 0) expect(kept[0]!.type).toBe('human');
    }
  });

  it('marks nothing as cut when the last turn fits', async () => {
    const kept = await trimHistory(history(20), 300, tokens);
    expect(kept.some((m) => m.text.includes(CUT_MARKER))).toBe(false);
  });

  it('asks with the summary alone once everything was folded', async () => {
    const prompt = await buildPrompt({
      ...base,
      summary: 'The assistant wrote a long essay about the tides.',
      history: [],
      question: 'Make it shorter.',
    });
    expect(prompt.map((m) => m.type)).toEqual(['system', 'human']);
    expect(prompt[0]!.text).toContain('a long essay about the tides');
    expect(prompt[1]!.text).toBe('Make it shorter.');
  });
});
