import { describe, expect, it } from 'vitest';
import { splitMarkdown } from '../../../src/platforms/shared/markdown-chunks.js';
import { expectWholeGraphemes, GRAPHEME_CASES } from './grapheme-cases.js';

function fences(piece: string): number {
  return (piece.match(/^\s{0,3}```/gm) ?? []).length;
}

describe('splitMarkdown', () => {
  it('keeps a short answer whole', () => {
    expect(splitMarkdown('Hello **there**.\n\nSecond paragraph.', 2000)).toEqual([
      'Hello **there**.\n\nSecond paragraph.',
    ]);
  });

  it('splits on paragraph boundaries, every piece within the limit', () => {
    const paragraphs = Array.from(
      { length: 30 },
      (_, i) => `Paragraph ${i} ` + 'lorem ipsum '.repeat(20),
    );
    const pieces = splitMarkdown(paragraphs.join('\n\n'), 1000);
    expect(pieces.length).toBeGreaterThan(5);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(1000);
    expect(pieces.join('\n\n')).toBe(paragraphs.map((p) => p.trimEnd()).join('\n\n'));
    for (const piece of pieces) expect(piece).toMatch(/^Paragraph \d+/);
  });

  it('re-opens and closes a long code block in every piece, with its language', () => {
    const code = Array.from(
      { length: 300 },
      (_, i) => `const line${i} = ${i}; // some code here`,
    ).join('\n');
    const text = `Here is the code:\n\n\`\`\`typescript\n${code}\n\`\`\`\n\nThat was it.`;
    const pieces = splitMarkdown(text, 2000);
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(2000);
      expect(fences(piece) % 2).toBe(0);
    }
    const codePieces = pieces.filter((p) => p.includes('const line'));
    for (const piece of codePieces) expect(piece).toMatch(/```typescript\n/);
    // Every line of code arrives exactly once, in order.
    const lines = pieces.join('\n').match(/const line\d+/g)!;
    expect(lines).toEqual(Array.from({ length: 300 }, (_, i) => `const line${i}`));
  });

  it('cuts a paragraph longer than the limit at spaces, and a word longer than it hard', () => {
    const words = 'word '.repeat(1000).trim();
    const pieces = splitMarkdown(words, 300);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(300);
    expect(pieces.join(' ').split(' ')).toHaveLength(1000);
    const blob = 'x'.repeat(1000);
    expect(splitMarkdown(blob, 300).join('')).toBe(blob);
  });

  it('measures a near-linear amount of text, even when blocks or lines are invisible', () => {
    // Telegram measures by rendering: link definitions, empty code blocks and entities show (almost)
    // nothing, so thousands of them fit one message; re-measuring the piece at every block made a
    // 64 KB answer cost seconds of CPU.
    for (const [unit, limit] of [
      ['[a]: https://example.com\n\n', 4096],
      ['```\n```\n\n', 4096],
      ['`&#65;` &#66;\n', 100],
      ['word\n', 4096],
    ] as const) {
      const text = unit.repeat(Math.ceil(65_536 / unit.length));
      let measured = 0;
      const pieces = splitMarkdown(text, limit, (piece) => {
        measured += piece.length;
        return piece.replace(/\[a\]: \S+|```|&#\d+;|`/g, '').length;
      });
      expect(pieces.length).toBeGreaterThanOrEqual(1);
      expect(measured / text.length, unit).toBeLessThan(64);
    }
  });

  it('measures with the function it is given', () => {
    // Count only letters "a": pieces may be long in characters but not in that measure.
    const text = Array.from({ length: 10 }, () => 'aaaa bbbbbbbbbbbbbbbbbbbbbbbb').join('\n\n');
    const pieces = splitMarkdown(text, 8, (p) => (p.match(/a/g) ?? []).length);
    expect(pieces).toHaveLength(5);
  });

  describe('never cuts a character (Discord: 2,000 code units of raw Markdown)', () => {
    for (const { name, text } of GRAPHEME_CASES) {
      it(name, () => {
        const pieces = splitMarkdown(text, 2000);
        expect(pieces.length).toBeGreaterThan(1);
        for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(2000);
        expectWholeGraphemes(text, pieces);
      });
    }

    it('in a code block cut between lines too long for a message', () => {
      const text = '```\n' + '🇫🇷'.repeat(1200) + '\n```';
      const pieces = splitMarkdown(text, 2000);
      for (const piece of pieces) {
        expect(piece.length).toBeLessThanOrEqual(2000);
        expect(piece.isWellFormed()).toBe(true);
        expect(piece).toMatch(/^```\n(🇫🇷)+\n```$/u);
      }
    });

    it('when the answer is only blank: the fallback slice', () => {
      const [piece = ''] = splitMarkdown(' \n\n ' + ' '.repeat(10), 3);
      expect(piece.isWellFormed()).toBe(true);
    });
  });

  it('returns well-formed pieces from an answer with lone surrogates', () => {
    for (const piece of splitMarkdown('ab \uD83D cd\n\n\uDE00 ef', 5))
      expect(piece.isWellFormed()).toBe(true);
  });

  it('never returns an empty piece', () => {
    const text = 'x'.repeat(10) + '   \n' + 'y'.repeat(10);
    const pieces = splitMarkdown(text, 10);
    expect(pieces).toEqual(['x'.repeat(10), 'y'.repeat(10)]);
  });

  it('treats a code block as text when its fences leave no room for code', () => {
    const text = '```' + 'lang'.repeat(20) + '\n' + 'code '.repeat(40) + '\n```';
    for (const piece of splitMarkdown(text, 60)) expect(piece.length).toBeLessThanOrEqual(60);
  });
});
