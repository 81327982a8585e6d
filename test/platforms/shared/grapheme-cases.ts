import { expect } from 'vitest';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function graphemesOf(text: string): string[] {
  return Array.from(segmenter.segment(text), (segment) => segment.segment);
}

const FAMILY = '👨‍👩‍👧‍👦';

/** Answers made of characters longer than one UTF-16 code unit, each long enough to be split. */
export const GRAPHEME_CASES: readonly { name: string; text: string }[] = [
  { name: 'emoji (surrogate pairs) after one letter', text: 'a' + '😀'.repeat(3000) },
  { name: 'flags (regional indicator pairs)', text: 'x' + '🇫🇷🇩🇪🇯🇵'.repeat(800) },
  { name: 'ZWJ family emoji', text: 'ab' + FAMILY.repeat(900) },
  { name: 'skin-tone emoji between words', text: 'ok 👍🏽👍🏿 fine '.repeat(700) },
  { name: 'combining accents', text: 'e\u0301'.repeat(2500) + 'o\u0308\u0304'.repeat(2000) },
];

/**
 * Every piece is well-formed UTF-16 and made only of whole grapheme clusters of `text`: pieces lose
 * at most whitespace at the cuts, never half a character.
 */
export function expectWholeGraphemes(text: string, pieces: readonly string[]): void {
  const clusters = new Set(graphemesOf(text));
  for (const piece of pieces) {
    expect(piece.isWellFormed()).toBe(true);
    for (const cluster of graphemesOf(piece)) {
      if (!clusters.has(cluster)) expect.fail(`cut character ${JSON.stringify(cluster)}`);
    }
  }
  const kept = graphemesOf(pieces.join('')).filter((c) => c.trim() !== '');
  expect(kept).toEqual(graphemesOf(text).filter((c) => c.trim() !== ''));
}
