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
 *
 * Counting splits text with the tokenizer's own pre-token pattern and caches the count of each
 * piece (a word with its leading space, mostly), which gives the same counts as encoding the whole
 * text: BPE works within pieces. js-tiktoken compiles its regexes and runs BPE again on every call,
 * about 1.5 µs a token; chat text repeats its words, so most pieces are cache hits.
 */
export class TiktokenCounter implements TokenCounter {
  private readonly encoder = new Tiktoken(o200kBase);
  private readonly pieces = new RegExp(o200kBase.pat_str, 'gu');
  private readonly counts = new Map<string, number>();

  /** @param maxCachedPieces Distinct pieces cached; when full the cache starts over. Default 100,000 (a few MB). */
  constructor(private readonly maxCachedPieces = 100_000) {}

  countText(text: string): number {
    if (text.length === 0) return 0;
    let total = 0;
    for (const match of text.matchAll(this.pieces)) {
      const piece = match[0];
      let count = this.counts.get(piece);
      if (count === undefined) {
        count = this.encodePiece(piece).length;
        if (this.counts.size >= this.maxCachedPieces) this.counts.clear();
        this.counts.set(piece, count);
      }
      total += count;
    }
    return total;
  }

  countMessage(message: BaseMessage): number {
    return this.countText(message.text) + MESSAGE_OVERHEAD_TOKENS;
  }

  truncate(text: string, maxTokens: number): string {
    const tokens: number[] = [];
    for (const match of text.matchAll(this.pieces)) {
      tokens.push(...this.encodePiece(match[0]));
      if (tokens.length > maxTokens) break;
    }
    if (tokens.length <= maxTokens) return text;
    return this.encoder.decode(tokens.slice(0, Math.max(0, maxTokens)));
  }

  /**
   * BPE is quadratic in the length of one piece: 4,000 characters without a space take seconds
   * (16,000 most of a minute), which would let one message stall every chat. Longer pieces are
   * encoded in slices of `LONG_RUN` characters; the count changes by a token or so per slice.
   *
   * Special tokens (`<|endoftext|>`…) in user text are encoded as the plain text they are: by
   * default js-tiktoken throws on them, which would let a user break the memory write.
   */
  private encodePiece(piece: string): number[] {
    if (piece.length <= LONG_RUN) return this.encoder.encode(piece, [], []);
    const tokens: number[] = [];
    for (let i = 0; i < piece.length; i += LONG_RUN) {
      tokens.push(...this.encoder.encode(piece.slice(i, i + LONG_RUN), [], []));
    }
    return tokens;
  }
}

const LONG_RUN = 64;
