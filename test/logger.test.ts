import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskSecrets, serializeError } from '../src/logger.js';

/** An error shaped like the ioredis ReplyError of a failed AUTH/HELLO (command args attached). */
function redisAuthError(password: string): Error {
  const error = new Error('WRONGPASS invalid username-password pair or user is disabled.');
  error.name = 'ReplyError';
  Object.assign(error, {
    command: { name: 'hello', args: ['3', 'AUTH', 'default', password] },
    options: { password, host: '127.0.0.1' },
  });
  return error;
}

/** An error shaped like the OpenAI SDK's APIError: status, code, headers, request, body. */
function openAIError(key: string): Error {
  const error = new Error('401 Incorrect API key provided');
  error.name = 'AuthenticationError';
  Object.assign(error, {
    status: 401,
    code: 'invalid_api_key',
    headers: { authorization: `Bearer ${key}`, 'x-request-id': 'req_1' },
    request: { headers: { Authorization: `Bearer ${key}` }, body: '{"messages":["private"]}' },
    body: { messages: ['private user text'] },
    config: { apiKey: key },
    error: { message: 'Incorrect API key provided', key },
  });
  return error;
}

function capture(level: 'trace' | 'info' = 'trace') {
  const sink = new PassThrough();
  let out = '';
  sink.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const logger = createLogger({ level, destination: sink });
  return {
    logger,
    lines: () => {
      logger.flush();
      return out
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => out,
  };
}

describe('serializeError', () => {
  it('keeps name, message and stack of a Redis error, never the command or its arguments', () => {
    const serialized = serializeError(redisAuthError('pw-hunter2'));
    expect(serialized).toEqual({
      name: 'ReplyError',
      message: 'WRONGPASS invalid username-password pair or user is disabled.',
      stack: expect.stringContaining('ReplyError: WRONGPASS') as unknown,
    });
    expect(JSON.stringify(serialized)).not.toContain('pw-hunter2');
  });

  it('keeps the status and code of an HTTP client error, never its headers, request or body', () => {
    const serialized = serializeError(openAIError('sk-secret-key-123'));
    expect(serialized).toMatchObject({
      name: 'AuthenticationError',
      message: '401 Incorrect API key provided',
      status: 401,
      code: 'invalid_api_key',
    });
    expect(Object.keys(serialized).sort()).toEqual(['code', 'message', 'name', 'stack', 'status']);
    expect(JSON.stringify(serialized)).not.toMatch(/sk-secret-key-123|private/);
  });

  it('follows the cause chain, each cause serialized the same way, to a bounded depth', () => {
    const inner = redisAuthError('pw-inner');
    const middle = new Error('memory load failed', { cause: inner });
    const outer = new Error('turn failed', { cause: middle });
    const serialized = serializeError(outer);
    expect(serialized.cause?.message).toBe('memory load failed');
    expect(serialized.cause?.cause).toMatchObject({ name: 'ReplyError' });
    expect(JSON.stringify(serialized)).not.toContain('pw-inner');

    // A cycle (or a very long chain) ends instead of recursing forever.
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    let depth = 0;
    for (let node = serializeError(a); node.cause; node = node.cause) depth++;
    expect(depth).toBeLessThanOrEqual(5);
  });

  it('masks credentials in URLs and bearer tokens in the message and in the stack', () => {
    const error = new Error(
      'connect failed: redis://default:s3cr3t-pw@10.0.0.1:6379/0 and rediss://:only-pw@h ' +
        'https://api.telegram.org/bot123456:AAH-tok_en/getMe Authorization: Bearer tok-abc.def',
    );
    const serialized = serializeError(error);
    const text = JSON.stringify(serialized);
    expect(text).not.toMatch(/s3cr3t-pw|only-pw|AAH-tok_en|tok-abc/);
    expect(serialized.message).toContain('redis://default:[redacted]@10.0.0.1:6379/0');
    expect(serialized.message).toContain('rediss://:[redacted]@h');
    expect(serialized.stack).toContain('redis://default:[redacted]@10.0.0.1');
  });

  it('serializes what is not an Error: strings, numbers, plain objects, null', () => {
    expect(serializeError('redis://u:pw-str@h failed')).toEqual({
      message: 'redis://u:[redacted]@h failed',
    });
    expect(serializeError(42)).toEqual({ message: '42' });
    expect(serializeError(null)).toEqual({ message: 'null' });
    expect(serializeError(undefined)).toEqual({ message: 'undefined' });
    const plain = serializeError({
      message: 'boom',
      code: 'E1',
      status: 503,
      method: 'sendMessage',
      args: ['AUTH', 'pw-plain'],
      password: 'pw-plain',
    });
    expect(plain).toEqual({ message: 'boom', code: 'E1', status: 503, method: 'sendMessage' });
    expect(serializeError({ nothing: 'useful', token: 'pw-plain' })).toEqual({
      message: '[object Object]',
    });
    // The platforms' summary of a non-Error throw keeps its text.
    expect(serializeError({ error: 'thrown redis://:pw-plain@h' })).toEqual({
      error: { message: 'thrown redis://:[redacted]@h' },
    });
    // Non-numeric statuses and odd codes are not copied.
    expect(serializeError({ message: 'x', status: 'pw', code: { pw: 1 } })).toEqual({
      message: 'x',
    });
  });

  it('never throws, whatever it is given', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
      },
    );
    expect(() => serializeError(hostile)).not.toThrow();
    expect(() => serializeError(Object.create(null))).not.toThrow();
    expect(serializeError(Object.create(null))).toEqual({ message: '[object]' });
  });

  it('cuts long messages, quickly, whatever their shape', () => {
    const started = performance.now();
    for (const text of ['a.'.repeat(500_000), 'x://'.repeat(250_000), 'Bearer '.repeat(100_000)]) {
      const serialized = serializeError(new Error(text));
      expect(serialized.message!.length).toBeLessThan(2100);
      expect(serialized.message).toMatch(/… \[\d+ characters\]$/);
    }
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('keeps the errors of an AggregateError (bounded), serialized the same way', () => {
    const aggregate = new AggregateError(
      [redisAuthError('pw-agg'), Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })],
      '',
    );
    const serialized = serializeError(aggregate);
    expect(serialized.errors).toHaveLength(2);
    expect(serialized.errors?.[1]).toMatchObject({ message: 'refused', code: 'ECONNREFUSED' });
    expect(JSON.stringify(serialized)).not.toContain('pw-agg');
  });
});

