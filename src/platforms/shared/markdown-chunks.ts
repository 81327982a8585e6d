import { marked, type Token } from 'marked';
import { codePointBoundaryBefore, graphemeBoundaryBefore, safeSlice } from './graphemes.js';

/**
 * Splits a Markdown answer into pieces that each fit a platform's message limit, on block
 * boundaries (paragraphs, lists, code blocks) where possible. A code block too long for one
 * message is cut between lines, and each piece re-opens and closes the fence with its language,
 * so every piece renders on its own. `measure` gives a piece's size as the platform counts it
 * (raw length for Discord, visible length after rendering for Telegram). A cut never falls inside
 * a character (surrogate pair or grapheme cluster), lone surrogates become U+FFFD, and no piece is
 * empty unless the whole answer is blank.
 */
export function splitMarkdown(
  answer: string,
  limit: number,
  measure: (piece: string) => number = (piece) => piece.length,
): string[] {
  const text = answer.toWellFormed();
  const fits = (piece: string) => measure(piece) <= limit;
  // Most answers fit one message: one measure, no lexing (streamed previews ask this per edit).
  if (text.trim().length > 0 && fits(text)) return [text.trim()];
  const pieces: string[] = [];
  const blocks = blocksOf(text);
  let current: string | undefined;
  for (let next = 0; next < blocks.length;) {
    const taken = mostThatFit(current, blocks, next, '\n\n', fits);
    if (taken > 0) {
      current = joined(current, blocks, next, taken, '\n\n');
      next += taken;
    } else if (current !== undefined) {
      pieces.push(current);
      current = undefined;
    } else {
      const parts = splitBlock(blocks[next] ?? '', limit, fits);
      current = parts.pop();
      pieces.push(...parts);
      next += 1;
    }
  }
  if (current !== undefined) pieces.push(current);
  const filled = pieces.filter((piece) => piece.trim().length > 0);
  return filled.length > 0 ? filled : [safeSlice(text, limit)];
}

/**
 * How many of `items` from `start` fit after `head`, joined by `separator`. Galloping then binary
 * search: O(log n) measures per piece instead of one per item, which matters when measuring means
 * rendering and items are nearly invisible (link definitions, empty code blocks, entities), so that
 * thousands of them fit one message.
 */
function mostThatFit(
  head: string | undefined,
  items: readonly string[],
  start: number,
  separator: string,
  fits: (piece: string) => boolean,
): number {
  const available = items.length - start;
  const fitsWith = (count: number) => fits(joined(head, items, start, count, separator));
  let good = 0;
  let bad = available + 1;
  for (let probe = 1; probe < bad;) {
    if (!fitsWith(probe)) {
      bad = probe;
      break;
    }
    good = probe;
    if (probe === available) break;
    probe = Math.min(probe * 2, available);
  }
  while (bad - good > 1) {
    const middle = (good + bad) >>> 1;
    if (fitsWith(middle)) good = middle;
    else bad = middle;
  }
  return good;
}

function joined(
  head: string | undefined,
  items: readonly string[],
  start: number,
  count: number,
  separator: string,
): string {
  const taken = items.slice(start, start + count);
  return (head === undefined ? taken : [head, ...taken]).join(separator);
}

/** Top-level Markdown blocks, as written (marked's lexer), without the blank lines between. */
function blocksOf(text: string): string[] {
  let tokens: Token[];
  try {
    tokens = marked.lexer(text);
  } catch {
    return text.split(/\n{2,}/);
  }
  return tokens
    .filter((token) => token.type !== 'space')
    .map((token) => token.raw.replace(/\s+$/, ''))
    .filter((raw) => raw.trim().length > 0);
}

const FENCE = /^(\s{0,3})(`{3,}|~{3,})([^\n]*)\n([\s\S]*?)\n?\s{0,3}\2[`~]*\s*$/;

function splitBlock(block: string, limit: number, fits: (piece: string) => boolean): string[] {
  const fence = FENCE.exec(block);
  if (fence) {
    const [, indent = '', marker = '```', info = ''] = fence;
    const open = `${indent}${marker}${info}\n`;
    const close = `\n${indent}${marker}`;
    const wrap = (body: string) => `${open}${body}${close}`;
    // Fences re-opened in every piece must leave at least half of it for code; longer ones (a
    // runaway info string) would leave no room at all, so such a block is split as text.
    if (fits(wrap('x'.repeat(Math.max(0, Math.floor(limit / 2)))))) {
      return packLines(fence[4] ?? '', (body) => fits(wrap(body)), limit).map(wrap);
    }
  }
  return packLines(block, fits, limit);
}

/**
 * Packs lines into pieces that fit; a line too long on its own is cut at the last space that
 * fits, or between characters when there is none.
 */
function packLines(text: string, fits: (piece: string) => boolean, limit: number): string[] {
  const pieces: string[] = [];
  const lines = text.split('\n');
  let current: string | undefined;
  for (let next = 0; next < lines.length;) {
    const taken = mostThatFit(current, lines, next, '\n', fits);
    if (taken > 0) {
      current = joined(current, lines, next, taken, '\n');
      next += taken;
    } else if (current !== undefined) {
      pieces.push(current);
      current = undefined;
    } else {
      let rest = lines[next] ?? '';
      while (rest.length > 0 && !fits(rest)) {
        const cut = longestFittingPrefix(rest, fits, limit);
        pieces.push(cut.trimEnd());
        rest = rest.slice(cut.length).trimStart();
      }
      current = rest.length > 0 ? rest : undefined;
      next += 1;
    }
  }
  if (current !== undefined) pieces.push(current);
  return pieces.filter((piece) => piece.trim().length > 0);
}

/** How many earlier character boundaries to try when a measure is not monotonic. Default 16. */
const STEP_BACK = 16;

/**
 * The longest prefix that fits and ends between characters, preferring a word boundary when one
 * is near. Never empty for a non-empty text, so cutting always progresses: when not even one
 * character fits, that character goes alone.
 */
function longestFittingPrefix(
  text: string,
  fits: (piece: string) => boolean,
  limit: number,
): string {
  // Binary search on length, then back to the last whole character.
  let low = 1;
  let high = Math.min(text.length, limit);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(text.slice(0, mid))) low = mid;
    else high = mid - 1;
  }
  const cut = characterCut(text, low);
  const space = text.lastIndexOf(' ', cut - 1);
  if (space > cut * 0.6 && isCharacterCut(text, space + 1) && fits(text.slice(0, space + 1))) {
    return text.slice(0, space + 1);
  }
  // Rendered measures are not monotonic (a shorter prefix may open an emphasis it then shows as
  // text): step back a little to a cut that fits.
  for (let end = cut, step = 0; end > 0 && step < STEP_BACK; step++) {
    if (fits(text.slice(0, end))) return text.slice(0, end);
    end = graphemeBoundaryBefore(text, end - 1);
  }
  return text.slice(0, cut);
}

/**
 * Where to cut `text` at or before `index`: the last grapheme boundary; a code point boundary when
 * the first cluster is longer; at least after the first code point.
 */
function characterCut(text: string, index: number): number {
  const cut = graphemeBoundaryBefore(text, index) || codePointBoundaryBefore(text, index);
  if (cut > 0) return cut;
  return (text.codePointAt(0) ?? 0) > 0xffff ? 2 : 1;
}

function isCharacterCut(text: string, index: number): boolean {
  return graphemeBoundaryBefore(text, index) === index;
}
