import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../doubles/fake-openai-server.js';
import { startProgram } from '../support/program.js';
import { connectTestRedis, deleteKeys, testRedisUrl, uniquePrefix } from '../support/redis.js';

/** Runs the real program with standard input from a pipe; resolves when it has exited. */
async function runBot(env: Record<string, string>, input: string) {
  const program = startProgram('main.ts', { LOG_LEVEL: 'warn', ...env });
  program.child.stdin.end(input);
  const code = await program.exited;
  return { code, stdout: program.stdout(), stderr: program.stderr() };
}

describe('terminal chat, end to end (real program, real ChatOpenAI, fake OpenAI server, real Redis)', () => {
  let openai: FakeOpenAIServer;
  let redis: Redis;
  let env: Record<string, string>;
  const prefixes: string[] = [];

  beforeAll(async () => {
    openai = await startFakeOpenAIServer();
    redis = connectTestRedis();
  });
  beforeEach(() => {
    openai.reset();
    const prefix = uniquePrefix('e2e');
    prefixes.push(prefix);
    env = {
      OPENAI_BASE_URL: openai.baseURL,
      OPENAI_API_KEY: 'sk-e2e-secret-key',
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
    };
  });
  afterAll(async () => {
    await openai.close();
    for (const prefix of prefixes) await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('chats from a pipe, remembers across a restart, and forgets on /forget', async () => {
    const first = await runBot(env, 'My name is Ann.\n/memory\n');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('echo: My name is Ann.');
    expect(first.stdout).toMatch(/2 recent messages/);

    // A new process: memory comes back from Redis.
    const second = await runBot(env, 'What is my name?\n/forget\nAnd now?\n');
    expect(second.code).toBe(0);
    const prompts = openai.requests.map((r) => r.body!.messages.map((m) => String(m.content)));
    expect(prompts[1]).toEqual(
      expect.arrayContaining(['My name is Ann.', 'echo: My name is Ann.', 'What is my name?']),
    );
    expect(second.stdout).toContain('Done: I have forgotten our conversation.');
    expect(prompts[2]).not.toContain('My name is Ann.');
    expect(prompts[2]!.at(-1)).toBe('And now?');
    expect(openai.requests[0]!.headers.authorization).toBe('Bearer sk-e2e-secret-key');
    // Secrets never reach the logs.
    expect(first.stderr + second.stderr).not.toContain('sk-e2e-secret-key');
  });

  it('apologises when the model is down and still exits cleanly', async () => {
    openai.setHandler(() => ({ status: 503 }));
    const run = await runBot({ ...env, LLM_MAX_RETRIES: '1', LLM_TIMEOUT_MS: '3000' }, 'hello\n');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(
      'Sorry, I cannot reach my language model right now. Please try again in a moment.',
    );
  });

  it('runs on the in-process store with MEMORY_STORE=memory, and says memory is lost on restart', async () => {
    const run = await runBot(
      { OPENAI_BASE_URL: openai.baseURL, LOG_LEVEL: 'info', MEMORY_STORE: 'memory' },
      'one\ntwo\n',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('echo: one\n\necho: two\n\n');
    expect(run.stderr).toContain('memory is lost on restart');
    expect(openai.requests[1]!.body!.messages.map((m) => m.content)).toContain('one');
  });

  it('without a key or a base URL, exits at once explaining both options', async () => {
    const run = await runBot({}, '');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('OPENAI_API_KEY');
    expect(run.stderr).toContain('OPENAI_BASE_URL=http://localhost:11434/v1');
  });

  it('exits with a clear message on a malformed variable', async () => {
    const run = await runBot({ ...env, MEMORY_TTL_SECONDS: 'forever' }, '');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('MEMORY_TTL_SECONDS must be a whole number');
  });

  it('stops cleanly on SIGTERM while waiting for input', async () => {
    const program = startProgram('main.ts', { LOG_LEVEL: 'info', ...env });
    program.child.stdin.write('hello\n');
    await new Promise<void>((resolve) => program.child.stdout.once('data', () => resolve()));
    program.child.kill('SIGTERM');
    expect(await program.exited).toBe(0);
    expect(program.stderr()).toContain('shutting down');
  });
});
