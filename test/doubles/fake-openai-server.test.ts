import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { AIMessageChunk } from '@langchain/core/messages';
import { ChatOpenAI, OpenAIClient } from '@langchain/openai';
import type { ChatOpenAIFields } from '@langchain/openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lastUserText, startFakeOpenAIServer } from './fake-openai-server.js';
import type { ChatCompletionRequestBody, FakeOpenAIServer } from './fake-openai-server.js';

/*
 * How ChatOpenAI (@langchain/openai 1.5, openai 6.x, @langchain/core 1.4) surfaces failures — what
 * these tests pin down, so callers can rely on it:
 *
 * - HTTP errors are the openai SDK's classes, rethrown unwrapped: `InternalServerError` (>= 500),
 *   `RateLimitError` (429), `BadRequestError` (400), `AuthenticationError` (401), `NotFoundError`
 *   (404)…, all subclasses of `APIError`. Reach them without depending on `openai` directly via
 *   `OpenAIClient.APIError` etc. from '@langchain/openai'. Rely on `error.status` (number), plus
 *   `error.code` / `error.type` (from the body's `error` object) and `error.headers` (a `Headers`).
 *   `error.name` is 'Error' (the SDK sets none) — except a 429 without retry hint, renamed below.
 * - LangChain mutates some in place: 401 → `lc_error_code: 'MODEL_AUTHENTICATION'`, 429 →
 *   'MODEL_RATE_LIMIT', 404 → 'MODEL_NOT_FOUND', and a "Troubleshooting URL" appended to `message`.
 * - Retries are LangChain's (AsyncCaller + p-retry), not the SDK's: ChatOpenAI builds the SDK
 *   client with `maxRetries: 0`, so `retry-after-ms` is ignored. The first retry waits 1–2 s (min 1 s,
 *   randomised); `retry-after` can only lengthen that. 400/401/403/404/409/413 are never retried;
 *   a 429 WITHOUT a hint (`retry-after` header, or "try again in 20s" in the message), or with one
 *   over 60 s, is not retried either: it is thrown at once, renamed 'RateLimitCapacityError' with
 *   `rateLimitType: 'capacity'`. 5xx, timeouts and dropped connections are retried.
 * - The constructor's `timeout` (ms) is the SDK's and covers only the time until response headers
 *   arrive. It rejects with a plain `Error` named 'TimeoutError' (message 'Request timed out.'), no
 *   `status`. Once a stream has started nothing times out: only an AbortSignal stops it — the
 *   `signal` call option, or the `timeout` call option that LangChain turns into
 *   `AbortSignal.timeout`; the stream then rejects with the signal's reason (a DOMException named
 *   'TimeoutError'). An aborted invoke rejects with an `Error` named 'AbortError'.
 * - A dropped connection rejects with the SDK's `APIConnectionError` ('Connection error.', no
 *   `status`, `cause` the fetch TypeError).
 */

/** ChatOpenAI pointed at the fake; no retries and a short timeout unless a test says otherwise. */
function chatModel(server: FakeOpenAIServer, fields: Partial<ChatOpenAIFields> = {}): ChatOpenAI {
  return new ChatOpenAI({
    model: 'gpt-4o-mini',
    apiKey: 'test-key',
    configuration: { baseURL: server.baseURL },
    maxRetries: 0,
    timeout: 5_000,
    ...fields,
  });
}

/** The rejection reason of `promise`; fails the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

function asAPIError(error: unknown): InstanceType<typeof OpenAIClient.APIError> {
  expect(error).toBeInstanceOf(OpenAIClient.APIError);
  return error as InstanceType<typeof OpenAIClient.APIError>;
}

/** Parses an SSE body into the JSON payloads of its `data:` events; `[DONE]` stays a string. */
function sseEvents(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((block) => block.length > 0)
    .map((block) => {
      expect(block.startsWith('data: ')).toBe(true);
      const data = block.slice('data: '.length);
      return data === '[DONE]' ? data : (JSON.parse(data) as unknown);
    });
}

