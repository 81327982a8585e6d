import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationService } from '../../../src/core/conversation.js';
import { telegramSession } from '../../../src/core/session-id.js';
import { InMemoryMemoryStore } from '../../../src/memory/in-memory-store.js';
import { en } from '../../../src/platforms/shared/i18n/en.js';
import { translator } from '../../../src/platforms/shared/i18n/translate.js';
import { MAX_FACT_BUTTONS, MemoryCommands } from '../../../src/platforms/shared/memory-commands.js';
import { makeService } from '../../support/core.js';
import { ScriptedChatModel } from '../../support/scripted-chat-model.js';

const session = telegramSession({ chatId: 5, userId: 5 });
const place = { platform: 'telegram' as const, userId: '5', chatId: '5' };
const t = translator('en');

describe('the memory commands', () => {
  let store: InMemoryMemoryStore;
  let service: ConversationService;
  let commands: MemoryCommands;
  beforeEach(() => {
    store = new InMemoryMemoryStore({ ttlSeconds: 0, maxTokens: 10_000, maxMessages: 100 });
    service = makeService({
      store,
      chatModel: new ScriptedChatModel(() => 'ok'),
      settings: { facts: { enabled: true, maxPromptTokens: 300 } },
    });
    commands = new MemoryCommands(service, 2000);
  });
  afterEach(async () => {
    await service.close(100);
    await store.close();
  });

  const run = (name: string, args = '') => commands.run(name, args, session, place, t);

  it('/memory fits the platform’s limit with at most 25 delete buttons, and says what it left out', async () => {
    const facts = Array.from({ length: 50 }, (_, i) => ({
      id: `f${i}`,
      text: `Fact number ${i} ${'long words '.repeat(20)}`.slice(0, 200),
      tokens: 40,
    }));
    for (const [i, fact] of facts.entries())
      await store.applyFacts(session, { at: i, add: [fact] });
    const answer = await run('memory');
    expect(answer.text.length).toBeLessThanOrEqual(2000);
    expect(answer.actions!.length).toBeLessThanOrEqual(MAX_FACT_BUTTONS);
    // Most recently confirmed first; the list and the buttons are numbered alike.
    expect(answer.actions![0]).toEqual({
      id: 'fact:del:f49',
      label: expect.stringMatching(/^✕ 1\. Fact number 49/),
    });
    expect(answer.text).toContain('1. Fact number 49');
    expect(answer.text).toMatch(/\(and \d+ older facts not shown\)/);
  });

  it('shows a fact as the person’s words, never as markup', async () => {
    await run('remember', '[click me](https://evil.example) **bold**');
    const { text } = await run('memory');
    expect(text).toContain('\\[click me\\]\\(https\\:\\/\\/evil\\.example\\) \\*\\*bold\\*\\*');
  });

  it('/remember explains itself, switches learning, refuses what is too long', async () => {
    expect((await run('remember')).text).toBe(en['remember.usage']);
    expect((await run('remember', 'OFF')).text).toBe(en['remember.learningOff']);
    expect((await service.memory(session)).factLearning).toBe('off');
    expect((await run('remember', 'on')).text).toContain('again');
    expect((await run('remember', 'x'.repeat(201))).text).toBe(
      'That is too long to keep as a fact: at most 200 characters.',
    );
    await run('remember', 'Likes tea');
    expect((await run('remember', 'likes tea')).text).toBe('I already knew that.');
  });

  it('a foreign or unknown button changes nothing', async () => {
    await run('remember', 'Likes tea');
    const [button] = (await run('memory')).actions!;
    const press = { actionId: button!.id, session, place };
    expect(await commands.action({ ...press, foreign: true }, t)).toEqual({
      notice: en['buttons.notYours'],
    });
    expect(await commands.action({ ...press, actionId: 'other:thing' }, t)).toEqual({
      notice: en['buttons.stale'],
    });
    expect((await service.memory(session)).facts).toHaveLength(1);
    const done = await commands.action(press, t);
    expect(done.notice).toBe('Deleted: I no longer know that.');
    expect(done.update!.actions).toEqual([]);
  });

  it('with facts off for everyone, /remember says so and /memory says nothing of facts', async () => {
    const off = makeService({ store, chatModel: new ScriptedChatModel(() => 'ok') });
    const offCommands = new MemoryCommands(off, 2000);
    expect((await offCommands.run('remember', 'on', session, place, t)).text).toBe(en['facts.off']);
    expect((await offCommands.run('memory', '', session, place, t)).text).toBe(
      'I do not remember anything of this conversation yet.',
    );
    await off.close(100);
  });
});
