import { crc32 } from 'node:zlib';

/**
 * Ranks of a tiktoken encoding in the form js-tiktoken ships them (`js-tiktoken/ranks/*`):
 * `bpe_ranks` holds lines `<label> <first rank> <token as base64> <token as base64>…`.
 */
export interface BpeRanks {
  readonly pat_str: string;
  readonly bpe_ranks: string;
}

/**
 * What `BytePairEncoder` looks ranks up in (about 5 MB for `o200k_base`), built from `BpeRanks`
 * or read back, without a copy, from the binary form `writeTables` gives.
 */
export interface BpeTables {
  /** The encoding's split pattern (a regular expression's source, used with the `gu` flags). */
  readonly pattern: string;
  /** Every token's bytes, back to back; `starts[rank]`, `ends[rank]` delimit a token (-1: none). */
  readonly bytes: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /**
   * Open addressing: a slot holds a rank or -1; probing is linear from the bytes' FNV-1a hash.
   * Its length is a power of two, more than twice the number of tokens.
   */
  readonly table: Int32Array;
  /** Bytes of the longest token: a longer run of bytes is no token, without a lookup. */
  readonly longestToken: number;
}

/** Builds the tables from js-tiktoken's ranks: 0.1–0.3 s for `o200k_base`. */
export function buildTables(ranks: BpeRanks): BpeTables {
  // Two passes over the ranks text, without an array of 200,000 tokens: garbage of that size
  // would stay in the process's memory (RSS) long after it was collected.
  let count = 0;
  let totalBytes = 0;
  let ranksEnd = 0;
  forEachToken(ranks.bpe_ranks, (rank, base64) => {
    count++;
    totalBytes += base64Bytes(base64);
    ranksEnd = Math.max(ranksEnd, rank + 1);
  });
  const bytes = new Uint8Array(totalBytes);
  const starts = new Int32Array(ranksEnd).fill(-1);
  const ends = new Int32Array(ranksEnd).fill(-1);
  let slots = 1;
  while (slots < count * 2.5) slots *= 2;
  const table = new Int32Array(slots).fill(-1);
  const mask = slots - 1;
  let at = 0;
  let longestToken = 0;
  forEachToken(ranks.bpe_ranks, (rank, base64) => {
    const token = atob(base64); // one character per byte
    starts[rank] = at;
    for (let i = 0; i < token.length; i++) bytes[at++] = token.charCodeAt(i);
    ends[rank] = at;
    longestToken = Math.max(longestToken, token.length);
    let slot = fnv1a(bytes, at - token.length, at) & mask;
    while (table[slot] !== -1) slot = (slot + 1) & mask;
    table[slot] = rank;
  });
  return { pattern: ranks.pat_str, bytes, starts, ends, table, longestToken };
}

/*
 * The binary form, in the byte order of the machine that wrote it (the build stage of the image
 * that runs it). A header of 32-bit words, then 4-byte-aligned sections, so the typed arrays can
 * be views of the file's bytes:
 *   magic, version, pattern bytes, ranks (length of starts and ends), table slots, token bytes,
 *   longest token, checksum of everything after the header;
 *   the pattern as UTF-8, zero-padded to 4 bytes; starts; ends; table; token bytes, zero-padded.
 */
const MAGIC = 0x54455042; // "BPET" read as a little-endian word
const VERSION = 1;
const HEADER_WORDS = 8;
const HEADER_BYTES = HEADER_WORDS * 4;

/** The tables as one binary blob, for `readTables`. */
export function writeTables(tables: BpeTables): Uint8Array {
  const pattern = new TextEncoder().encode(tables.pattern);
  const layout = layoutOf(
    pattern.length,
    tables.starts.length,
    tables.table.length,
    tables.bytes.length,
  );
  const blob = new Uint8Array(layout.size);
  const words = new Uint32Array(blob.buffer);
  words.set([
    MAGIC,
    VERSION,
    pattern.length,
    tables.starts.length,
    tables.table.length,
    tables.bytes.length,
    tables.longestToken,
  ]);
  blob.set(pattern, HEADER_BYTES);
  new Int32Array(blob.buffer, layout.starts, tables.starts.length).set(tables.starts);
  new Int32Array(blob.buffer, layout.ends, tables.ends.length).set(tables.ends);
  new Int32Array(blob.buffer, layout.table, tables.table.length).set(tables.table);
  blob.set(tables.bytes, layout.bytes);
  words[7] = checksum(blob);
  return blob;
}

