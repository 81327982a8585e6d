import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../src/core/errors.js';
import { LocalRateLimiter } from '../../src/core/local-rate-limiter.js';
import { telegramSession } from '../../src/core/session-id.js';
import { InMemoryMemoryStore } from '../../src/memory/in-memory-store.js';
import { makeService } from '../support/core.js';
import { ScriptedChatModel } from '../support/scripted-chat-model.js';

const ann = telegramSession({ chatId: 1, userId: 1 });
const bob = telegramSession({ chatId: 2, userId: 2 });
const policy = { ttlSeconds: 3600, maxTokens: 100_000, maxMessages: 1000 };

describe('rate limit while memory is unreachable', () => {
  it('keeps the limit in process: 30 messages at 3 per minute make 3 model calls', async () => {
    const store = new InMemoryMemoryStore(policy);
    const down = Object.assign(Object.create(store) as InMemoryMemoryStore, {
      load: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
      appendTurn: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
    });
    const model = new ScriptedChatModel(() => 'ok');
    const service = makeService({ store: down, chatModel: model, settings: { ratePerMinute: 3 } });
    const outcomes = [];
    for (let i = 0; i < 30; i++) {
      outcomes.push(
        await service.reply({ session: ann, text: `message ${i}` }).then(
          () => 'answered',
          (error: unknown) => (error instanceof RateLimitedError ? 'limited' : String(error)),
        ),
      );
    }
    expect(outcomes.filter((o) => o === 'answered')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'limited')).toHaveLength(27);
    expect(model.prompts).toHaveLength(3);
    // Another person has a window of their own.
    await expect(service.reply({ session: bob, text: 'hi' })).resolves.toMatchObject({
      text: 'ok',
    });
    await service.close(100);
  });

  it('counts the turns the store allowed, so an outage mid-window does not reset the count', async () => {
    const store = new InMemoryMemoryStore(policy);
    const model = new ScriptedChatModel(() => 'ok');
    let broken = false;
    const flaky = Object.assign(Object.create(store) as InMemoryMemoryStore, {
      load: (...args: Parameters<InMemoryMemoryStore['load']>) =>
        broken ? Promise.reject(new Error('ETIMEDOUT')) : store.load(...args),
    });
    const service = makeService({ store: flaky, chatModel: model, settings: { ratePerMinute: 3 } });
    await service.reply({ session: ann, text: 'one' });
    await service.reply({ session: ann, text: 'two' });
    broken = true;
    await service.reply({ session: ann, text: 'three' });
    await expect(service.reply({ session: ann, text: 'four' })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    await service.close(100);
  });
});

describe('LocalRateLimiter', () => {
  it('refuses past the limit until the window ends, then allows again', () => {
    const limiter = new LocalRateLimiter(2, 1000);
    expect(limiter.take('a', 0)).toBeUndefined();
    expect(limiter.take('a', 10)).toBeUndefined();
    expect(limiter.take('a', 400)).toBe(600);
    expect(limiter.take('a', 1000)).toBeUndefined();
  });

  it('stays bounded under a flood of distinct users', () => {
    const limiter = new LocalRateLimiter(1, 60_000);
    for (let i = 0; i < 50_000; i++) limiter.take(`user${i}`, i);
    const size = (limiter as unknown as { windows: Map<string, unknown> }).windows.size;
    expect(size).toBeLessThanOrEqual(10_000);
  });

  it('a limit of 0 refuses nothing', () => {
    const limiter = new LocalRateLimiter(0, 1000);
    for (let i = 0; i < 100; i++) expect(limiter.take('a', i)).toBeUndefined();
  });
});
