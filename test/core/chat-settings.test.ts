import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BudgetExceededError } from '../../src/core/budget-error.js';
import { cleanPersona } from '../../src/core/chat-preferences.js';
import type { ConversationService } from '../../src/core/conversation.js';
import { telegramSession } from '../../src/core/session-id.js';
import { InMemoryMemoryStore } from '../../src/memory/in-memory-store.js';
import { makeService } from '../support/core.js';
import { ScriptedChatModel, lastQuestion } from '../support/scripted-chat-model.js';

const ann = telegramSession({ chatId: -1, userId: 1 });
const bob = telegramSession({ chatId: -1, userId: 2 });
const annElsewhere = telegramSession({ chatId: -2, userId: 1 });
const annPrivate = telegramSession({ chatId: 1, userId: 1 });
const policy = { ttlSeconds: 3600, maxTokens: 100_000, maxMessages: 1000 };
const NOON = Date.parse('2025-03-14T12:00:00Z');
const models = { default: 'small', allowed: ['small', 'big'] };

describe('ConversationService: personas, models, usage and the daily budget', () => {
  let store: InMemoryMemoryStore;
  let small: ScriptedChatModel;
  let big: ScriptedChatModel;
  let service: ConversationService;
  let now: number;

  const start = (settings: Parameters<typeof makeService>[0]['settings'] = {}) => {
    service = makeService({
      store,
      chatModel: small,
      settings: { models, ...settings },
      chatModelFor: (name) => (name === 'big' ? big : small),
      now: () => now,
    });
  };
  const system = (model: ScriptedChatModel) => model.prompts.at(-1)![0]!.text;

  beforeEach(() => {
    now = NOON;
    store = new InMemoryMemoryStore({ ...policy, now: () => now });
    small = new ScriptedChatModel((messages) => `small: ${lastQuestion(messages)}`);
    big = new ScriptedChatModel((messages) => `big: ${lastQuestion(messages)}`);
    start();
  });
  afterEach(async () => {
    await service.close(100);
    await store.close();
  });

  it('adds a chat’s persona, quoted, after the operator’s prompt, in that chat only', async () => {
    const set = await service.preferences.setPersona(ann, 'Talk like a pirate.\n\n\n\nArr!\u200b');
    expect(set).toEqual({ status: 'set', persona: 'Talk like a pirate.\n\nArr!' });
    await service.reply({ session: bob, text: 'hi' });
    const prompt = system(small);
    expect(prompt.startsWith('You are a test bot.\n\n')).toBe(true);
    expect(prompt).toContain(JSON.stringify('Talk like a pirate.\n\nArr!'));
    expect(prompt.indexOf('persona')).toBeGreaterThan(prompt.indexOf('You are a test bot.'));
    for (const other of [annElsewhere, annPrivate]) {
      await service.reply({ session: other, text: 'hi' });
      expect(system(small)).not.toContain('pirate');
    }
    expect(await service.preferences.persona(ann)).toBe('Talk like a pirate.\n\nArr!');
    await service.preferences.resetPersona(ann);
    await service.reply({ session: ann, text: 'hi again' });
    expect(system(small)).not.toContain('pirate');
  });

  it('refuses an empty persona and one over PERSONA_MAX_CHARS, without cutting it', async () => {
    await service.close(100);
    start({ personaMaxChars: 10 });
    expect(await service.preferences.setPersona(ann, ' \u200b\n ')).toEqual({ status: 'empty' });
    expect(await service.preferences.setPersona(ann, '🦜'.repeat(11))).toEqual({
      status: 'too_long',
      length: 11,
      limit: 10,
    });
    expect(await service.preferences.setPersona(ann, '🦜'.repeat(10))).toMatchObject({
      status: 'set',
    });
    expect(cleanPersona('a\r\nb\u202e\tc  \n')).toBe('a\nb\tc');
  });

  it('answers with the model the person picked in this chat, and refuses one not offered', async () => {
    expect(service.preferences.models).toEqual(['small', 'big']);
    expect(await service.preferences.chooseModel(ann, 'BIG')).toEqual({
      status: 'chosen',
      model: 'big',
    });
    expect((await service.reply({ session: ann, text: 'q' })).text).toBe('big: q');
    expect((await service.reply({ session: bob, text: 'q' })).text).toBe('small: q');
    expect((await service.reply({ session: annPrivate, text: 'q' })).text).toBe('small: q');
    expect(await service.preferences.chooseModel(ann, 'gpt-5')).toEqual({
      status: 'unknown',
      allowed: ['small', 'big'],
    });
    expect(await service.preferences.currentModel(ann)).toBe('big');
    // The operator stops offering it: the default again.
    await service.close(100);
    start({ models: { default: 'small', allowed: ['small'] } });
    expect((await service.reply({ session: ann, text: 'q' })).text).toBe('small: q');
    expect(await service.preferences.currentModel(ann)).toBe('small');
  });

  it('counts every answer’s tokens for the person, today and this month', async () => {
    const first = await service.reply({ session: ann, text: 'one' });
    const second = await service.reply({ session: annPrivate, text: 'two' });
    const spent = (r: typeof first) => r.usage.inputTokens + r.usage.outputTokens;
    expect(spent(first)).toBeGreaterThan(0);
    const usage = await service.preferences.usage(ann);
    expect(usage).toEqual({
      today: spent(first) + spent(second),
      month: spent(first) + spent(second),
      dailyBudget: 0,
      resetsInMs: 12 * 3_600_000,
    });
    now += 86_400_000;
    expect(await service.preferences.usage(ann)).toMatchObject({ today: 0, month: usage.month });
    expect((await service.preferences.usage(bob)).today).toBe(0);
  });

  it('counts the summaries of the person’s conversations too', async () => {
    await service.close(100);
    const summaries = new ScriptedChatModel(() => 'The user asked things.');
    service = makeService({
      store,
      chatModel: small,
      summaryModel: summaries,
      settings: { windowTokens: 100, summaryMaxTokens: 50 },
      now: () => now,
    });
    let answers = 0;
    for (let i = 0; i < 6; i++) {
      const reply = await service.reply({ session: ann, text: `question ${i} ${'x '.repeat(20)}` });
      answers += reply.usage.inputTokens + reply.usage.outputTokens;
    }
    await service.idle();
    expect(summaries.prompts.length).toBeGreaterThan(0);
    expect((await service.preferences.usage(ann)).today).toBeGreaterThan(answers);
  });

  it('refuses a turn once the day’s budget is spent, without a model call, until midnight UTC', async () => {
    await service.close(100);
    start({ dailyTokenBudget: 30 });
    await service.reply({ session: ann, text: 'a question long enough to spend the budget' });
    expect((await service.preferences.usage(ann)).today).toBeGreaterThanOrEqual(30);
    const calls = small.prompts.length;
    const refused = await service.reply({ session: annPrivate, text: 'again' }).catch((e) => e);
    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect(refused).toMatchObject({
      code: 'budget_exceeded',
      retryAfterMs: 12 * 3_600_000,
      userText: { key: 'budget.spent', params: { budget: 30, hours: 12 } },
    });
    now = Date.parse('2025-03-14T23:59:30Z');
    const soon = await service.reply({ session: ann, text: 'again' }).catch((e) => e);
    expect(soon).toMatchObject({ userText: { key: 'budget.spentSoon', params: { minutes: 1 } } });
    expect(small.prompts.length).toBe(calls);
    // Another person is not affected; the next day the person is answered again.
    expect((await service.reply({ session: bob, text: 'hi' })).text).toBe('small: hi');
    now = Date.parse('2025-03-15T00:00:01Z');
    expect((await service.reply({ session: ann, text: 'new day' })).text).toBe('small: new day');
  });
});
