import { marked, type Token } from 'marked';

/**
 * Splits a Markdown answer into pieces that each fit a platform's message limit, on block
 * boundaries (paragraphs, lists, code blocks) where possible. A code block too long for one
 * message is cut between lines, and each piece re-opens and closes the fence with its language,
 * so every piece renders on its own. `measure` gives a piece's size as the platform counts it
 * (raw length for Discord, visible length after rendering for Telegram).
 */
export function splitMarkdown(
  text: string,
  limit: number,
  measure: (piece: string) => number = (piece) => piece.length,
): string[] {
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
  return pieces.length > 0 ? pieces : [text.slice(0, limit)];
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
    return packLines(fence[4] ?? '', (body) => fits(wrap(body)), limit).map(wrap);
  }
  return packLines(block, fits, limit);
}

/**
 * Packs lines into pieces that fit; a line too long on its own is cut at the last space that
 * fits, or hard when there is none.
 */
function packLines(text: string, fits: (piece: string) => boolean, limit: number): string[] {
  const pieces: string[] = [];
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const candidate = current === undefined ? line : `${current}\n${line}`;
    if (fits(candidate)) {
      current = candidate;
      continue;
    }
    if (current !== undefined) pieces.push(current);
    let rest = line;
    while (!fits(rest)) {
      const cut = longestFittingPrefix(rest, fits, limit);
      pieces.push(cut.trimEnd());
      rest = rest.slice(cut.length).trimStart();
    }
    current = rest;
  }
  if (current !== undefined && current.length > 0) pieces.push(current);
  return pieces;
}

function longestFittingPrefix(
  text: string,
  fits: (piece: string) => boolean,
  limit: number,
): string {
  // Binary search on length, then step back to a word boundary when one is near.
  let low = 1;
  let high = Math.min(text.length, limit);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(text.slice(0, mid))) low = mid;
    else high = mid - 1;
  }
  const prefix = text.slice(0, low);
  const space = prefix.lastIndexOf(' ');
  return space > low * 0.6 ? prefix.slice(0, space + 1) : prefix;
}
