import { ChatOpenAI } from '@langchain/openai';
import { HumanMessage } from '@langchain/core/messages';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelError } from '../../src/core/errors.js';
import { callModel, classifyModelError } from '../../src/core/model-call.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../doubles/fake-openai-server.js';
import { tokens } from '../support/core.js';

/** The real ChatOpenAI, configured as main.ts does, against the local OpenAI double. */
describe('callModel with ChatOpenAI against the fake OpenAI server', () => {
  let server: FakeOpenAIServer;
  let model: ChatOpenAI;
  const prompt = [new HumanMessage('hello')];
  const policy = { timeoutMs: 3000, maxRetries: 2, baseDelayMs: 20 };

  beforeAll(async () => {
    server = await startFakeOpenAIServer();
    model = new ChatOpenAI({
      model: 'gpt-4o-mini',
      apiKey: 'test-key',
      configuration: { baseURL: server.baseURL },
      maxRetries: 0,
      streamUsage: true,
    });
  });
  beforeEach(() => server.reset());
  afterAll(() => server.close());

  it('returns the answer and the usage the endpoint reports', async () => {
    server.enqueue({ text: 'hi there', usage: { prompt_tokens: 11, completion_tokens: 3 } });
    const answer = await callModel(model, prompt, policy, { tokens });
    expect(answer).toEqual({ text: 'hi there', usage: { inputTokens: 11, outputTokens: 3 } });
  });

  it('streams deltas in order', async () => {
    server.enqueue({ text: 'one two three', chunks: ['one ', 'two ', 'three'] });
    const deltas: string[] = [];
    const answer = await callModel(model, prompt, policy, {
      tokens,
      onDelta: (d) => deltas.push(d),
    });
    expect(deltas).toEqual(['one ', 'two ', 'three']);
    expect(answer.text).toBe('one two three');
  });

  it('retries a 429 without Retry-After, and a 503, then succeeds', async () => {
    server.enqueue({ status: 429 }, { status: 503 }, { text: 'finally' });
    await expect(callModel(model, prompt, policy, { tokens })).resolves.toMatchObject({
      text: 'finally',
    });
    expect(server.requests).toHaveLength(3);
  });

  it('honours Retry-After when it fits the budget', async () => {
    server.enqueue({ status: 429, headers: { 'retry-after': '1' } }, { text: 'ok' });
    const start = Date.now();
    await callModel(model, prompt, policy, { tokens });
    expect(Date.now() - start).toBeGreaterThanOrEqual(950);
  });

  it('gives up with a typed error when retries run out', async () => {
    server.setHandler(() => ({ status: 500 }));
    const error = await callModel(model, prompt, policy, { tokens }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ kind: 'unavailable', status: 500 });
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a wrong key, and says it is unavailable rather than blaming the user', async () => {
    server.enqueue({ status: 401 });
    await expect(callModel(model, prompt, policy, { tokens })).rejects.toMatchObject({
      kind: 'unavailable',
      status: 401,
      retryable: false,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a request the endpoint rejects', async () => {
    server.enqueue({ status: 400 });
    await expect(callModel(model, prompt, policy, { tokens })).rejects.toMatchObject({
      kind: 'rejected',
      status: 400,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('answers within the time budget when the endpoint hangs, retries included', async () => {
    server.setHandler(() => ({ hang: true }));
    const start = Date.now();
    await expect(
      callModel(model, prompt, { ...policy, timeoutMs: 800 }, { tokens }),
    ).rejects.toMatchObject({
      kind: 'timeout',
    });
    expect(Date.now() - start).toBeLessThan(1500);
  });

  it('times out a stream that stalls after it started, without retrying it', async () => {
    server.setHandler(() => ({
      text: 'slow answer here',
      chunks: ['slow ', 'answer ', 'here'],
      chunkDelayMs: 600,
    }));
    const deltas: string[] = [];
    await expect(
      callModel(
        model,
        prompt,
        { ...policy, timeoutMs: 900 },
        { tokens, onDelta: (d) => deltas.push(d) },
      ),
    ).rejects.toMatchObject({ kind: 'timeout' });
    expect(deltas.length).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(1);
  });

  it('reports a connection that drops as unavailable', async () => {
    server.setHandler(() => ({ dropConnection: true }));
    await expect(
      callModel(model, prompt, { ...policy, maxRetries: 1 }, { tokens }),
    ).rejects.toMatchObject({
      kind: 'unavailable',
    });
    expect(server.requests).toHaveLength(2);
  });

  it('refuses an empty answer', async () => {
    server.enqueue({ text: '' });
    await expect(
      callModel(model, prompt, { ...policy, maxRetries: 0 }, { tokens }),
    ).rejects.toMatchObject({
      kind: 'empty',
    });
  });
});

describe('classifyModelError', () => {
  it.each([
    [{ status: 429 }, 'rate_limited'],
    [{ status: 502 }, 'unavailable'],
    [{ status: 401 }, 'unavailable'],
    [{ status: 400 }, 'rejected'],
    [{ name: 'TimeoutError' }, 'timeout'],
    [new TypeError('fetch failed'), 'unavailable'],
    ['a string', 'unavailable'],
  ])('%o → %s', (error, kind) => {
    expect(classifyModelError(error).kind).toBe(kind);
  });
});

describe('callModel usage', () => {
  it('counts the usage locally when the endpoint reports none', async () => {
    const { FakeListChatModel } = await import('@langchain/core/utils/testing');
    const model = new FakeListChatModel({ responses: ['four words of answer'] });
    const prompt = [new HumanMessage('a question')];
    const answer = await callModel(model, prompt, { timeoutMs: 2000, maxRetries: 0 }, { tokens });
    expect(answer.usage.outputTokens).toBe(tokens.countText('four words of answer'));
    expect(answer.usage.inputTokens).toBe(tokens.countMessage(prompt[0]!));
  });
});
