import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildTables, readTables, writeTables, type BpeRanks } from '../../src/core/bpe-tables.js';
import { TiktokenCounter } from '../../src/core/token-counter.js';

const o200kBase = createRequire(import.meta.url)('js-tiktoken/ranks/o200k_base') as BpeRanks;
const built = buildTables(o200kBase);
const blob = writeTables(built);

/** `blob`'s bytes at `offset` of a larger buffer, as a pooled `Buffer` from `readFileSync` is. */
function at(offset: number, bytes: Uint8Array = blob): Uint8Array {
  const copy = new Uint8Array(new ArrayBuffer(offset + bytes.length + 8), offset, bytes.length);
  copy.set(bytes);
  return copy;
}

/** Whether two typed arrays hold the same bytes (`toEqual` takes seconds on 500,000 elements). */
function same(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const bytes = (view: ArrayBufferView) =>
    Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  return a.constructor === b.constructor && bytes(a).equals(bytes(b));
}

/** A copy of `blob` with the 32-bit header word `index` set to `value`. */
function withHeaderWord(index: number, value: number): Uint8Array {
  const copy = blob.slice();
  new Uint32Array(copy.buffer, 0, 8)[index] = value;
  return copy;
}

describe('token tables in binary form', () => {
  it('read back equal to the tables they were written from', () => {
    const read = readTables(blob);
    expect(read.pattern).toBe(o200kBase.pat_str);
    expect(read.longestToken).toBe(built.longestToken);
    expect(same(read.bytes, built.bytes), 'bytes').toBe(true);
    expect(same(read.starts, built.starts), 'starts').toBe(true);
    expect(same(read.ends, built.ends), 'ends').toBe(true);
    expect(same(read.table, built.table), 'table').toBe(true);
    // 199,998 ranks, 5 MB: a change of the layout or of the ranks shows here.
    expect(read.starts.length).toBe(199_998);
    expect(blob.length).toBeGreaterThan(4_500_000);
    expect(blob.length).toBeLessThan(5_500_000);
  });

  it('are views of the blob, not copies, wherever it starts on a 4-byte boundary', () => {
    for (const bytes of [blob, at(8), at(4096)]) {
      const read = readTables(bytes);
      for (const array of [read.bytes, read.starts, read.ends, read.table]) {
        expect(array.buffer).toBe(bytes.buffer);
      }
    }
  });

  it('are copied once when the blob does not start on a 4-byte boundary, and read the same', () => {
    for (const offset of [1, 2, 3]) {
      const bytes = at(offset);
      const read = readTables(bytes);
      expect(read.starts.buffer).not.toBe(bytes.buffer);
      expect(same(read.table, built.table), 'table').toBe(true);
      expect(same(read.bytes, built.bytes), 'bytes').toBe(true);
      const counter = new TiktokenCounter(bytes);
      expect(counter.countText('Hello, world! How are you doing today?')).toBe(10);
      expect(counter.truncate('one two three four', 2)).toBe('one two');
    }
  });

  it.each([
    ['an empty blob', new Uint8Array(0), /0 bytes, shorter than the header/],
    ['a truncated blob', blob.subarray(0, blob.length - 1), /truncated/],
    ['half a blob', blob.subarray(0, blob.length / 2), /truncated/],
    ['a blob with bytes after its end', at(0, new Uint8Array([...blob, 0, 0, 0, 0])), /truncated/],
    [
      'another file',
      new TextEncoder().encode('#!/usr/bin/env node\n'.repeat(10)),
      /no token-table header/,
    ],
    ['another format version', withHeaderWord(1, 2), /format version 2, this program reads 1/],
    ['a table that is not a power of two', withHeaderWord(4, 1_000_000), /1000000 table slots/],
    ['a table too small for the ranks', withHeaderWord(4, 131_072), /131072 table slots/],
    ['a longest token beyond the bytes', withHeaderWord(6, 0xffffffff), /longest token/],
    ['sizes that disagree with the length', withHeaderWord(3, 100), /truncated/],
  ])('rejects %s with an error that says what is wrong', (_name, bytes, problem) => {
    expect(() => readTables(bytes)).toThrow(problem);
    expect(() => new TiktokenCounter(bytes)).toThrow(/Not usable token tables: .*npm run build/);
  });

  it('rejects a blob whose content changed anywhere after the header', () => {
    // One byte in each section: pattern, starts, ends, table, token bytes, and the last one.
    for (const index of [40, 100_000, 900_000, 2_000_000, 4_000_000, blob.length - 1]) {
      const copy = blob.slice();
      copy[index]! ^= 0x10;
      expect(() => readTables(copy), `byte ${index}`).toThrow(/checksum mismatch \(corrupt file\)/);
    }
  });
});
