import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTables, writeTables } from '../src/core/bpe-tables.js';
import { TOKEN_TABLES_FILE, createTokenCounter } from '../src/token-tables.js';

const dir = mkdtempSync(join(tmpdir(), 'token-tables-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Tables of a toy encoding whose tokens are the 256 single bytes and nothing longer: a counter
 * that reads them counts one token per UTF-8 byte, where `o200k_base` (the fallback) counts
 * `hello world` as 2. So the count tells which tables the counter was given.
 */
const byteTables = writeTables(
  buildTables({
    pat_str: '\\S+|\\s+',
    bpe_ranks: `! 0 ${Array.from({ length: 256 }, (_, b) => btoa(String.fromCharCode(b))).join(' ')}`,
  }),
);

/** A logger whose lines the test reads back, as JSON objects. */
function capturingLogger() {
  const lines: Array<{ level: number; msg: string; err?: { message: string } }> = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => lines.push(JSON.parse(line)) },
  );
  return { logger, warnings: () => lines.filter((line) => line.level === 40) };
}

describe('createTokenCounter', () => {
  it('reads the tables file when there is one', () => {
    const file = join(dir, 'o200k_base.bin');
    writeFileSync(file, byteTables);
    const { logger, warnings } = capturingLogger();
    const tokens = createTokenCounter(logger, file);
    expect(tokens.countText('hello world')).toBe(11);
    expect(tokens.truncate('hello world', 3)).toBe('hel');
    expect(warnings()).toEqual([]);
  });

  it('builds from the ranks, quietly, when there is no tables file (a run from src/)', () => {
    const { logger, warnings } = capturingLogger();
    const tokens = createTokenCounter(logger, join(dir, 'missing.bin'));
    expect(tokens.countText('hello world')).toBe(2);
    expect(warnings()).toEqual([]);
  });

  it.each([
    ['truncated', byteTables.subarray(0, byteTables.length - 4), /truncated/],
    ['corrupt', byteTables.map((byte, i) => (i === 100 ? byte ^ 1 : byte)), /checksum/],
    ['of another kind', new TextEncoder().encode('{"not": "tables"}'.repeat(4)), /header/],
  ])('builds from the ranks, with a warning, when the file is %s', (_name, bytes, problem) => {
    const file = join(dir, `bad-${_name}.bin`);
    writeFileSync(file, bytes);
    const { logger, warnings } = capturingLogger();
    const tokens = createTokenCounter(logger, file);
    expect(tokens.countText('hello world')).toBe(2);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.msg).toMatch(/token tables corrupt; building them from the ranks/);
    expect(warnings()[0]!.err?.message).toMatch(problem);
  });

  it('builds from the ranks, with a warning, when the file cannot be read', () => {
    const unreadable = join(dir, 'a-directory.bin');
    mkdirSync(unreadable);
    const { logger, warnings } = capturingLogger();
    expect(createTokenCounter(logger, unreadable).countText('hello world')).toBe(2);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.msg).toMatch(/token tables unreadable/);
  });

  it('looks for the file where the build writes it: core/o200k_base.bin next to the code', () => {
    const here = fileURLToPath(new URL('../src/', import.meta.url));
    expect(fileURLToPath(TOKEN_TABLES_FILE)).toBe(join(here, 'core', 'o200k_base.bin'));
  });
});
