import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import {
  makeUser,
  privateChat,
  startFakeTelegramServer,
  type FakeTelegramServer,
} from '../doubles/fake-telegram-server.js';
import { useE2EApp } from '../support/e2e-app.js';

/** Health, readiness, metrics and logs of the app as production wires it (Telegram + Redis). */
describe('operations: health, readiness, metrics, logs', () => {
  const e2e = useE2EApp('ops');
  let telegram: FakeTelegramServer;
  let logs: string;
  let env: Record<string, string>;
  const ann = makeUser(2001, 'Ann');

  beforeEach(async () => {
    telegram = await startFakeTelegramServer({ botUsername: 'ops_test_bot' });
    env = {
      ...e2e.baseEnv('sk-ops-very-secret-key'),
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      STREAM_REPLIES: 'false',
      HTTP_PORT: '0',
      LOG_LEVEL: 'debug',
    };
  });
  afterEach(async () => {
    await e2e.stop(2000);
    await telegram.close();
  });

  async function startBot(overrides: Record<string, string> = {}): Promise<App> {
    const sink = new PassThrough();
    logs = '';
    sink.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    return e2e.start({ ...env, ...overrides }, createLogger({ level: 'debug', destination: sink }));
  }

  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${e2e.app!.httpPort}${path}`);
    return {
      status: response.status,
      body: await response.text(),
      type: response.headers.get('content-type'),
    };
  };

  it('serves /healthz, /readyz and /metrics, counting turns, latency and tokens', async () => {
    await startBot();
    expect(await get('/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({
      status: 'ready',
      checks: { memory: 'ok', telegram: 'ok' },
    });

    const before = telegram.sentMessages().length;
    telegram.sendMessage(ann, privateChat(ann), 'hello metrics');
    await telegram.waitFor(() => telegram.sentMessages().length > before, 8000);
    await new Promise((r) => setTimeout(r, 100));
    const metrics = await get('/metrics');
    expect(metrics.type).toMatch(/^text\/plain/);
    expect(metrics.body).toContain('chatmem_turns_total{platform="telegram",outcome="answered"} 1');
    expect(metrics.body).toMatch(/chatmem_turn_duration_seconds_count\{platform="telegram"\} 1/);
    expect(metrics.body).toMatch(
      /chatmem_model_tokens_total\{direction="in",purpose="chat"\} [1-9]/,
    );
    expect(metrics.body).toMatch(
      /chatmem_model_tokens_total\{direction="out",purpose="chat"\} [1-9]/,
    );
    expect(metrics.body).toContain('chatmem_memory_writes_pending 0');
    expect(metrics.body).toContain('chatmem_process_resident_memory_bytes');
  });

  it('reports not ready while Redis is unreachable, and counts the turn kept for later', async () => {
    await startBot({ REDIS_URL: 'redis://127.0.0.1:1' });
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body).checks).toMatchObject({ memory: 'down', telegram: 'ok' });
    const before = telegram.sentMessages().length;
    telegram.sendMessage(ann, privateChat(ann), 'anyone?');
    await telegram.waitFor(() => telegram.sentMessages().length > before, 8000);
    const metrics = await get('/metrics');
    // Answered without memory; the turn waits in the write buffer for Redis to come back.
    expect(metrics.body).toContain('chatmem_turns_total{platform="telegram",outcome="answered"} 1');
    expect(metrics.body).toContain('chatmem_memory_writes_pending 1');
    expect(metrics.body).toMatch(/chatmem_redis_errors_total [1-9]/);
  });

  it('writes a per-turn log line and never logs a token or an API key', async () => {
    await startBot();
    const before = telegram.sentMessages().length;
    telegram.sendMessage(ann, privateChat(ann), 'log this turn');
    await telegram.waitFor(() => telegram.sentMessages().length > before, 8000);
    // Failures that carry credentials around: a Telegram call refused, a model call refused.
    telegram.failNext('sendMessage', { error_code: 401, description: 'Unauthorized' });
    e2e.openai.enqueue({
      status: 401,
      body: { error: { message: 'Incorrect API key provided: sk-ops-very-secret-key' } },
    });
    telegram.sendMessage(ann, privateChat(ann), 'fail please');
    await telegram.waitFor(() => /"outcome":"model_error"/.test(logs), 8000);
    await new Promise((r) => setTimeout(r, 200));

    const turn = logs
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === 'turn' && line.outcome === 'answered');
    expect(turn).toMatchObject({ platform: 'telegram', outcome: 'answered', remembered: true });
    expect(turn!.latencyMs).toEqual(expect.any(Number));
    expect(turn!.inputTokens).toBeGreaterThan(0);
    expect(turn!.outputTokens).toBeGreaterThan(0);
    expect(logs).not.toContain(telegram.token.split(':')[1]!);
    expect(logs).not.toContain('sk-ops-very-secret-key');
  });

  it('censors credentials under known keys anywhere in a log object', () => {
    const sink = new PassThrough();
    let out = '';
    sink.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const logger = createLogger({ level: 'info', destination: sink });
    logger.info(
      {
        token: 't0p',
        apiKey: 'k3y',
        config: { headers: { authorization: 'Bearer b34rer' } },
        client: { password: 'pw' },
      },
      'x',
    );
    logger.flush();
    expect(out).not.toMatch(/t0p|k3y|b34rer|"pw"/);
    expect(out).toContain('[redacted]');
  });
});
