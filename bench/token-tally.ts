import type { BaseMessage } from '@langchain/core/messages';
import { MESSAGE_OVERHEAD_TOKENS, type TokenCounter } from '../src/core/token-counter.js';

/**
 * The project's counts, remembered by text: the bench counts what the models received, and the
 * same history messages come back in prompt after prompt.
 */
export class MemoizedCounter {
  private readonly texts = new Map<string, number>();

  constructor(private readonly counter: TokenCounter) {}

  countText(text: string): number {
    let count = this.texts.get(text);
    if (count === undefined) {
      count = this.counter.countText(text);
      this.texts.set(text, count);
    }
    return count;
  }

  /** As `TokenCounter.countMessage`: the text plus the per-message framing. */
  countMessage(message: BaseMessage): number {
    const text = typeof message.content === 'string' ? message.content : message.text;
    return this.countText(text) + MESSAGE_OVERHEAD_TOKENS;
  }

  countPrompt(prompt: readonly BaseMessage[]): number {
    let total = 0;
    for (const message of prompt) total += this.countMessage(message);
    return total;
  }
}
