import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  lastUserText,
  startFakeOpenAIServer,
  type FakeOpenAIServer,
} from '../doubles/fake-openai-server.js';
import { makeUser, privateChat, startFakeTelegramServer } from '../doubles/fake-telegram-server.js';
import { remove } from '../memory/sqlite-files.js';
import { startProgram } from '../support/program.js';

/**
 * Memory that survives a restart with no Redis and no memory settings: the real program, run
 * twice over the same working directory (or SQLITE_PATH), keeps the conversation in
 * ./data/chatmem.db. The fake OpenAI server records every prompt.
 */
describe('memory across restarts without Redis (real program, SQLite)', () => {
  let openai: FakeOpenAIServer;
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatmem-e2e-sqlite-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    openai = await startFakeOpenAIServer();
  });
  beforeEach(() => openai.reset());
  afterAll(async () => {
    await openai.close();
    for (const dir of dirs) remove(dir);
  });

  const prompt = (index: number) =>
    openai.requests[index]!.body!.messages.map((m) => String(m.content));

  async function chat(cwd: string, env: Record<string, string>, input: string) {
    const program = startProgram('main.ts', { LOG_LEVEL: 'info', ...env }, { cwd });
    program.child.stdin.end(input);
    const code = await program.exited;
    return { code, stdout: program.stdout(), stderr: program.stderr() };
  }

  it('the terminal chat remembers across runs with no configuration at all', async () => {
    const cwd = freshDir();
    const env = { OPENAI_BASE_URL: openai.baseURL };
    const first = await chat(cwd, env, 'My name is Ann.\n');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('echo: My name is Ann.');
    const path = join(cwd, 'data', 'chatmem.db');
    expect(existsSync(path)).toBe(true);
    // The path is logged at start-up.
    expect(first.stderr).toContain(`"path":"${path}"`);

    const second = await chat(cwd, env, 'What is my name?\n');
    expect(second.code).toBe(0);
    expect(prompt(1)).toEqual(
      expect.arrayContaining(['My name is Ann.', 'echo: My name is Ann.', 'What is my name?']),
    );
  });

  it('keeps memory at SQLITE_PATH, and /forget there survives a restart too', async () => {
    const path = join(freshDir(), 'memory', 'bot.db');
    const env = { OPENAI_BASE_URL: openai.baseURL, SQLITE_PATH: path };
    await chat(freshDir(), env, 'Remember: my cat is Tom.\n');
    await chat(freshDir(), env, 'Cat?\n/forget\n');
    expect(prompt(1)).toContain('Remember: my cat is Tom.');
    await chat(freshDir(), env, 'And now?\n');
    expect(prompt(2)).not.toContain('Remember: my cat is Tom.');
    expect(prompt(2).at(-1)).toBe('And now?');
  });

  it('stops at start-up with the path and the fix when the file is not a database', async () => {
    const cwd = freshDir();
    const path = join(cwd, 'broken.db');
    writeFileSync(path, 'this is not a database '.repeat(500));
    const run = await chat(cwd, { OPENAI_BASE_URL: openai.baseURL, SQLITE_PATH: path }, 'hello\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `SQLite memory at ${path} is not a SQLite database, or is damaged (SQLITE_NOTADB). Move it ` +
        'away (the bot then starts with an empty memory) or set SQLITE_PATH to another file\n',
    );
    expect(openai.requests).toHaveLength(0);
  });

  it('a Telegram bot remembers across a restart of its process', async () => {
    const telegram = await startFakeTelegramServer({ botUsername: 'sqlite_test_bot' });
    const ann = makeUser(1001, 'Ann');
    const env = {
      OPENAI_BASE_URL: openai.baseURL,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      STREAM_REPLIES: 'false',
      LOG_LEVEL: 'info',
    };
    const cwd = freshDir();
    const say = async (text: string) => {
      const program = startProgram('main.ts', env, { cwd });
      await telegram.waitFor(
        () => program.stdout().includes('telegram long polling started'),
        15_000,
      );
      const before = telegram.sentMessages().length;
      telegram.sendMessage(ann, privateChat(ann), text);
      await telegram.waitFor(() => telegram.sentMessages().length > before, 8000);
      program.child.kill('SIGTERM');
      expect(await program.exited).toBe(0);
    };
    try {
      await say('Remember: my cat is called Tom.');
      await say('What is my cat called?');
    } finally {
      await telegram.close();
    }
    expect(lastUserText(openai.requests[1]!.body!)).toBe('What is my cat called?');
    expect(prompt(1)).toContain('Remember: my cat is called Tom.');
  });
});