function postChat(server: FakeOpenAIServer, body: unknown): Promise<Response> {
  return fetch(`${server.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer raw' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('fake OpenAI server driven by the real ChatOpenAI', () => {
  let server: FakeOpenAIServer;

  beforeAll(async () => {
    server = await startFakeOpenAIServer();
  });
  afterEach(() => {
    server.reset();
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers invoke with the echo and records messages and the Authorization header', async () => {
    const reply = await chatModel(server).invoke([
      new SystemMessage('be brief'),
      new HumanMessage('hello there'),
    ]);

    expect(reply.content).toBe('echo: hello there');
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer test-key');
    expect(request?.body?.model).toBe('gpt-4o-mini');
    expect(request?.body?.stream).toBe(false);
    expect(request?.body?.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hello there' },
    ]);
  });

  it('reports usage to LangChain on invoke: the given one, or an estimate of characters / 4', async () => {
    server.enqueue({ text: 'fixed', usage: { prompt_tokens: 11, completion_tokens: 7 } });
    const given = await chatModel(server).invoke('anything');
    expect(given.content).toBe('fixed');
    expect(given.usage_metadata).toMatchObject({
      input_tokens: 11,
      output_tokens: 7,
      total_tokens: 18,
    });

    // Prompt 'hello' (5 chars) → 2 tokens; completion 'echo: hello' (11 chars) → 3 tokens.
    const estimated = await chatModel(server).invoke('hello');
    expect(estimated.usage_metadata).toMatchObject({
      input_tokens: 2,
      output_tokens: 3,
      total_tokens: 5,
    });
  });

  it('streams several chunks that arrive separately and concatenate to the full text', async () => {
    const pieces = ['The quick ', 'brown fox ', 'jumps over ', 'the lazy dog'];
    const chunkDelayMs = 80;
    server.enqueue({ text: pieces.join(''), chunks: pieces, chunkDelayMs });

    const started = Date.now();
    const received: { text: string; at: number }[] = [];
    for await (const chunk of await chatModel(server).stream('go')) {
      if (typeof chunk.content === 'string' && chunk.content.length > 0)
        received.push({ text: chunk.content, at: Date.now() - started });
    }

    expect(received.map((r) => r.text)).toEqual(pieces);
    // The server cannot send piece i before (i + 1) * chunkDelayMs; a client that buffered the
    // whole stream would see all pieces at once, so the first and last must be far apart.
    received.forEach((r, i) => expect(r.at).toBeGreaterThanOrEqual((i + 1) * chunkDelayMs - 5));
    const spread = (received.at(-1)?.at ?? 0) - (received[0]?.at ?? 0);
    expect(spread).toBeGreaterThanOrEqual(chunkDelayMs * 1.5);
    expect(server.requests[0]?.body?.stream).toBe(true);
  });

  it('splits a streamed text into pieces of 8 characters by default', async () => {
    const text = 'abcdefghijklmnopqrstuvwxyz';
    server.enqueue({ text });
    const contents: string[] = [];
    for await (const chunk of await chatModel(server).stream('go')) {
      if (typeof chunk.content === 'string' && chunk.content.length > 0)
        contents.push(chunk.content);
    }
    expect(contents).toEqual(['abcdefgh', 'ijklmnop', 'qrstuvwx', 'yz']);
  });

  it('reports usage on .stream(): ChatOpenAI sends stream_options.include_usage and reads the last chunk', async () => {
    server.enqueue({ text: 'streamed reply', usage: { prompt_tokens: 5, completion_tokens: 9 } });
    let aggregate: AIMessageChunk | undefined;
    for await (const chunk of await chatModel(server).stream('go'))
      aggregate = aggregate ? aggregate.concat(chunk) : chunk;

    expect(server.requests[0]?.body?.stream_options).toEqual({ include_usage: true });
    expect(aggregate?.content).toBe('streamed reply');
    expect(aggregate?.usage_metadata).toMatchObject({
      input_tokens: 5,
      output_tokens: 9,
      total_tokens: 14,
    });
  });

  it('sends no usage chunk when the client does not ask for it (streamUsage: false)', async () => {
    let aggregate: AIMessageChunk | undefined;
    for await (const chunk of await chatModel(server, { streamUsage: false }).stream('quiet')) {
      aggregate = aggregate ? aggregate.concat(chunk) : chunk;
    }
    expect(server.requests[0]?.body?.stream_options).toBeUndefined();
    expect(aggregate?.content).toBe('echo: quiet');
    expect(aggregate?.usage_metadata).toBeUndefined();
  });

  it('lets ChatOpenAI retry a one-shot 429 with retry-after: 0 and succeed', async () => {
    server.enqueue({ status: 429, headers: { 'retry-after': '0' } });
    const reply = await chatModel(server, { maxRetries: 1 }).invoke('again');

    expect(reply.content).toBe('echo: again');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.headers.authorization).toBe('Bearer test-key');
  });

  it('gets a 429 without retry-after thrown at once, even with retries left (LangChain 1.4 behaviour)', async () => {
    server.enqueue({ status: 429 });
    const error = asAPIError(await rejectionOf(chatModel(server, { maxRetries: 2 }).invoke('x')));

    expect(error).toBeInstanceOf(OpenAIClient.RateLimitError);
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.name).toBe('RateLimitCapacityError');
    expect(error).toHaveProperty('lc_error_code', 'MODEL_RATE_LIMIT');
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a 500 with maxRetries 0 with the SDK InternalServerError carrying status 500', async () => {
    server.enqueue({ status: 500 });
    const error = asAPIError(await rejectionOf(chatModel(server).invoke('x')));

    // Callers rely on `status` (a number) on an APIError: the SDK's class, not wrapped by LangChain.
    expect(error).toBeInstanceOf(OpenAIClient.InternalServerError);
    expect(error.status).toBe(500);
    expect(error.type).toBe('server_error');
    expect(error.message).toBe('500 The server had an error while processing your request.');
    expect(error).not.toHaveProperty('lc_error_code');
    expect(server.requests).toHaveLength(1);
  });

  it('passes a custom error body and headers through to the SDK error', async () => {
    server.enqueue({
      status: 503,
      body: { error: { message: 'overloaded', type: 'server_error', code: 'busy' } },
      headers: { 'x-fake': 'yes' },
    });
    const error = asAPIError(await rejectionOf(chatModel(server).invoke('x')));

    expect(error.status).toBe(503);
    expect(error.message).toBe('503 overloaded');
    expect(error.code).toBe('busy');
    expect(error.headers?.get('x-fake')).toBe('yes');
  });

  it('gets a 400 never retried, whatever maxRetries says', async () => {
    server.enqueue({ status: 400 });
    const error = asAPIError(await rejectionOf(chatModel(server, { maxRetries: 3 }).invoke('x')));

    expect(error).toBeInstanceOf(OpenAIClient.BadRequestError);
    expect(error.status).toBe(400);
    expect(server.requests).toHaveLength(1);
  });

  it('times out a hanging request (timeout: 300) within 2 s with an Error named TimeoutError', async () => {
    server.enqueue({ hang: true });
    const started = Date.now();
    const error = await rejectionOf(chatModel(server, { timeout: 300 }).invoke('x'));
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'TimeoutError', message: 'Request timed out.' });
    expect(error).not.toHaveProperty('status');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });

  it('counts delayMs against the timeout, because it delays the response headers', async () => {
    server.enqueue({ text: 'late', delayMs: 1_000 });
    const error = await rejectionOf(chatModel(server, { timeout: 300 }).invoke('x'));
    expect(error).toMatchObject({ name: 'TimeoutError' });
  });

  it('does not time out a slow stream once headers are sent; an AbortSignal stops it', async () => {
    server.enqueue({ text: 'abcd', chunks: ['ab', 'cd'], chunkDelayMs: 400 });
    let text = '';
    for await (const chunk of await chatModel(server, { timeout: 300 }).stream('x'))
      text += String(chunk.content);
    expect(text).toBe('abcd');

    server.enqueue({ text: 'abcdef', chunks: ['ab', 'cd', 'ef'], chunkDelayMs: 1_000 });
    const seen: string[] = [];
    const started = Date.now();
    const consume = async (): Promise<void> => {
      const stream = await chatModel(server, { timeout: 300 }).stream('x', {
        signal: AbortSignal.timeout(1_500),
      });
      for await (const chunk of stream) if (chunk.content !== '') seen.push(String(chunk.content));
    };
    await rejectionOf(consume());
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(seen).toEqual(['ab']);
  });

  it('rejects when the server drops the connection, with the SDK APIConnectionError', async () => {
    server.enqueue({ dropConnection: true });
    const error = asAPIError(await rejectionOf(chatModel(server).invoke('x')));

    expect(error).toBeInstanceOf(OpenAIClient.APIConnectionError);
    expect(error.status).toBeUndefined();
    expect(error.message).toBe('Connection error.');
    expect(server.requests).toHaveLength(1);
  });

  it('uses the queue before the handler and passes the request index to the handler', async () => {
    server.setHandler((body, index) => ({ text: `#${index} ${lastUserText(body)}` }));
    server.enqueue({ text: 'queued' });
    const model = chatModel(server);

    expect((await model.invoke('a')).content).toBe('queued');
    expect((await model.invoke('b')).content).toBe('#1 b');
    server.reset();
    expect(server.requests).toHaveLength(0);
    expect((await model.invoke('c')).content).toBe('echo: c');
  });

  it('answers 500 in the OpenAI error shape when the handler throws', async () => {
    server.setHandler(() => {
      throw new Error('handler bug');
    });
    const error = asAPIError(await rejectionOf(chatModel(server).invoke('x')));
    expect(error.status).toBe(500);
    expect(error.message).toContain('handler bug');
  });
});

