import { describe, expect, it } from 'vitest';
import { tokens } from '../support/core.js';

describe('TiktokenCounter', () => {
  it('counts like the o200k_base tokenizer on ordinary text', () => {
    expect(tokens.countText('')).toBe(0);
    expect(tokens.countText('hello world')).toBe(2);
    expect(tokens.countText('The quick brown fox jumps over the lazy dog.')).toBe(10);
  });

  it('stays fast on long runs without spaces (no quadratic blow-up), with a close count', () => {
    const start = performance.now();
    const count = tokens.countText('x'.repeat(16_000));
    const base64 = tokens.countText(
      Buffer.from(Array.from({ length: 12_000 }, (_, i) => i % 256)).toString('base64'),
    );
    // Unsliced, the first of these takes about 45 s; sliced, milliseconds. The bound is loose
    // on purpose: it only has to tell linear from quadratic on a busy machine.
    expect(performance.now() - start).toBeLessThan(10_000);
    expect(count).toBeGreaterThan(1500);
    expect(count).toBeLessThan(2500);
    expect(base64).toBeGreaterThan(5000);
  });

  it('counts special-token strings in user text as plain text instead of throwing', () => {
    expect(tokens.countText('hi <|endoftext|> there')).toBeGreaterThan(5);
    expect(tokens.truncate('<|endoftext|>'.repeat(3), 4)).not.toBe('');
  });

  it('truncates to a token budget, keeping a prefix of the text', () => {
    const text = 'one two three four five six seven eight nine ten';
    const cut = tokens.truncate(text, 3);
    expect(tokens.countText(cut)).toBeLessThanOrEqual(3);
    expect(text.startsWith(cut)).toBe(true);
    expect(tokens.truncate('a'.repeat(500), 10).length).toBeGreaterThan(0);
  });
});

describe('TiktokenCounter piece cache', () => {
  it('counts exactly as encoding the whole text does, cached or not', async () => {
    const { Tiktoken } = await import('js-tiktoken/lite');
    const { default: ranks } = await import('js-tiktoken/ranks/o200k_base');
    const reference = new Tiktoken(ranks);
    const samples = [
      'Hello, world! How are you doing today?',
      "It's 12:45 — l'été à Paris, 東京タワー, emojis 🦜🦜 and code: `const x = a.b?.c ?? 42;`",
      '  leading spaces\n\n\ttabs and\r\nnewlines   ',
      'Numbers 1234567890 and punctuation!!! ??? ...',
    ];
    for (const text of samples) {
      expect(tokens.countText(text)).toBe(reference.encode(text).length);
      expect(tokens.countText(text)).toBe(reference.encode(text).length); // now from the cache
    }
  });

  it('stays bounded: a full cache starts over', async () => {
    const { TiktokenCounter } = await import('../../src/core/token-counter.js');
    const small = new TiktokenCounter(10);
    const text = Array.from({ length: 50 }, (_, i) => `word${i}`).join(' ');
    const first = small.countText(text);
    expect(small.countText(text)).toBe(first);
    expect((small as unknown as { counts: Map<string, number> }).counts.size).toBeLessThanOrEqual(
      10,
    );
  });
});
