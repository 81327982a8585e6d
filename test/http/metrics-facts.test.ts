import { describe, expect, it } from 'vitest';
import { telegramSession } from '../../src/core/session-id.js';
import { Metrics } from '../../src/http/metrics.js';

describe('metrics of fact extraction', () => {
  it('counts extractions by result and their tokens under purpose="facts", failed ones too', async () => {
    const metrics = new Metrics();
    const events = metrics.conversationEvents();
    const session = telegramSession({ chatId: 1, userId: 1 });
    const applied = { status: 'applied', added: 1, updated: 0, removed: 0, evicted: 0 } as const;
    events.factsLearned!(session, { inputTokens: 300, outputTokens: 20 }, applied);
    events.factsFailed!(session, new Error('did not parse'), { inputTokens: 100, outputTokens: 5 });
    events.factsFailed!(session, new Error('timeout'));
    const { body } = await metrics.render();
    expect(body).toContain('chatmem_fact_extractions_total{result="applied"} 1');
    expect(body).toContain('chatmem_fact_extractions_total{result="failed"} 2');
    expect(body).toContain('chatmem_model_tokens_total{direction="in",purpose="facts"} 400');
    expect(body).toContain('chatmem_model_tokens_total{direction="out",purpose="facts"} 25');
  });
});
