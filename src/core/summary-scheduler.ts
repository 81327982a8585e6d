import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Logger } from 'pino';
import { FactsOutputError, extractFacts } from './fact-extractor.js';
import { byRecency } from './facts-prompt.js';
import type { MemoryStore, SessionMemory, StoredEntry } from './memory-port.js';
import type { ModelCallPolicy } from './model-call.js';
import { planFold, summarize, type FoldPlan } from './summarizer.js';
import type { TokenCounter } from './token-counter.js';
import type { ConversationEvents } from './turn-report.js';
import type { SessionRef, TokenUsage } from './types.js';
import { tokensOf, usageDay, type UsageCharge } from './usage.js';

export interface SummarySettings {
  /** Token budget of the verbatim history (`MEMORY_WINDOW_TOKENS`): over it, a fold runs. */
  readonly windowTokens: number;
  /** Cap of the running summary (`SUMMARY_MAX_TOKENS`). */
  readonly summaryMaxTokens: number;
  /**
   * Summaries (model calls) running at once in this process (`SUMMARY_CONCURRENCY`). Default 2:
   * summaries are background work and must not take the endpoint's capacity from answers.
   */
  readonly concurrency?: number;
  readonly policy: ModelCallPolicy;
  /**
   * Learn facts about the person from the turns being folded (`MEMORY_FACTS`), in the same job
   * and slot as the summary, after it: one extraction call per fold, never one per turn, and
   * never two calls of one job at once, so `concurrency` still bounds the calls. Default false.
   */
  readonly learnFacts?: boolean;
}

/**
 * Folds the oldest turns of a session into its summary, off the reply's path: at most one fold per
 * session at a time and `concurrency` in all; the others wait their turn. A failure keeps the
 * messages, so the next turn over the window tries again. With `learnFacts`, the same job reads
 * the folded turns for facts about the person (unless they turned learning off) once their
 * summary is committed; a failed extraction changes nothing. Turns whose fold failed are read for
 * facts with the fold that takes them later.
 */
export class SummaryScheduler {
  private readonly running = new Map<string, Promise<void>>();
  private readonly waiting: Array<() => void> = [];
  private active = 0;

  constructor(
    private readonly deps: {
      readonly store: MemoryStore;
      readonly model: BaseChatModel;
      /** Model of fact extraction. Default: `model`. */
      readonly factsModel?: BaseChatModel;
      readonly tokens: TokenCounter;
      readonly log: Logger;
      readonly events: ConversationEvents;
      readonly signal: AbortSignal;
      readonly settings: SummarySettings;
      /** Clock (ms) of the usage day the calls are counted on. Default `Date.now`. */
      readonly now?: () => number;
    },
  ) {}

  /** Sessions with a fold scheduled or running. */
  get size(): number {
    return this.running.size;
  }

  /** Schedules a fold of the session unless one is already scheduled; never throws. */
  schedule(session: SessionRef): void {
    if (this.running.has(session.id) || this.deps.signal.aborted) return;
    // Starts after the caller has the answer (next macrotask): a summary never delays a reply.
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.slot())
      .then(() => this.foldOnce(session).finally(() => this.free()))
      .catch((error: unknown) => {
        this.deps.events.summaryFailed?.(session, error);
        this.deps.log.warn({ err: error, session: session.id }, 'summary failed; will retry later');
      })
      .finally(() => this.running.delete(session.id));
    this.running.set(session.id, run);
  }

  /** Resolves when the folds scheduled so far have settled. */
  async idle(): Promise<void> {
    await Promise.all(this.running.values());
  }

  /** A call's tokens on today's counters (the person's: sessions belong to one person). */
  private charge(usage: TokenUsage): UsageCharge {
    return { day: usageDay((this.deps.now ?? Date.now)()), tokens: tokensOf(usage) };
  }

  private slot(): Promise<void> {
    const limit = this.deps.settings.concurrency ?? 2;
    if (this.active < limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private free(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }

  private async foldOnce(session: SessionRef): Promise<void> {
    const { store, settings, signal } = this.deps;
    if (signal.aborted) return;
    const memory = await store.load(session);
    const plan = planFold(memory.entries, settings.windowTokens);
    if (!plan) return;
    const committed = await this.fold(session, memory, plan);
    if (committed && settings.learnFacts && memory.factLearning && !signal.aborted) {
      await this.learnFacts(session, memory, plan.entries);
    }
  }

  /** Summarises the plan's turns and commits the fold; true when it was committed. */
  private async fold(session: SessionRef, memory: SessionMemory, plan: FoldPlan): Promise<boolean> {
    const { store, settings, tokens, signal } = this.deps;
    const result = await summarize({
      model: this.deps.model,
      previousSummary: memory.summary,
      entries: plan.entries,
      maxTokens: settings.summaryMaxTokens,
      tokens,
      policy: settings.policy,
      signal,
    });
    const committed = await store.commitSummary(session, {
      expect: memory.generations,
      firstId: plan.firstId,
      count: plan.count,
      summary: result.summary,
      summaryTokens: result.tokens,
      usage: this.charge(result.usage),
    });
    if (committed) this.deps.events.summaryCommitted?.(session, plan.count, result.usage);
    this.deps.log.debug({ session: session.id, folded: plan.count, committed }, 'summary');
    return committed;
  }

  /** Extracts facts from the folded turns and applies them; never throws. */
  private async learnFacts(
    session: SessionRef,
    memory: SessionMemory,
    entries: readonly StoredEntry[],
  ): Promise<void> {
    const { store, tokens, signal, settings, events, log } = this.deps;
    try {
      const extraction = await extractFacts({
        model: this.deps.factsModel ?? this.deps.model,
        known: byRecency(memory.facts),
        entries,
        tokens,
        policy: settings.policy,
        signal,
      });
      const applied = await store.applyFacts(session, {
        ...extraction.changes,
        expect: memory.generations,
        at: Date.now(),
        usage: this.charge(extraction.usage),
      });
      events.factsLearned?.(session, extraction.usage, applied);
      log.debug({ session: session.id, ...applied }, 'facts');
    } catch (error) {
      const usage = error instanceof FactsOutputError ? error.usage : undefined;
      events.factsFailed?.(session, error, usage);
      // An answer that did not parse still cost its tokens; nothing else writes them.
      if (usage) {
        await store.addUsage(session, this.charge(usage)).catch((failure: unknown) => {
          log.debug({ err: failure, session: session.id }, 'usage of a failed extraction lost');
        });
      }
      log.warn(
        { err: error, session: session.id },
        'fact extraction failed; next fold tries again',
      );
    }
  }
}
