import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConversationEvents } from '../core/conversation.js';
import type { TokenUsage } from '../core/types.js';

/**
 * Prometheus metrics (prom-client), on a registry of their own so several apps in one process
 * (tests) do not collide. Names follow Prometheus conventions; `chatmem_` prefixes ours.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly turns = new Counter({
    name: 'chatmem_turns_total',
    help: 'Turns by platform and outcome (answered, input_rejected, model_error, memory_unavailable, session_busy, rate_limited, budget_exceeded, aborted, error)',
    labelNames: ['platform', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly turnSeconds = new Histogram({
    name: 'chatmem_turn_duration_seconds',
    help: 'Time from receiving a turn to having its answer, model included',
    labelNames: ['platform'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
    registers: [this.registry],
  });
  readonly modelTokens = new Counter({
    name: 'chatmem_model_tokens_total',
    help: 'Tokens sent to (in) and received from (out) the chat model by purpose (chat, summary, facts)',
    labelNames: ['direction', 'purpose'] as const,
    registers: [this.registry],
  });
  readonly summaries = new Counter({
    name: 'chatmem_summaries_total',
    help: 'Summaries by result (committed, failed)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly factExtractions = new Counter({
    name: 'chatmem_fact_extractions_total',
    help: 'Fact extractions at summary folds by result (applied, stale, failed)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly redisErrors = new Counter({
    name: 'chatmem_redis_errors_total',
    help: 'Errors reported by the Redis client (connection losses, timeouts)',
    registers: [this.registry],
  });
  /** Read at every scrape; the app points it at the write buffer. */
  pendingWritesSource: () => number = () => 0;
  readonly pendingWrites: Gauge = new Gauge({
    name: 'chatmem_memory_writes_pending',
    help: 'Answered turns waiting to be written to memory (kept in process while Redis is unreachable)',
    registers: [this.registry],
    collect: (): void => this.pendingWrites.set(this.pendingWritesSource()),
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'chatmem_' });
  }

  /** The hooks that feed these metrics from the conversation core. */
  conversationEvents(): ConversationEvents {
    return {
      turnCompleted: (report) => {
        this.turns.inc({ platform: report.platform, outcome: report.outcome });
        if (report.outcome === 'answered') {
          this.turnSeconds.observe({ platform: report.platform }, report.durationMs / 1000);
        }
        if (report.usage) {
          this.modelTokens.inc({ direction: 'in', purpose: 'chat' }, report.usage.inputTokens);
          this.modelTokens.inc({ direction: 'out', purpose: 'chat' }, report.usage.outputTokens);
        }
      },
      summaryCommitted: (_session, _folded, usage) => {
        this.summaries.inc({ result: 'committed' });
        this.modelTokens.inc({ direction: 'in', purpose: 'summary' }, usage.inputTokens);
        this.modelTokens.inc({ direction: 'out', purpose: 'summary' }, usage.outputTokens);
      },
      summaryFailed: () => this.summaries.inc({ result: 'failed' }),
      factsLearned: (_session, usage, applied) => {
        this.factExtractions.inc({ result: applied.status });
        this.countTokens('facts', usage);
      },
      factsFailed: (_session, _error, usage) => {
        this.factExtractions.inc({ result: 'failed' });
        if (usage) this.countTokens('facts', usage);
      },
    };
  }

  private countTokens(purpose: string, usage: TokenUsage): void {
    this.modelTokens.inc({ direction: 'in', purpose }, usage.inputTokens);
    this.modelTokens.inc({ direction: 'out', purpose }, usage.outputTokens);
  }

  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
