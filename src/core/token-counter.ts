import type { BaseMessage } from '@langchain/core/messages';
import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';

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
 * js-tiktoken with the `o200k_base` ranks (GPT-4o family) bundled in the package, so counting
 * works without network. Building the ranks takes about a second: create one and share it.
 */
export class TiktokenCounter implements TokenCounter {
  private readonly encoder = new Tiktoken(o200kBase);

  countText(text: string): number {
    return text.length === 0 ? 0 : this.encode(text).length;
  }

  countMessage(message: BaseMessage): number {
    return this.countText(message.text) + MESSAGE_OVERHEAD_TOKENS;
  }

  truncate(text: string, maxTokens: number): string {
    const tokens = this.encode(text);
    if (tokens.length <= maxTokens) return text;
    return this.encoder.decode(tokens.slice(0, Math.max(0, maxTokens)));
  }

  /**
   * BPE is quadratic in the length of one pre-token: 4,000 characters without a space take
   * seconds (16,000 take most of a minute), which would let one message stall every chat. Runs
   * of non-space characters are therefore encoded in slices of `LONG_RUN` characters; the count
   * changes by a token or so per slice, the cost becomes linear.
   *
   * Special tokens (`<|endoftext|>`…) in user text are counted as the plain text they are: by
   * default js-tiktoken throws on them, which would let a user break the memory write.
   */
  private encode(text: string): number[] {
    if (!LONG_RUN_PATTERN.test(text)) return this.encoder.encode(text, [], []);
    const tokens: number[] = [];
    let last = 0;
    for (const match of text.matchAll(LONG_RUN_GLOBAL)) {
      if (match.index > last)
        tokens.push(...this.encoder.encode(text.slice(last, match.index), [], []));
      for (let i = 0; i < match[0].length; i += LONG_RUN) {
        tokens.push(...this.encoder.encode(match[0].slice(i, i + LONG_RUN), [], []));
      }
      last = match.index + match[0].length;
    }
    if (last < text.length) tokens.push(...this.encoder.encode(text.slice(last), [], []));
    return tokens;
  }
}

const LONG_RUN = 64;
const LONG_RUN_PATTERN = new RegExp(`\\S{${LONG_RUN + 1},}`);
const LONG_RUN_GLOBAL = new RegExp(LONG_RUN_PATTERN.source, 'g');
