/** Hostile model output for the property-style tests of the renderers and splitters. */

/** mulberry32: a small seeded generator, so a failure reproduces from its seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  // entities, valid and not
  '&#99999999;',
  '&#x110000;',
  '&#xD800;',
  '&#0;',
  '&#65;',
  '&#x1F600;',
  '&#99999999999999999999;',
  '&amp;',
  '&lt;',
  '&gt;',
  '&quot;',
  '&nbsp;',
  '&',
  '&#',
  '&#x;',
  '&#38;lt;',
  // Markdown, balanced or not
  '**',
  '*',
  '_',
  '__',
  '~~',
  '~',
  '`',
  '``',
  '```',
  '```js\n',
  '~~~',
  '````',
  '\n```\n',
  '\n',
  '\n\n',
  '> ',
  '>> ',
  '- ',
  '* ',
  '+ ',
  '1. ',
  '10) ',
  '- [ ] ',
  '- [x] ',
  '# ',
  '###### ',
  '---',
  '***',
  '|',
  '| a | b |\n|---|---|\n',
  '[',
  ']',
  '(',
  ')',
  '](',
  '![',
  '[x]: ',
  '<',
  '>',
  '\\',
  '  \n',
  '    ',
  '\t',
  '<b>',
  '</i>',
  '<a href="x">',
  '<!--',
  '-->',
  '<tg-spoiler>',
  '"',
  "'",
  // links
  'https://example.com/?a=1&b=2',
  'tg://user?id=1',
  '(tg://openmessage?user_id=2)',
  '[who](tg://user?id=3)',
  'javascript:alert(1)',
  'mailto:a@b.c',
  'www.example.com',
  '<https://x.y>',
  // control characters, separators, bidi
  '\u0000',
  '\u0001',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u00ad',
  '\u2028',
  '\u2029',
  '\r',
  '\r\n',
  '\u200b',
  '\u200d',
  '\u202e',
  '\ufeff',
  '\ufffd',
  // lone surrogates and characters longer than a code unit
  '\ud800',
  '\udfff',
  '\ud83d',
  '\ude00',
  '😀',
  '👍🏽',
  '🇫🇷',
  '🇩',
  '👨‍👩‍👧‍👦',
  'e\u0301',
  '\u0301\u0302',
  'क्ष',
  '각',
  '\u1100\u1161',
  'ملف',
  '中文',
  'Привет',
  // words
  'word ',
  'lorem ipsum ',
  'x',
  ' ',
];

function hostileString(next: () => number, maxParts: number): string {
  const parts = Math.floor(next() * maxParts);
  let text = '';
  for (let i = 0; i < parts; i++) {
    if (next() < 0.05) text += String.fromCharCode(Math.floor(next() * 0x10000));
    else text += FRAGMENTS[Math.floor(next() * FRAGMENTS.length)]!;
  }
  return text;
}

/** A few hundred hostile answers, the same on every run. */
export const HOSTILE_SAMPLES: readonly string[] = (() => {
  const next = random(0x5eed);
  const samples = Array.from({ length: 300 }, (_, i) => hostileString(next, i < 250 ? 40 : 600));
  return [
    ...samples,
    '',
    '   \n\n  ',
    '&#99999999;'.repeat(2_000),
    'a' + '😀'.repeat(10_000),
    '> '.repeat(2_000) + 'deep',
    '- '.repeat(500) + 'deep',
    '*'.repeat(2_000) + 'a' + '*'.repeat(2_000),
    '['.repeat(5_000) + 'x' + ']'.repeat(5_000),
    '```\n'.repeat(3_000),
    '````md\n```js\n~~~\ncode\n```\n````\n'.repeat(500),
    '```' + 'x'.repeat(5_000) + '\nbody\n```',
    '\ud800'.repeat(10_000),
    'e' + '\u0301'.repeat(10_000),
    hostileString(random(7), 10_000),
  ];
})();
