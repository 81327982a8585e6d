import type { Logger } from 'pino';
import { cleanFactText } from './fact-extractor.js';
import { MAX_FACT_CHARS, newFactId, type Fact } from './facts.js';
import { memoryCall } from './memory-call.js';
import type { MemoryStore } from './memory-port.js';
import { assertSessionRef } from './session-id.js';
import type { TokenCounter } from './token-counter.js';
import type { SessionRef } from './types.js';
import { isBlank } from './untrusted-text.js';

export interface FactSettings {
  /** Facts are learned, kept and used (`MEMORY_FACTS`); false turns the feature off for everyone. */
  readonly enabled: boolean;
  /** Budget of the facts block in a prompt (`FACTS_MAX_TOKENS`). */
  readonly maxPromptTokens: number;
}

/** What `/remember <text>` came to. */
export type RememberResult =
  | { readonly status: 'added' | 'known'; readonly fact: Pick<Fact, 'id' | 'text'> }
  | { readonly status: 'disabled' | 'empty' }
  | { readonly status: 'too_long'; readonly limit: number };

/**
 * The person's own commands on their facts: `/remember <text>`, deleting one fact (a button of
 * `/memory`), `/remember off|on`. Store calls only, so they work while the model is down; a
 * store failure becomes a `MemoryUnavailableError`.
 */
export class FactMemory {
  constructor(
    private readonly deps: {
      readonly store: MemoryStore;
      readonly tokens: TokenCounter;
      readonly log: Logger;
      readonly settings?: FactSettings;
    },
  ) {}

  get enabled(): boolean {
    return this.deps.settings?.enabled ?? false;
  }

  /** Stores `text` as a fact learned in `session`, verbatim but for invisible characters. */
  async remember(session: SessionRef, text: string): Promise<RememberResult> {
    assertSessionRef(session);
    if (!this.enabled) return { status: 'disabled' };
    const clean = isBlank(text) ? '' : text.replace(/\s+/g, ' ').trim();
    if (!clean) return { status: 'empty' };
    if (Array.from(clean).length > MAX_FACT_CHARS) {
      return { status: 'too_long', limit: MAX_FACT_CHARS };
    }
    const factText = cleanFactText(clean);
    return this.call(async () => {
      const { store, tokens } = this.deps;
      const known = (await store.load(session)).facts.find(
        (fact) => fact.text.toLowerCase() === factText.toLowerCase(),
      );
      const at = Date.now();
      if (known) {
        await store.applyFacts(session, { at, confirm: [known.id] });
        return { status: 'known', fact: { id: known.id, text: known.text } };
      }
      const fact = { id: newFactId(), text: factText, tokens: tokens.countText(factText) };
      await store.applyFacts(session, { at, add: [fact] });
      return { status: 'added', fact: { id: fact.id, text: fact.text } };
    });
  }

  /** Deletes one fact if it is the person's and visible in `session`; false when it was not. */
  async delete(session: SessionRef, factId: string): Promise<boolean> {
    assertSessionRef(session);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(factId)) return false;
    const applied = await this.call(() =>
      this.deps.store.applyFacts(session, { at: Date.now(), remove: [factId] }),
    );
    return applied.removed > 0;
  }

  /** `/remember off` (false) and `/remember on` (true) for the person on that platform. */
  async setLearning(platform: string, userId: string, enabled: boolean): Promise<void> {
    await this.call(() => this.deps.store.setFactLearning(platform, userId, enabled));
  }

  private call<T>(work: () => Promise<T>): Promise<T> {
    return memoryCall(this.deps.log, work);
  }
}
