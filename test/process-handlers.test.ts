import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { installProcessHandlers } from '../src/process-handlers.js';

function capture() {
  const sink = new PassThrough();
  let out = '';
  sink.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const logger = createLogger({ level: 'info', destination: sink });
  return {
    logger,
    lines: () =>
      out
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => out,
  };
}

/** A process stand-in: the events the handlers listen to, and an exit that records its code. */
function fakeProcess() {
  const target = new EventEmitter();
  const exits: number[] = [];
  let exited: (code: number) => void = () => {};
  const exitedOnce = new Promise<number>((resolve) => (exited = resolve));
  return {
    target,
    exits,
    exitedOnce,
    exit: (code: number) => {
      exits.push(code);
      exited(code);
    },
  };
}

const secretError = () =>
  Object.assign(new Error('lost redis://default:pw-crash@10.0.0.1:6379'), {
    command: { name: 'auth', args: ['default', 'pw-crash'] },
  });

describe('installProcessHandlers', () => {
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    it(`on ${event}: logs through the serializer, stops the app, exits 1`, async () => {
      const log = capture();
      const proc = fakeProcess();
      let stopped = 0;
      installProcessHandlers(
        log.logger,
        async () => {
          stopped++;
          await new Promise((r) => setTimeout(r, 20));
        },
        { graceMs: 1000, target: proc.target, exit: proc.exit },
      );
      proc.target.emit(
        event,
        secretError(),
        event === 'unhandledRejection' ? Promise.resolve() : 'x',
      );
      expect(await proc.exitedOnce).toBe(1);
      expect(stopped).toBe(1);
      expect(proc.exits).toEqual([1]);
      const fatal = log.lines().find((line) => line.level === 60);
      expect(fatal).toMatchObject({ err: { name: 'Error' } });
      expect(log.text()).not.toContain('pw-crash');
    });
  }

  it('stops once when a second error arrives during the shutdown', async () => {
    const log = capture();
    const proc = fakeProcess();
    let stopped = 0;
    installProcessHandlers(
      log.logger,
      async () => {
        stopped++;
        await new Promise((r) => setTimeout(r, 50));
      },
      { graceMs: 1000, target: proc.target, exit: proc.exit },
    );
    proc.target.emit('uncaughtException', new Error('first'));
    proc.target.emit('unhandledRejection', new Error('second'));
    await proc.exitedOnce;
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(1);
    expect(proc.exits).toEqual([1]);
    expect(log.lines().filter((line) => line.level === 60)).toHaveLength(2);
  });

  it('exits 1 even when stopping fails', async () => {
    const log = capture();
    const proc = fakeProcess();
    installProcessHandlers(log.logger, () => Promise.reject(new Error('stop broke')), {
      graceMs: 1000,
      target: proc.target,
      exit: proc.exit,
    });
    proc.target.emit('uncaughtException', new Error('boom'));
    expect(await proc.exitedOnce).toBe(1);
    expect(log.text()).toContain('stop broke');
  });

  it('exits 1 after the bound when stopping hangs', async () => {
    const log = capture();
    const proc = fakeProcess();
    installProcessHandlers(log.logger, () => new Promise<void>(() => {}), {
      graceMs: 50,
      hardExitMarginMs: 50,
      target: proc.target,
      exit: proc.exit,
    });
    const started = Date.now();
    proc.target.emit('uncaughtException', new Error('boom'));
    expect(await proc.exitedOnce).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(log.text()).toContain('shutdown took too long');
  });
});

describe('a real process with the handlers installed', () => {
  const TSX = import.meta.resolve('tsx');
  const modules = {
    handlers: new URL('../src/process-handlers.ts', import.meta.url).href,
    logger: new URL('../src/logger.ts', import.meta.url).href,
  };

  function run(provoke: string): Promise<{ code: number | null; stdout: string }> {
    const program = `
      import { installProcessHandlers } from ${JSON.stringify(modules.handlers)};
      import { createLogger } from ${JSON.stringify(modules.logger)};
      const logger = createLogger({ level: 'info', destination: 1 });
      installProcessHandlers(logger, async () => { logger.info('app stopped'); }, { graceMs: 2000 });
      setInterval(() => {}, 1000); // a live app: the process would otherwise run on
      ${provoke}
    `;
    const child = spawn(
      process.execPath,
      ['--import', TSX, '--input-type=module', '--eval', program],
      { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
  }

  it('an uncaught exception is logged without its secrets, the app stopped, exit code 1', async () => {
    const { code, stdout } = await run(
      `setTimeout(() => { throw Object.assign(new Error('redis://u:pw-real@h down'), { args: ['pw-real'] }); }, 10);`,
    );
    expect(code).toBe(1);
    expect(stdout).toContain('uncaught exception');
    expect(stdout).toContain('app stopped');
    expect(stdout).toContain('redis://u:[redacted]@h down');
    expect(stdout).not.toContain('pw-real');
  });

  it('an unhandled rejection does the same', async () => {
    const { code, stdout } = await run(
      `setTimeout(() => { void Promise.reject(new Error('rejected')); }, 10);`,
    );
    expect(code).toBe(1);
    expect(stdout).toContain('unhandled rejection');
    expect(stdout).toContain('app stopped');
  });
});
