import { buildTables, fnv1a, readTables, writeTables } from './bpe-tables.js';
import type { BpeRanks, BpeTables } from './bpe-tables.js';

/**
 * Byte-pair encoding as tiktoken does it: split the text with the encoding's pattern, then in each
 * piece merge, again and again, the adjacent pair of parts whose joined bytes have the lowest rank
 * (the leftmost on a tie). Same ranks, same merges, so the same tokens as tiktoken's encoder.
 *
 * Two things differ from js-tiktoken, for speed and memory (measured in bench/TOKENIZER.md):
 * - the merge takes the lowest pair from a heap, O(n log n) in the piece's length, where tiktoken
 *   scans every pair after every merge, O(n²): a 4,000-character word took js-tiktoken seconds;
 * - the ranks live in one byte array and an open-addressing table of typed arrays (about 5 MB,
 *   `BpeTables`), looked up without building a string: js-tiktoken builds two maps of 200,000
 *   entries (the process grows by 216 MB) and joins bytes into a string key on every lookup.
 *   The tables can be written to a file at build time and read back as views of its bytes.
 *
 * Special-token strings (`<|endoftext|>`…) are never special here: user text is encoded as the
 * plain text it is.
 */
export class BytePairEncoder {
  private readonly pattern: RegExp;
  private readonly bytes: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly longestToken: number;
  private scratch = new Uint8Array(1024);

  /** Builds the tables from js-tiktoken's ranks (0.1–0.3 s; the ranks' text is then garbage). */
  static fromRanks(ranks: BpeRanks): BytePairEncoder {
    return new BytePairEncoder(buildTables(ranks));
  }

  /**
   * Reads the tables from the blob `serialize` gave, as views of its bytes (no copy): a few ms.
   * Throws a `TypeError` saying what is wrong when the blob is truncated or corrupt.
   */
  static fromBinary(blob: Uint8Array): BytePairEncoder {
    return new BytePairEncoder(readTables(blob));
  }

  private constructor(private readonly tables: BpeTables) {
    this.pattern = new RegExp(tables.pattern, 'gu');
    this.bytes = tables.bytes;
    this.starts = tables.starts;
    this.ends = tables.ends;
    this.table = tables.table;
    this.mask = tables.table.length - 1;
    this.longestToken = tables.longestToken;
  }

  /** The tables as one binary blob (5.4 MB for `o200k_base`), for `fromBinary`. */
  serialize(): Uint8Array {
    return writeTables(this.tables);
  }

  /** Tokens in `text`. */
  count(text: string): number {
    let total = 0;
    // `match` with the global flag gives the pieces as strings: no match object per piece
    // (`matchAll` allocated a quarter of the bot's garbage per turn of its own code).
    for (const piece of text.match(this.pattern) ?? []) {
      const n = this.toBytes(piece);
      total += this.rank(this.scratch, 0, n) !== NONE ? 1 : this.merge(this.scratch, n).parts;
    }
    return total;
  }

  /**
   * The longest prefix of `text` whose tokens, as encoded within `text`, number at most
   * `maxTokens`. A cut inside a piece falls between its tokens, moved back to the start of a
   * character when a token ends inside one, so the result is always a prefix of `text`.
   */
  prefix(text: string, maxTokens: number): string {
    let left = maxTokens;
    for (const match of text.matchAll(this.pattern)) {
      const piece = match[0];
      const n = this.toBytes(piece);
      if (this.rank(this.scratch, 0, n) !== NONE) {
        if (left >= 1) {
          left -= 1;
          continue;
        }
        return text.slice(0, match.index);
      }
      const { parts, next } = this.merge(this.scratch, n);
      if (parts <= left) {
        left -= parts;
        continue;
      }
      let keptBytes = 0;
      for (let k = 0; k < left; k++) keptBytes = next[keptBytes]!;
      return text.slice(0, match.index) + piece.slice(0, unitsWithin(piece, keptBytes));
    }
    return text;
  }

  /**
   * UTF-8 of `piece` into `scratch`; returns its length in bytes. The buffer grows to three bytes
   * per character of the longest piece met (a 100,000-character word keeps 300 kB) and is reused.
   */
  private toBytes(piece: string): number {
    if (this.scratch.length < piece.length * 3) this.scratch = new Uint8Array(piece.length * 3);
    return utf8.encodeInto(piece, this.scratch).written;
  }

  /** The rank of the bytes `b[start, end)`, or NONE when they are not a token. */
  private rank(b: Uint8Array, start: number, end: number): number {
    const length = end - start;
    if (length > this.longestToken) return NONE;
    for (let slot = fnv1a(b, start, end) & this.mask; ; slot = (slot + 1) & this.mask) {
      const rank = this.table[slot]!;
      if (rank === -1) return NONE;
      const at = this.starts[rank]!;
      if (this.ends[rank]! - at !== length) continue;
      let i = 0;
      while (i < length && this.bytes[at + i] === b[start + i]) i++;
      if (i === length) return rank;
    }
  }

  /**
   * Merges the bytes `b[0, n)` into tokens. Parts form a linked list from byte 0: a part starting
   * at `i` ends at `next[i]`. `pairRank[i]` is the rank of the part at `i` joined with the next one.
   * The heap holds `rank * (n + 1) + start` (lowest rank first, then leftmost); an entry whose pair
   * has since changed no longer matches `pairRank` and is skipped.
   */
  private merge(b: Uint8Array, n: number): { parts: number; next: Int32Array } {
    const next = new Int32Array(n + 1);
    const previous = new Int32Array(n + 1);
    const pairRank = new Int32Array(n + 1).fill(NONE);
    const heap = new MinHeap(2 * n);
    const width = n + 1;
    for (let i = 0; i <= n; i++) {
      next[i] = i + 1;
      previous[i] = i - 1;
    }
    const setPair = (i: number): void => {
      const end = next[i]! < n ? next[next[i]!]! : n + 1;
      const rank = end <= n ? this.rank(b, i, end) : NONE;
      pairRank[i] = rank;
      if (rank !== NONE) heap.push(rank * width + i);
    };
    for (let i = 0; i < n - 1; i++) setPair(i);
    let parts = n;
    while (heap.size > 0) {
      const entry = heap.pop();
      const i = entry % width;
      if (pairRank[i] !== (entry - i) / width) continue;
      const absorbed = next[i]!;
      pairRank[absorbed] = NONE;
      next[i] = next[absorbed]!;
      previous[next[i]!] = i;
      parts--;
      setPair(i);
      if (previous[i]! >= 0) setPair(previous[i]!);
    }
    return { parts, next };
  }
}

/** Larger than any rank: "not a token". */
const NONE = 0x7fffffff;

const utf8 = new TextEncoder();

/** How many UTF-16 units of `piece` fit whole in its first `bytes` UTF-8 bytes. */
function unitsWithin(piece: string, bytes: number): number {
  let used = 0;
  let units = 0;
  for (const char of piece) {
    const code = char.codePointAt(0)!;
    // A lone surrogate is encoded as U+FFFD: 3 bytes.
    used += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (used > bytes) break;
    units += char.length;
  }
  return units;
}

/** A binary min-heap of numbers in a growable Float64Array. */
class MinHeap {
  private items: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.items = new Float64Array(Math.max(4, capacity));
  }

  push(value: number): void {
    if (this.size === this.items.length) {
      const grown = new Float64Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    const a = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= value) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = value;
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a[--this.size]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && a[child + 1]! < a[child]!) child++;
      if (a[child]! >= last) break;
      a[i] = a[child]!;
      i = child;
    }
    a[i] = last;
    return top;
  }
}
