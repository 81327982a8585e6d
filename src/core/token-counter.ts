import type { BaseMessage } from '@langchain/core/messages';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
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
 * Building them takes 0.1–0.3 s: create one counter and share it.
 *
 * Measured in bench/TOKENIZER.md: 13 µs for a 330-character message; 2–4 ms of CPU for
 * 4,000 characters of Chinese, Japanese or Thai, or for one 4,000-letter word. There is no cache:
 * every count is computed, so memory does not grow with what was counted.
 *
 * Special tokens (`<|endoftext|>`…) in user text count as the plain text they are, never as a
 * control token and never as an error.
 */
export class TiktokenCounter implements TokenCounter {
  private readonly encoder = new BytePairEncoder(o200kBase);

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