describe('maskSecrets', () => {
  it('leaves text without credentials alone', () => {
    const text = 'connect ECONNREFUSED 127.0.0.1:6379 (redis://127.0.0.1:6379/0)';
    expect(maskSecrets(text)).toBe(text);
  });
  it('masks API keys an endpoint echoes in its error message', () => {
    expect(maskSecrets('401 Incorrect API key provided: my-local-key-1.')).toBe(
      '401 Incorrect API key provided: [redacted]',
    );
    expect(maskSecrets('invalid key sk-proj-AbC123_xyz-789 for org')).toBe(
      'invalid key sk-[redacted] for org',
    );
  });
  it('masks password-like query parameters', () => {
    expect(maskSecrets('GET /x?token=abc&password=def&page=2')).toBe(
      'GET /x?token=[redacted]&password=[redacted]&page=2',
    );
  });
});

describe('the logger', () => {
  it('uses the serializer for errors under err, error, reason and cause, at every level', () => {
    const log = capture();
    const error = redisAuthError('pw-logged');
    log.logger.trace({ err: error }, 'a');
    log.logger.error({ error }, 'b');
    log.logger.fatal({ reason: error }, 'c');
    log.logger.warn({ cause: error }, 'd');
    log.logger.error(error, 'e');
    log.logger.child({ component: 'x' }).error({ err: error }, 'f');
    const lines = log.lines();
    expect(lines).toHaveLength(6);
    expect(log.text()).not.toContain('pw-logged');
    expect(log.text()).not.toContain('"command"');
    for (const line of lines) {
      const serialized = line.err ?? line.error ?? line.reason ?? line.cause;
      expect(serialized).toMatchObject({ name: 'ReplyError', message: expect.any(String) });
    }
  });

  it('still censors credentials under known keys anywhere in a log object', () => {
    const log = capture('info');
    log.logger.info({ client: { password: 'pw-k3y' }, apiKey: 'k3y-2' }, 'x');
    expect(log.text()).not.toMatch(/pw-k3y|k3y-2/);
    expect(log.text()).toContain('[redacted]');
  });

  it('censors known keys down to three levels, in arrays and child bindings, never changing the caller’s object', () => {
    const log = capture('info');
    const object = {
      headers: { authorization: 'Bearer top-s3cret' },
      config: { headers: { authorization: 'Bearer deep-s3cret' } },
      clients: [{ token: 'array-s3cret' }],
      kept: { name: 'visible', nested: { ok: 1 } },
    };
    const before = structuredClone(object);
    log.logger.info(object, 'x');
    log.logger.child({ token: 'child-s3cret' }).info('y');
    log.logger.child({ component: 'c' }).child({ password: 'grandchild-s3cret' }).info('z');
    expect(log.text()).not.toMatch(/s3cret/);
    const [first, , third] = log.lines();
    expect(third).toMatchObject({ component: 'c', password: '[redacted]', msg: 'z' });
    expect(first).toMatchObject({
      headers: { authorization: '[redacted]' },
      config: { headers: { authorization: '[redacted]' } },
      clients: [{ token: '[redacted]' }],
      kept: { name: 'visible', nested: { ok: 1 } },
    });
    expect(object).toEqual(before);
  });

  it('returns a log object with nothing to censor as it is (no copy per line)', async () => {
    const { censorCredentials } = await import('../src/logger.js');
    const object = { platform: 'telegram', session: 's', usage: { inputTokens: 3 }, list: [1, 2] };
    expect(censorCredentials(object)).toBe(object);
  });
});