describe('fake OpenAI server on the wire', () => {
  let server: FakeOpenAIServer;

  beforeAll(async () => {
    server = await startFakeOpenAIServer();
  });
  afterEach(() => {
    server.reset();
  });
  afterAll(async () => {
    await server.close();
  });

  it('returns a chat.completion object for a non-streaming request, also without the /v1 prefix', async () => {
    const body: ChatCompletionRequestBody = {
      model: 'some-model',
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'reply' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'part one' },
            { type: 'image_url', image_url: { url: 'x' } },
            { type: 'text', text: 'part two' },
          ],
        },
      ],
    };
    const response = await fetch(server.baseURL.replace(/\/v1$/, '/chat/completions'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const completion: unknown = await response.json();
    const text = 'echo: part one\npart two';
    expect(completion).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'some-model',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      // 'first' + 'reply' + 'part one\npart two' = 27 characters → 7 tokens; the reply is 23 → 6.
      usage: { prompt_tokens: 7, completion_tokens: 6, total_tokens: 13 },
    });
    expect(server.requests[0]?.path).toBe('/chat/completions');
  });

  it('streams role, content deltas, finish_reason, the usage chunk only when asked, then [DONE]', async () => {
    const messages = [{ role: 'user', content: 'hi' }];
    const withUsage = await postChat(server, {
      model: 'm',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(withUsage.headers.get('content-type')).toContain('text/event-stream');
    const events = sseEvents(await withUsage.text());

    expect(events.at(-1)).toBe('[DONE]');
    // role, 'echo: hi' (8 characters: one piece), finish, usage, [DONE]
    expect(events).toHaveLength(5);
    expect(events[0]).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [{ delta: { role: 'assistant' }, finish_reason: null }],
    });
    expect(events[1]).toMatchObject({
      choices: [{ delta: { content: 'echo: hi' }, finish_reason: null }],
      usage: null,
    });
    expect(events[2]).toMatchObject({ choices: [{ delta: {}, finish_reason: 'stop' }] });
    expect(events[3]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });

    const withoutUsage = sseEvents(
      await (await postChat(server, { model: 'm', messages, stream: true })).text(),
    );
    expect(withoutUsage).toHaveLength(4);
    expect(withoutUsage.some((e) => typeof e === 'object' && e !== null && 'usage' in e)).toBe(
      false,
    );
  });

  it('answers malformed JSON with a 400 in the OpenAI error shape and records the request', async () => {
    const response = await postChat(server, '{"model": "m", "messages": [');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { message: expect.any(String) as unknown, type: 'invalid_request_error', code: null },
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body).toBeUndefined();
    expect(server.requests[0]?.headers.authorization).toBe('Bearer raw');

    const notARequest = await postChat(server, { model: 'm' });
    expect(notARequest.status).toBe(400);
  });

  it('answers unknown routes with a 404 in the OpenAI error shape and does not record them', async () => {
    const response = await fetch(`${server.baseURL}/embeddings`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        message: 'Invalid URL (POST /v1/embeddings)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    const wrongMethod = await fetch(`${server.baseURL}/chat/completions`);
    expect(wrongMethod.status).toBe(404);
    expect(server.requests).toHaveLength(0);
  });

  it('lists one model on GET /v1/models', async () => {
    const response = await fetch(`${server.baseURL}/models`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      object: 'list',
      data: [{ id: 'gpt-4o-mini', object: 'model' }],
    });
  });

  it('sends an error body given as a string verbatim', async () => {
    server.enqueue({
      status: 502,
      body: '<html>bad gateway</html>',
      headers: { 'retry-after-ms': '10' },
    });
    const response = await postChat(server, { model: 'm', messages: [] });
    expect(response.status).toBe(502);
    expect(response.headers.get('retry-after-ms')).toBe('10');
    expect(await response.text()).toBe('<html>bad gateway</html>');
  });
});

