import { describe, expect, it } from 'vitest';
import {
  codePointBoundaryBefore,
  graphemeBoundaryBefore,
  safeSlice,
  withoutDanglingSurrogate,
} from '../../../src/platforms/shared/graphemes.js';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Every grapheme boundary of `text`, computed the slow way (segmenting all of it). */
function boundaries(text: string): Set<number> {
  const all = new Set([text.length]);
  for (const { index } of segmenter.segment(text)) all.add(index);
  return all;
}

const FAMILY = '👨‍👩‍👧‍👦'; // four people joined by ZWJ: 11 UTF-16 code units, one grapheme
const FLAG_FR = '🇫🇷';
const FLAG_DE = '🇩🇪';
const E_ACUTE = 'e\u0301'; // e + combining acute accent
const SAMPLES: Record<string, string> = {
  emoji: 'a' + '😀'.repeat(300),
  flags: `${FLAG_FR}${FLAG_DE}`.repeat(150),
  'flags after text': 'x' + FLAG_FR.repeat(301),
  family: `${FAMILY} `.repeat(40) + FAMILY.repeat(40),
  accents: E_ACUTE.repeat(400),
  'stacked accents': 'a' + '\u0301\u0302\u0303'.repeat(60) + 'b',
  hangul: '\u1100\u1161\u11A8'.repeat(200), // conjoining jamo: one syllable per three
  'crlf and ascii': 'ab\r\ncd\r\n'.repeat(100),
  cyrillic: 'Привет, мир! '.repeat(40) + 'й'.repeat(200),
  devanagari: 'क्षत्रिय '.repeat(60),
  'emoji of every kind': `😀👍🏽${FAMILY}🎉${FLAG_FR}🏳️‍🌈👩🏿‍💻🫠🐈‍⬛😀😀`.repeat(30),
  mixed: `Hi ${FAMILY}! ${FLAG_FR} café ${E_ACUTE}${E_ACUTE} 👍🏽 `.repeat(30),
};

describe('graphemeBoundaryBefore', () => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    it(`gives the last grapheme boundary at or before every index: ${name}`, () => {
      const truth = boundaries(text);
      let last = 0;
      for (let index = 0; index <= text.length; index++) {
        if (truth.has(index)) last = index;
        expect(graphemeBoundaryBefore(text, index), `index ${index}`).toBe(last);
      }
    });
  }

  it('handles indexes outside the text', () => {
    expect(graphemeBoundaryBefore('abc', -5)).toBe(0);
    expect(graphemeBoundaryBefore('abc', 99)).toBe(3);
    expect(graphemeBoundaryBefore('', 0)).toBe(0);
  });

  it('segments only near the index: a megabyte of emoji costs no more than a short text', () => {
    const huge = '😀'.repeat(500_000) + ' ' + 'x'.repeat(100);
    const started = performance.now();
    for (let i = 0; i < 1000; i++) graphemeBoundaryBefore(huge, huge.length - 50 - (i % 7));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('finds a nearby starting point in a text of emoji only', () => {
    const emoji = '😀👍🏽🎉'.repeat(100_000);
    const started = performance.now();
    for (let i = 0; i < 1000; i++) graphemeBoundaryBefore(emoji, emoji.length - 1000 - i);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('codePointBoundaryBefore', () => {
  it('never lands between the halves of a surrogate pair', () => {
    expect(codePointBoundaryBefore('a😀b', 2)).toBe(1);
    expect(codePointBoundaryBefore('a😀b', 3)).toBe(3);
    expect(codePointBoundaryBefore('\uDE00\uD83D', 1)).toBe(1); // lone halves are code points
  });
});

describe('safeSlice', () => {
  it('keeps whole graphemes within the limit', () => {
    expect(safeSlice('a' + '😀'.repeat(3000), 2000)).toBe('a' + '😀'.repeat(999));
    expect(safeSlice(FLAG_FR.repeat(10), 7)).toBe(FLAG_FR); // 4 code units per flag
    expect(safeSlice(`ab${FAMILY}`, 12)).toBe('ab');
    expect(safeSlice(E_ACUTE.repeat(5), 5)).toBe(E_ACUTE.repeat(2));
    expect(safeSlice('short', 100)).toBe('short');
  });

  it('cuts between code points when a single grapheme is longer than the limit', () => {
    expect(safeSlice(FAMILY, 4)).toBe('👨\u200D'); // 3 code units: no half surrogate
    expect(safeSlice(FAMILY, 5)).toBe('👨\u200D👩');
    expect(safeSlice('😀', 1)).toBe('');
  });
});

describe('withoutDanglingSurrogate', () => {
  it('drops a high surrogate whose pair has not arrived yet', () => {
    expect(withoutDanglingSurrogate('hi \uD83D')).toBe('hi ');
    expect(withoutDanglingSurrogate('hi 😀')).toBe('hi 😀');
    expect(withoutDanglingSurrogate('')).toBe('');
  });
});