/**
 * The tables in a blob from `writeTables`, as views of its bytes: nothing is copied, unless the
 * blob does not start on a 4-byte boundary of its buffer (then it is copied once). Throws a
 * `TypeError` saying what is wrong when the blob is not such tables, is truncated or corrupt.
 */
export function readTables(blob: Uint8Array): BpeTables {
  const fail = (problem: string): never => {
    throw new TypeError(
      `Not usable token tables: ${problem}. Rebuild them with \`npm run build\`.`,
    );
  };
  if (blob.byteLength < HEADER_BYTES) fail(`${blob.byteLength} bytes, shorter than the header`);
  // `readFileSync` may hand out a slice of a pooled buffer; a typed array must start aligned.
  const aligned = blob.byteOffset % 4 === 0 ? blob : new Uint8Array(blob);
  const header = new Uint32Array(aligned.buffer, aligned.byteOffset, HEADER_WORDS);
  const [magic, version, patternBytes = 0, ranks = 0, slots = 0, bytes = 0, longestToken = 0, sum] =
    header;
  if (magic !== MAGIC) fail('no token-table header (or written on a machine of other byte order)');
  if (version !== VERSION) fail(`format version ${version}, this program reads ${VERSION}`);
  // A power of two above the ranks: probing stops at an empty slot; bitmasks wrap around.
  if (slots <= ranks || (slots & (slots - 1)) !== 0) {
    fail(`${slots} table slots for ${ranks} ranks`);
  }
  if (longestToken < 1 || longestToken > bytes) fail(`longest token of ${longestToken} bytes`);
  const layout = layoutOf(patternBytes, ranks, slots, bytes);
  if (aligned.byteLength !== layout.size) {
    fail(`${aligned.byteLength} bytes where the header announces ${layout.size} (truncated?)`);
  }
  if (checksum(aligned) !== sum) fail('checksum mismatch (corrupt file)');
  const at = (offset: number): number => aligned.byteOffset + offset;
  return {
    pattern: new TextDecoder('utf-8', { fatal: true }).decode(
      aligned.subarray(HEADER_BYTES, HEADER_BYTES + patternBytes),
    ),
    starts: new Int32Array(aligned.buffer, at(layout.starts), ranks),
    ends: new Int32Array(aligned.buffer, at(layout.ends), ranks),
    table: new Int32Array(aligned.buffer, at(layout.table), slots),
    bytes: new Uint8Array(aligned.buffer, at(layout.bytes), bytes),
    longestToken,
  };
}

/** Byte offsets of the sections, and the blob's size. */
function layoutOf(patternBytes: number, ranks: number, slots: number, bytes: number) {
  const starts = HEADER_BYTES + align4(patternBytes);
  const ends = starts + ranks * 4;
  const table = ends + ranks * 4;
  const tokenBytes = table + slots * 4;
  return { starts, ends, table, bytes: tokenBytes, size: tokenBytes + align4(bytes) };
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/**
 * CRC-32 of everything after the header, by zlib: 4 ms for `o200k_base`'s 5 MB. A loop of our own
 * took as long once compiled but left 6–9 MiB of RSS behind (V8 compiles a hot loop on a
 * background thread, whose memory the allocator keeps).
 */
function checksum(blob: Uint8Array): number {
  return crc32(blob.subarray(HEADER_BYTES));
}

/** Calls `visit` with each token of `bpeRanks` (see `BpeRanks`) and its rank, in order. */
function forEachToken(bpeRanks: string, visit: (rank: number, base64: string) => void): void {
  for (const line of bpeRanks.split('\n')) {
    const first = line.indexOf(' ');
    if (first < 0) continue;
    let end = line.indexOf(' ', first + 1);
    let rank = Number(line.slice(first + 1, end < 0 ? line.length : end));
    while (end >= 0) {
      const start = end + 1;
      end = line.indexOf(' ', start);
      if (end !== start) visit(rank++, line.slice(start, end < 0 ? line.length : end));
    }
  }
}

/** Bytes that a base64 text decodes to. */
function base64Bytes(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/** FNV-1a of the bytes `b[start, end)`: the table's hash. */
export function fnv1a(b: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ b[i]!, 0x01000193);
  return hash >>> 0;
}
