import { describe, expect, it } from 'vitest';
import { splitMarkdown } from '../../../src/platforms/shared/markdown-chunks.js';

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

  it('measures with the function it is given', () => {
    // Count only letters "a": pieces may be long in characters but not in that measure.
    const text = Array.from({ length: 10 }, () => 'aaaa bbbbbbbbbbbbbbbbbbbbbbbb').join('\n\n');
    const pieces = splitMarkdown(text, 8, (p) => (p.match(/a/g) ?? []).length);
    expect(pieces).toHaveLength(5);
  });
});
