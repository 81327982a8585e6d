import { spawn, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { consoleSession } from '../../src/core/session-id.js';
import { createLogger } from '../../src/logger.js';
import {
  lastUserText,
  startFakeOpenAIServer,
  type FakeOpenAIServer,
} from '../doubles/fake-openai-server.js';
import { tokens } from '../support/core.js';
import { freePort } from '../support/redis-server.js';
import { uniquePrefix } from '../support/redis.js';

/** Whether anything answers RESP on the port (a `requirepass` server refuses PING: still up). */
function answersAtAll(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(/^[+-]/.test(data.toString())));
  });
}

/**
 * A rotated Redis password: the client attaches the AUTH/HELLO arguments, password included, to
 * every error it rejects a command with. Every error path — start-up, a turn's read and write,
 * /memory, /forget, the outage buffer's retries and shutdown — logs such errors; none may put the
 * password in a log line, at any level.
 */
describe('a Redis password never reaches the log', () => {
  const PASSWORD = 'the-0ld-Passw0rd-zqxj';
  let redis: ChildProcess | undefined;
  let port = 0;
  let openai: FakeOpenAIServer;

  /** A redis-server of this test's own on `port`, requiring `password`. */
  async function startRedis(password: string): Promise<void> {
    redis = spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password],
        ...['--save', '', '--appendonly', 'no'],
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100 && !(await answersAtAll(port)); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  async function killRedis(): Promise<void> {
    const child = redis;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  beforeAll(async () => {
    port = await freePort();
    await startRedis(PASSWORD);
    openai = await startFakeOpenAIServer();
  });
  afterAll(async () => {
    await openai.close();
    await killRedis();
  });

  it('in every error path, at every level', { timeout: 30_000 }, async () => {
    const sink = new PassThrough();
    let logs = '';
    sink.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const logger = createLogger({ level: 'trace', destination: sink });
    const config = parseConfig({
      OPENAI_BASE_URL: openai.baseURL,
      OPENAI_API_KEY: 'sk-test-key',
      REDIS_URL: `redis://default:${PASSWORD}@127.0.0.1:${port}`,
      REDIS_KEY_PREFIX: uniquePrefix('secrets'),
      LLM_TIMEOUT_MS: '5000',
    });
    const ann = consoleSession('ann');
    const bob = consoleSession('bob');

    const app = createApp(config, logger, { tokens });
    await app.start();
    try {
      // Redis goes down while the first answer is being generated (its write waits in the
      // outage buffer) and comes back with a new password: every reconnect now fails AUTH.
      openai.setHandler(async (body, index) => {
        if (index === 0) await killRedis();
        return { text: `echo: ${lastUserText(body)}` };
      });
      expect((await app.service.reply({ session: ann, text: 'first' })).text).toBe('echo: first');
      await startRedis('a-new-password');
      // Reads fail: answered without memory; /memory and /forget fail.
      expect((await app.service.reply({ session: ann, text: 'second' })).text).toMatch(
        /^echo: second/,
      );
      await expect(app.service.memory(bob)).rejects.toThrow();
      await expect(app.service.forget(bob)).rejects.toThrow();
      // The outage buffer retries every 2 s: let it try (and fail) once.
      await new Promise((r) => setTimeout(r, 2500));
    } finally {
      // Shutdown flushes the buffer a last time.
      await app.stop(1000);
    }
    // A restart with the old password: the store is not ready.
    const restarted = createApp(config, logger, { tokens });
    await restarted.start();
    await restarted.stop(1000);
    logger.flush();
    await new Promise((r) => setTimeout(r, 100));

    const lines = logs
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg?: string });
    const logged = (prefix: string) => lines.some((line) => line.msg?.startsWith(prefix));
    // The error paths did run and log the error…
    for (const path of [
      'redis error',
      'memory store not ready yet',
      'memory load failed',
      'memory call failed',
    ]) {
      expect(logged(path), path).toBe(true);
    }
    const bufferPaths = ['memory still unreachable', 'turn dropped', 'turns not written'];
    expect(bufferPaths.some(logged), 'the buffer tried to flush').toBe(true);
    expect(
      lines.filter((line) => JSON.stringify(line).includes('WRONGPASS')).length,
    ).toBeGreaterThan(3);
    // …and the password is nowhere, at any level.
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain('"command"');
  });
});
