import { describe, expect, it } from 'vitest';
import { generateConversation } from '../../eval/conversation-generator.js';
import { formatRows } from '../../eval/memory-eval.js';
import { runEval } from '../../eval/run-memory-eval.js';
import { scriptedMemoryModel } from '../../eval/scripted-memory-model.js';
import { tokens } from '../support/core.js';

/** The offline mechanics of `npm run eval:memory`, as CI runs them (about a second). */
describe('memory eval (scripted model)', () => {
  it('generates the same conversation from the same seed, with planted facts, an update and a decoy', () => {
    const a = generateConversation(50, 3);
    expect(generateConversation(50, 3)).toEqual(a);
    expect(a.turns.filter((t) => t.speaker === 'ann')).toHaveLength(50);
    expect(a.turns.filter((t) => t.speaker === 'bob')).toHaveLength(1);
    expect(a.facts).toHaveLength(5);
    expect(a.turns.some((t) => t.text.includes(`moved from ${a.replaced}`))).toBe(true);
  });

  it('keeps every planted fact through 200 turns and a dozen folds with facts, and not without', async () => {
    const rows = await runEval({
      turns: [10, 200],
      seed: 7,
      models: () => ({
        chat: scriptedMemoryModel(),
        summary: scriptedMemoryModel(),
        scoreAnswers: false,
      }),
      tokens,
    });
    const row = (turns: number, mode: string) =>
      rows.find((r) => r.turns === turns && r.mode === mode)!;
    for (const r of rows.filter((r) => r.mode === 'facts')) {
      expect(r).toMatchObject({ present: r.planted, updated: true, decoyAbsent: true });
    }
    expect(row(10, 'summary')).toMatchObject({ present: 5, folds: 0 });
    const long = row(200, 'facts');
    expect(long.folds).toBeGreaterThanOrEqual(12);
    expect(row(200, 'summary').present).toBeLessThan(long.planted);
    expect(row(200, 'summary').decoyAbsent).toBe(true);
    // Fact extraction costs at most 15% of the chat tokens over 200 turns.
    expect(long.tokens.facts).toBeGreaterThan(0);
    expect(long.tokens.facts / long.tokens.chat).toBeLessThanOrEqual(0.15);
    expect(formatRows(rows)).toContain('| 200 | summary + facts | 5/5 | yes | yes |');
  });
});
