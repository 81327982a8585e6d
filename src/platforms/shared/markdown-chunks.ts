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
  const pieces: string[] = [];
  let current = '';
  for (const block of blocksOf(text)) {
    const candidate = current ? `${current}\n\n${block}` : block;
    if (fits(candidate)) {
      current = candidate;
      continue;
    }
    if (current) pieces.push(current);
    if (fits(block)) {
      current = block;
      continue;
    }
    const parts = splitBlock(block, limit, fits);
    current = parts.pop() ?? '';
    pieces.push(...parts);
  }
  if (current) pieces.push(current);
  return pieces.length > 0 ? pieces : [safeSlice(text, limit)];
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
    if (fits(wrap('x'.repeat(Math.floor(limit / 2))))) {
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
  let current: string | undefined;
  const push = (piece: string) => {
    if (piece.trim().length > 0) pieces.push(piece);
  };
  for (const line of text.split('\n')) {
    const candidate = current === undefined ? line : `${current}\n${line}`;
    if (fits(candidate)) {
      current = candidate;
      continue;
    }
    if (current !== undefined) push(current);
    let rest = line;
    while (rest.length > 0 && !fits(rest)) {
      const cut = longestFittingPrefix(rest, fits, limit);
      push(cut.trimEnd());
      rest = rest.slice(cut.length).trimStart();
    }
    current = rest;
  }
  if (current !== undefined) push(current);
  return pieces;
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

/** The last grapheme boundary at or before `index`; a code point boundary when the first cluster
 * is longer; at least the first code point. */
function characterCut(text: string, index: number): number {
  const cut = graphemeBoundaryBefore(text, index) || codePointBoundaryBefore(text, index);
  if (cut > 0) return cut;
  return (text.codePointAt(0) ?? 0) > 0xffff ? 2 : 1;
}

function isCharacterCut(text: string, index: number): boolean {
  return graphemeBoundaryBefore(text, index) === index;
}
