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
    return text.length === 0 ? 0 : this.encoder.encode(text).length;
  }

  countMessage(message: BaseMessage): number {
    return this.countText(message.text) + MESSAGE_OVERHEAD_TOKENS;
  }

  truncate(text: string, maxTokens: number): string {
    const tokens = this.encoder.encode(text);
    if (tokens.length <= maxTokens) return text;
    return this.encoder.decode(tokens.slice(0, Math.max(0, maxTokens)));
  }
}
