import { AIMessage, HumanMessage, mapChatMessagesToStoredMessages } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/core/errors.js';
import { EmptySummaryError, planFold, summarize } from '../../src/core/summarizer.js';
import type { StoredEntry } from '../../src/core/memory-port.js';
import { tokens } from '../support/core.js';
import { ScriptedChatModel } from '../support/scripted-chat-model.js';

function entries(turns: number, tokensEach = 100, firstId = 1): StoredEntry[] {
  const list: StoredEntry[] = [];
  for (let i = 0; i < turns; i++) {
    const stored = mapChatMessagesToStoredMessages([
      new HumanMessage(`q${i}`),
      new AIMessage(`a${i}`),
    ]);
    for (const message of stored)
      list.push({ id: firstId + list.length, tokens: tokensEach, message });
  }
  return list;
}

const policy = { timeoutMs: 2000, maxRetries: 0 };

describe('planFold', () => {
  it('folds nothing while the messages fit the window', () => {
    expect(planFold(entries(5), 1000)).toBeUndefined();
  });

  it('folds the oldest whole turns down to half the window', () => {
    const plan = planFold(entries(6, 100, 41), 1000)!; // 1200 tokens
    expect(plan.firstId).toBe(41);
    expect(plan.count).toBe(8); // 400 tokens left = 2 turns, within 500
    expect(plan.entries.map((e) => e.message.data.content)).toEqual([
      'q0',
      'a0',
      'q1',
      'a1',
      'q2',
      'a2',
      'q3',
      'a3',
    ]);
  });

  it('ends the fold on a turn boundary even when the target is reached inside a turn', () => {
    const list = entries(3, 10).map((e, i) => (i === 0 ? { ...e, tokens: 300 } : e));
    // 350 tokens, window 300, target 150: folding q0 alone reaches it, but its answer goes too.
    const plan = planFold(list, 300)!;
    expect(plan.count).toBe(2);
    expect(list[plan.count]!.message.type).toBe('human');
  });

  it('keeps the latest turn verbatim while it fits the window', () => {
    const list = entries(2, 1000);
    const plan = planFold(list, 2000)!;
    expect(plan.count).toBe(2);
    // The latest turn takes exactly the window: it stays.
    const exact = entries(2, 250).map((e, i) => (i === 0 ? { ...e, tokens: 100 } : e));
    expect(planFold(exact, 500)!.count).toBe(2);
  });

  it('folds a latest turn that alone is over the window, with everything before it', () => {
    // A 3,600-token essay as the answer, counted by the real tokenizer.
    let essay = '';
    while (tokens.countText(essay) < 3600) {
      essay +=
        `The tide turns ${essay.length % 7} times faster near coast ${essay.length}. `.repeat(50);
    }
    const messages = [new HumanMessage('Write me an essay about the tides.'), new AIMessage(essay)];
    const essayTurn = mapChatMessagesToStoredMessages(messages).map((message, j) => ({
      id: 7 + j,
      tokens: tokens.countMessage(messages[j]!),
      message,
    }));
    const alone = planFold(essayTurn, 2000)!;
    expect(alone.firstId).toBe(7);
    expect(alone.count).toBe(2);
    expect(alone.entries).toEqual(essayTurn);

    const list = [...entries(3, 100, 1), ...essayTurn];
    const plan = planFold(list, 2000)!;
    expect(plan.firstId).toBe(1);
    expect(plan.count).toBe(list.length);
    expect(planFold(entries(2, 1000), 500)!.count).toBe(4);
  });
});

describe('summarize', () => {
  it('sends the previous summary and the folded lines, and returns the new summary', async () => {
    const model = new ScriptedChatModel(() => 'The user is Ann and likes tea.');
    const result = await summarize({
      model,
      previousSummary: 'The user is Ann.',
      entries: entries(1),
      maxTokens: 100,
      tokens,
      policy,
    });
    expect(result.summary).toBe('The user is Ann and likes tea.');
    expect(result.tokens).toBe(tokens.countText(result.summary));
    const [system, human] = model.prompts[0]!;
    expect(system!.text).toMatch(/names, facts/);
    expect(system!.text).toMatch(/language the conversation is in/);
    expect(human!.text).toContain('The user is Ann.');
    expect(human!.text).toContain('User: q0');
    expect(human!.text).toContain('Assistant: a0');
  });

  it('caps a summary that overshoots SUMMARY_MAX_TOKENS', async () => {
    const long = Array.from({ length: 200 }, (_, i) => `Fact number ${i} about the user.`).join(
      ' ',
    );
    const model = new ScriptedChatModel(() => long);
    const result = await summarize({
      model,
      previousSummary: '',
      entries: entries(1),
      maxTokens: 60,
      tokens,
      policy,
    });
    expect(result.tokens).toBeLessThanOrEqual(60);
    expect(result.summary.length).toBeGreaterThan(50);
    expect(long.startsWith(result.summary.replace(/\.$/, ''))).toBe(true);
  });

  it('fails on an empty answer instead of storing it', async () => {
    const model = new ScriptedChatModel(() => '   ');
    await expect(
      summarize({
        model,
        previousSummary: 'keep me',
        entries: entries(1),
        maxTokens: 60,
        tokens,
        policy,
      }),
    ).rejects.toBeInstanceOf(ModelError);
    // Whitespace that survives the model check but not the cap is refused as well.
    const spaces = new ScriptedChatModel(() => '\u200b');
    await expect(
      summarize({
        model: spaces,
        previousSummary: '',
        entries: entries(1),
        maxTokens: 0,
        tokens,
        policy,
      }),
    ).rejects.toBeInstanceOf(EmptySummaryError);
  });

  it('lets a model error through, so the caller keeps the messages', async () => {
    const model = new ScriptedChatModel(() => {
      throw Object.assign(new Error('Internal error'), { status: 500 });
    });
    await expect(
      summarize({ model, previousSummary: '', entries: entries(1), maxTokens: 60, tokens, policy }),
    ).rejects.toBeInstanceOf(ModelError);
  });
});