describe('lastUserText', () => {
  it('returns the last user message text, joining text parts, or an empty string', () => {
    expect(lastUserText({ model: 'm', messages: [] })).toBe('');
    expect(
      lastUserText({
        model: 'm',
        messages: [
          { role: 'user', content: 'old' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
          { role: 'assistant', content: 'ignored' },
        ],
      }),
    ).toBe('a\nb');
  });
});

describe('FakeOpenAIServer.close', () => {
  it('resolves while a request hangs, and the hanging call rejects', async () => {
    const server = await startFakeOpenAIServer();
    server.enqueue({ hang: true });
    const pending = rejectionOf(chatModel(server, { timeout: 10_000 }).invoke('x'));
    await expect.poll(() => server.requests.length, { timeout: 2_000, interval: 10 }).toBe(1);

    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1_000);

    const error = asAPIError(await pending);
    expect(error).toBeInstanceOf(OpenAIClient.APIConnectionError);
    await expect(fetch(`${server.baseURL}/models`)).rejects.toThrow();
    await server.close(); // a second close is harmless
  });
});

describe('fake OpenAI server keep-alive', () => {
  it('announces 1 s by default and keepAliveTimeoutMs when given, so benchmarks can keep connections', async () => {
    const announced = async (options: { keepAliveTimeoutMs?: number }) => {
      const server = await startFakeOpenAIServer(options);
      try {
        const response = await fetch(`${server.baseURL}/models`);
        await response.text();
        return response.headers.get('keep-alive');
      } finally {
        await server.close();
      }
    };
    expect(await announced({})).toBe('timeout=1');
    expect(await announced({ keepAliveTimeoutMs: 60_000 })).toBe('timeout=60');
  });
});
