import { describe, expect, it } from 'vitest';
import { graphemeBoundaryBefore, safeSlice } from '../../../src/platforms/shared/graphemes.js';
import { splitMarkdown } from '../../../src/platforms/shared/markdown-chunks.js';
import {
  escapeHtml,
  markdownToTelegramHtml,
  visibleLength,
} from '../../../src/platforms/telegram/telegram-format.js';
import { telegramChunks } from '../../../src/platforms/telegram/telegram-replier.js';
import { HOSTILE_SAMPLES as SAMPLES, random } from './hostile-samples.js';

/*
 * Property-style: model output is untrusted, so every render and split function takes a few
 * hundred hostile strings (entities, broken Markdown, nested fences, control characters, lone
 * surrogates, huge inputs) without throwing, and returns what the platform accepts.
 */

/** Limits to try: small ones multiply the pieces, so huge samples get the platforms' own only. */
const limitsFor = (sample: string, limits: number[]) =>
  sample.length > 5_000 ? limits.slice(0, 1) : limits;

const ALLOWED_TAGS = new Set(['b', 'i', 's', 'code', 'pre', 'a', 'blockquote']);
const LEAVES = new Set(['code', 'pre']);

/**
 * What Telegram's parser would refuse in `html`: tags it does not support, unbalanced or badly
 * nested tags, other `<`/`>`, entities we do not write, links other than web or mail, anything
 * inside code, a blockquote inside a blockquote, malformed UTF-16. Empty when it is valid.
 */
function telegramHtmlProblems(html: string): string[] {
  const problems: string[] = [];
  if (!html.isWellFormed()) problems.push('malformed UTF-16');
  const checkText = (text: string) => {
    if (/[<>]/.test(text)) problems.push(`raw < or > in ${JSON.stringify(text)}`);
    if (text.replace(/&(lt|gt|amp|quot);/g, '').includes('&'))
      problems.push(`bare & in ${JSON.stringify(text)}`);
  };
  const stack: string[] = [];
  let last = 0;
  for (const match of html.matchAll(/<(\/?)([a-z-]+)([^<>]*)>/g)) {
    checkText(html.slice(last, match.index));
    last = match.index + match[0].length;
    const [tag, closing, name = '', attributes = ''] = match;
    if (!ALLOWED_TAGS.has(name)) problems.push(`unsupported ${tag}`);
    if (closing) {
      if (attributes !== '' || stack.pop() !== name) problems.push(`unbalanced ${tag}`);
      continue;
    }
    const parent = stack.at(-1);
    const inPre = parent === 'pre' && name === 'code' && attributes.startsWith(' class=');
    if (parent !== undefined && LEAVES.has(parent) && !inPre) problems.push(`${tag} in ${parent}`);
    if (name === 'blockquote' && stack.includes('blockquote')) problems.push('nested blockquote');
    if (name === 'a') {
      if (stack.includes('a')) problems.push('nested link');
      const href = /^ href="([^"<>]*)"$/.exec(attributes)?.[1] ?? '';
      checkText(href);
      if (!/^(https?:|mailto:)/i.test(href)) problems.push(`link to ${JSON.stringify(href)}`);
    } else if (name === 'code') {
      if (!/^( class="language-[\w#+.-]{1,32}")?$/.test(attributes)) problems.push(tag);
    } else if (attributes !== '') {
      problems.push(tag);
    }
    stack.push(name);
  }
  checkText(html.slice(last));
  if (stack.length > 0) problems.push(`unclosed ${stack.join(', ')}`);
  return problems;
}

/** The first characters of a sample, to name it in a failure. */
const nameOf = (sample: string) => JSON.stringify(sample.slice(0, 200));

describe('renderers and splitters on hostile model output', () => {
  it('checks Telegram HTML strictly (the checker is not vacuous)', () => {
    expect(telegramHtmlProblems('<b>ok</b> <pre><code class="language-js">x</code></pre>')).toEqual(
      [],
    );
    for (const bad of [
      '<b>x</i>',
      '<b>x',
      'a < b',
      'Tom & Jerry',
      '<u>x</u>',
      '<a href="tg://user?id=1">x</a>',
      '<blockquote><blockquote>x</blockquote></blockquote>',
      '<code><b>x</b></code>',
      'half \uD83D',
    ]) {
      expect(telegramHtmlProblems(bad), bad).not.toEqual([]);
    }
  });

  it('markdownToTelegramHtml never throws and always returns valid Telegram HTML', () => {
    for (const sample of SAMPLES) {
      const html = markdownToTelegramHtml(sample);
      expect(telegramHtmlProblems(html), nameOf(sample)).toEqual([]);
      expect(visibleLength(html)).toBeGreaterThanOrEqual(0);
      expect(visibleLength(sample)).toBeGreaterThanOrEqual(0);
      expect(escapeHtml(sample)).not.toMatch(/[<>]/);
    }
  });

  it('splitMarkdown returns well-formed, non-empty pieces within the limit', () => {
    for (const sample of SAMPLES) {
      for (const limit of limitsFor(sample, [2000, 300, 40, 4])) {
        const pieces = splitMarkdown(sample, limit);
        expect(pieces.length).toBeGreaterThanOrEqual(1);
        for (const piece of pieces) {
          expect(piece.isWellFormed()).toBe(true);
          expect(piece.length, nameOf(sample)).toBeLessThanOrEqual(limit);
          if (sample.trim()) expect(piece.trim()).not.toBe('');
        }
      }
    }
  });

  it('telegramChunks returns pieces that render to valid HTML within the limit', () => {
    for (const sample of SAMPLES) {
      for (const limit of limitsFor(sample, [4096, 300, 60])) {
        for (const piece of telegramChunks(sample, limit)) {
          const html = markdownToTelegramHtml(piece);
          expect(telegramHtmlProblems(html), nameOf(piece)).toEqual([]);
          expect(visibleLength(html), nameOf(piece)).toBeLessThanOrEqual(limit);
        }
      }
    }
  });

  it('graphemeBoundaryBefore and safeSlice never cut a surrogate pair', () => {
    const next = random(11);
    for (const sample of SAMPLES) {
      for (let i = 0; i < 20; i++) {
        const index = Math.floor(next() * (sample.length + 2));
        const boundary = graphemeBoundaryBefore(sample, index);
        expect(boundary).toBeLessThanOrEqual(Math.max(0, index));
        const slice = safeSlice(sample.toWellFormed(), index);
        expect(slice.isWellFormed()).toBe(true);
        expect(slice.length).toBeLessThanOrEqual(Math.max(index, 0));
      }
    }
  });
});
