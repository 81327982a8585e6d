import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationService } from '../../../src/core/conversation.js';
import { InMemoryMemoryStore } from '../../../src/memory/in-memory-store.js';
import { ConsolePlatform } from '../../../src/platforms/console/console-platform.js';
import { makeService, silentLogger } from '../../support/core.js';
import { ScriptedChatModel, lastQuestion } from '../../support/scripted-chat-model.js';

describe('ConsolePlatform', () => {
  let store: InMemoryMemoryStore;
  let model: ScriptedChatModel;
  let service: ConversationService;

  beforeEach(() => {
    store = new InMemoryMemoryStore({ ttlSeconds: 60, maxTokens: 10_000, maxMessages: 100 });
    model = new ScriptedChatModel((m) => `echo: ${lastQuestion(m)}`);
    service = makeService({ store, chatModel: model });
  });
  afterEach(async () => {
    await service.close(100);
    await store.close();
  });

  async function runScript(lines: string[], interactive = false): Promise<string> {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const platform = new ConsolePlatform({
      service,
      input,
      output,
      interactive,
      userName: 'ann',
      logger: silentLogger,
    });
    const done = platform.run();
    input.end(lines.map((l) => `${l}\n`).join(''));
    await done;
    return printed;
  }

  it('answers one message a line from a pipe, remembering the conversation', async () => {
    const out = await runScript(['My name is Ann.', 'What is my name?']);
    expect(out).toBe('echo: My name is Ann.\n\necho: What is my name?\n\n');
    expect(model.prompts[1]!.map((m) => m.text)).toContain('My name is Ann.');
  });

  it('/memory, /forget and /exit', async () => {
    const out = await runScript([
      '/memory',
      'remember me',
      '/memory',
      '/forget',
      '/memory',
      '/exit',
      'never read',
    ]);
    expect(out.split('\n\n').filter(Boolean)).toEqual([
      'I do not remember anything of this conversation yet.',
      'echo: remember me',
      expect.stringMatching(/^2 recent messages \(\d+ tokens\) kept word for word\.$/),
      'Done: I have forgotten our conversation.',
      'I do not remember anything of this conversation yet.',
    ]);
    expect(model.prompts).toHaveLength(1);
  });

  it('answers a failed turn with a short apology and goes on', async () => {
    model.setScript(() => {
      throw Object.assign(new Error('secret upstream detail'), { status: 400 });
    });
    const out = await runScript(['hello', '/help', `${'x'.repeat(4001)}`]);
    expect(out).toContain('Sorry, the language model refused that request. Try rephrasing it.');
    expect(out).not.toContain('secret upstream detail');
    expect(out).toContain('/forget  wipe my memory of this conversation');
    expect(out).toContain('Your message is 4,001 characters long');
  });

  it('streams answers and prompts in interactive mode', async () => {
    const out = await runScript(['hello there', '/unknown'], true);
    expect(out).toContain('you › ');
    expect(out).toContain('bot › echo: hello there\n');
    expect(out).toContain('Unknown command /unknown. Type /help for the list.');
  });
});
