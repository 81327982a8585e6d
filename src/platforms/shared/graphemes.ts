/**
 * Cutting text where a person sees a character end. A cut inside a surrogate pair leaves malformed
 * UTF-16 (platforms reject it or show U+FFFD), and a cut inside a grapheme cluster splits a flag
 * into two letters, a family emoji into its people, or an accent from its letter.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * How far back from the index to look for a position that is certainly a grapheme boundary.
 * Default 256 code units: ordinary text has one every few characters; text without any (a run of
 * emoji, a script not listed in `isPlain`) is segmented from its start instead, which costs at
 * most the index itself.
 */
const ANCHOR_SCAN = 256;

/**
 * The last grapheme-cluster boundary at or before `index` (0 when the first cluster is longer).
 * Only the region near the index is segmented, from the nearest earlier position that is a
 * boundary whatever comes before it, so a cut in a long text costs what a cut in a short one does.
 */
export function graphemeBoundaryBefore(text: string, index: number): number {
  if (index <= 0) return 0;
  if (index >= text.length) return text.length;
  const start = anchorBefore(text, index);
  if (start === index) return index;
  // One whole code point after the index decides whether the index itself is a boundary.
  const end = Math.min(text.length, index + 2);
  let boundary = start;
  for (const { index: at } of segmenter.segment(text.slice(start, end))) {
    if (start + at > index) break;
    boundary = start + at;
  }
  return boundary;
}

/** The last code point boundary at or before `index`: never between the halves of a pair. */
export function codePointBoundaryBefore(text: string, index: number): number {
  if (index <= 0) return 0;
  if (index >= text.length) return text.length;
  return isHighSurrogate(text.charCodeAt(index - 1)) && isLowSurrogate(text.charCodeAt(index))
    ? index - 1
    : index;
}

/**
 * The longest prefix of `text` at most `maxLength` UTF-16 code units long that ends between
 * grapheme clusters. When the first cluster alone is longer (a long ZWJ sequence, a letter with
 * dozens of accents), it ends between code points instead, so the result is still well-formed.
 */
export function safeSlice(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const end = graphemeBoundaryBefore(text, maxLength) || codePointBoundaryBefore(text, maxLength);
  return text.slice(0, end);
}

/**
 * `text` without a final high surrogate whose low half has not arrived yet: what a partial,
 * streamed answer can end with, and what no platform accepts.
 */
export function withoutDanglingSurrogate(text: string): string {
  return isHighSurrogate(text.charCodeAt(text.length - 1)) ? text.slice(0, -1) : text;
}

/**
 * The nearest position at or before `index` that is a grapheme boundary whatever precedes it: just
 * after a line feed (Unicode's rule GB4), between two characters of `isPlain`, or between two
 * emoji that no rule joins (no joiner, skin tone or flag letter between them); 0 when there is
 * none within `ANCHOR_SCAN`.
 */
function anchorBefore(text: string, index: number): number {
  const floor = Math.max(1, index - ANCHOR_SCAN);
  for (let at = index; at >= floor; at--) {
    const before = text.charCodeAt(at - 1);
    const after = text.charCodeAt(at);
    if (before === 0x0a) return at;
    if (before === 0x0d && after === 0x0a) continue;
    if (isPlain(before) && isPlain(after)) return at;
    if (at >= 2 && isLoneEmoji(text.codePointAt(at - 2)) && isLoneEmoji(text.codePointAt(at))) {
      return at;
    }
  }
  return 0;
}

/**
 * Pictographs of the emoji blocks (U+1F300–U+1FAFF) other than the skin-tone modifiers, which
 * extend the emoji before them. Two of them side by side are two graphemes.
 */
function isLoneEmoji(code: number | undefined): boolean {
  return (
    code !== undefined && code >= 0x1f300 && code <= 0x1faff && (code < 0x1f3fb || code > 0x1f3ff)
  );
}

/**
 * Letters that no grapheme rule joins to their neighbour: none is a combining mark, joiner,
 * prepended mark, regional indicator, Hangul jamo or Indic consonant. Latin (below the combining
 * diacritics at U+0300), Greek, Cyrillic letters, kana and CJK ideographs cover most answers.
 */
function isPlain(code: number): boolean {
  return (
    code < 0x0300 ||
    (code >= 0x0370 && code <= 0x03ff) ||
    (code >= 0x0400 && code <= 0x0482) ||
    (code >= 0x048a && code <= 0x052f) ||
    (code >= 0x3041 && code <= 0x3096) ||
    (code >= 0x30a1 && code <= 0x30fa) ||
    (code >= 0x4e00 && code <= 0x9fff)
  );
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
