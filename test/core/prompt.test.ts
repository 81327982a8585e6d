import { AIMessage, HumanMessage, mapChatMessagesToStoredMessages } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { buildPrompt, trimHistory } from '../../src/core/prompt.js';
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
    expect(prompt[0]!.text).toContain('on Telegram with Ann');
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
});
