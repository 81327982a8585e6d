import { createRequire } from 'node:module';
import type { BaseMessage } from '@langchain/core/messages';
import type { BpeRanks } from './bpe-tables.js';
import { BytePairEncoder } from './byte-pair-encoder.js';

/** Counts tokens offline. Counts decide the window, the summary cap and the hard cap. */
export interface TokenCounter {
  countText(text: string): number;
  /** Tokens a message costs in a chat prompt: its text plus the per-message framing. */
  countMessage(message: BaseMessage): number;
  /** The longest prefix of `text` that fits in `maxTokens`. */
  truncate(text: string, maxTokens: number): string;
}

/**
 * Framing tokens per chat message (role, separators), as OpenAI documents for its chat format.
 * Other models differ by a token or two; the budget is an estimate, not a bill.
 */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/**
 * tiktoken's `o200k_base` encoding (GPT-4o family), exact: the ranks are the ones js-tiktoken
 * bundles, so counting works without network; the byte-pair merge is our own `BytePairEncoder`,
 * O(n log n) where js-tiktoken's is quadratic, in 5 MB of tables where js-tiktoken's take 216 MB.
 *
 * Given `tables` (the blob of `o200kTables()`, which `npm run build` writes to
 * dist/core/o200k_base.bin), the counter uses them as views of the blob's bytes: +5 MiB of RSS,
 * 8–10 ms with reading the file. Without, it loads js-tiktoken's ranks module (whose 2.3 MB of
 * source then stays in memory) and builds them: +19 MiB, 0.1–0.3 s (bench/TOKENIZER.md). Either
 * way, create one counter and share it.
 *
 * Measured in bench/TOKENIZER.md: 13 µs for a 330-character message; 2–4 ms of CPU for
 * 4,000 characters of Chinese, Japanese or Thai, or for one 4,000-letter word. There is no cache:
 * every count is computed, so memory does not grow with what was counted.
 *
 * Special tokens (`<|endoftext|>`…) in user text count as the plain text they are, never as a
 * control token and never as an error.
 */
export class TiktokenCounter implements TokenCounter {
  private readonly encoder: BytePairEncoder;

  /** Throws a `TypeError` saying what is wrong when `tables` are truncated or corrupt. */
  constructor(tables?: Uint8Array) {
    this.encoder = tables
      ? BytePairEncoder.fromBinary(tables)
      : BytePairEncoder.fromRanks(o200kRanks());
  }

  countText(text: string): number {
    return this.encoder.count(text);
  }

  countMessage(message: BaseMessage): number {
    return this.countText(message.text) + MESSAGE_OVERHEAD_TOKENS;
  }

  truncate(text: string, maxTokens: number): string {
    return this.encoder.prefix(text, maxTokens);
  }
}

/** The `o200k_base` tables as one binary blob (5.4 MB), for `new TiktokenCounter(tables)`. */
export function o200kTables(): Uint8Array {
  return BytePairEncoder.fromRanks(o200kRanks()).serialize();
}

/**
 * js-tiktoken's `o200k_base` ranks, loaded on first call only (not a static import): a process
 * given the tables never holds the module's source. Its exports map sends `require` to a .cjs file.
 */
function o200kRanks(): BpeRanks {
  return createRequire(import.meta.url)('js-tiktoken/ranks/o200k_base') as BpeRanks;
}
