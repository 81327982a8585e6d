import type { BaseMessage } from '@langchain/core/messages';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationEvents } from '../../src/core/conversation.js';
import type { FactsApplied } from '../../src/core/facts.js';
import { telegramSession } from '../../src/core/session-id.js';
import type { TokenUsage } from '../../src/core/types.js';
import { InMemoryMemoryStore } from '../../src/memory/in-memory-store.js';
import { makeService } from '../support/core.js';
import { ScriptedChatModel, gate, lastQuestion } from '../support/scripted-chat-model.js';

const ann = telegramSession({ chatId: 1, userId: 1 });
const annInGroup = telegramSession({ chatId: -100, userId: 1 });
const policy = { ttlSeconds: 3600, maxTokens: 100_000, maxMessages: 1000 };
const FACTS = { enabled: true, maxPromptTokens: 300 };

/** A fact extraction prompt (the summariser's starts with "Existing summary:"). */
const isFactPrompt = (messages: BaseMessage[]) => messages[1]!.text.startsWith('Known facts:');
const small = (i: number) => `Message ${i}: ` + 'tell me more about the weather today '.repeat(3);

describe('learning facts at summary folds', () => {
  let store: InMemoryMemoryStore;
  let chat: ScriptedChatModel;
  let factAnswer: (prompt: string, signal?: AbortSignal) => string | Promise<string>;
  let memoryModel: ScriptedChatModel;
  const learned: { usage: TokenUsage; applied: FactsApplied }[] = [];
  const failed: unknown[] = [];
  const events: ConversationEvents = {
    factsLearned: (_s, usage, applied) => learned.push({ usage, applied }),
    factsFailed: (_s, error) => failed.push(error),
  };

  beforeEach(() => {
    store = new InMemoryMemoryStore(policy);
    chat = new ScriptedChatModel((m) => `ok ${lastQuestion(m).slice(0, 10)}`);
    factAnswer = (prompt) =>
      /peanut/i.test(prompt)
        ? '{"facts":[{"action":"add","text":"Is allergic to peanuts"}]}'
        : '{"facts":[]}';
    memoryModel = new ScriptedChatModel((messages, _call, signal) =>
      isFactPrompt(messages)
        ? factAnswer(messages[1]!.text, signal)
        : 'They chatted about the weather.',
    );
    learned.length = 0;
    failed.length = 0;
  });
  afterEach(() => store.close());

  const service = (facts: typeof FACTS | undefined = FACTS, timeoutMs = 5000) =>
    makeService({
      store,
      chatModel: chat,
      summaryModel: memoryModel,
      settings: {
        windowTokens: 200,
        summaryMaxTokens: 60,
        facts,
        model: { timeoutMs, maxRetries: 0 },
      },
      events,
    });

  it('keeps a fact told once through 200 turns and a dozen folds, in the prompt of the last turn', async () => {
    const bot = service();
    await bot.reply({
      session: ann,
      text: 'By the way, I am allergic to peanuts.',
      authorName: 'Ann',
    });
    for (let i = 0; i < 200; i++) {
      await bot.reply({ session: ann, text: small(i), authorName: 'Ann' });
      await bot.idle();
    }
    const factPrompts = memoryModel.prompts.filter(isFactPrompt);
    const summaryPrompts = memoryModel.prompts.filter((m) => !isFactPrompt(m));
    expect(summaryPrompts.length).toBeGreaterThanOrEqual(12);
    // One extraction per fold, never one per turn.
    expect(factPrompts).toHaveLength(summaryPrompts.length);
    const last = chat.prompts.at(-1)![0]!.text;
    expect(last).toContain('What you know about "Ann"');
    expect(last).toContain('- "Is allergic to peanuts"');
    // The summary alone lost it (the scripted summariser keeps only the weather).
    expect(last).toContain('They chatted about the weather.');
    expect((await bot.memory(ann)).facts.map((f) => f.text)).toEqual(['Is allergic to peanuts']);
    expect(learned[0]!.applied).toMatchObject({ status: 'applied', added: 1 });
    expect(learned[0]!.usage.inputTokens).toBeGreaterThan(0);
    await bot.close();
  });

  it('reads only the turns being folded, with the known facts numbered', async () => {
    const bot = service();
    await store.applyFacts(ann, { at: 1, add: [{ id: 'f1', text: 'Lives in Paris', tokens: 4 }] });
    for (let i = 0; i < 6; i++) {
      await bot.reply({ session: ann, text: small(i) });
      await bot.idle();
    }
    const prompt = memoryModel.prompts.find(isFactPrompt)!;
    expect(prompt[1]!.text).toContain('Known facts:\n1. "Lives in Paris"');
    expect(prompt[1]!.text).toContain('Person: Message 0:');
    // The latest turn stays verbatim in the window: it is not read yet.
    expect(prompt[1]!.text).not.toContain('Message 5:');
    await bot.close();
  });

  it('applies updates and deletes ("forget that I …") to the numbered facts', async () => {
    const bot = service();
    await store.applyFacts(ann, {
      at: 1,
      add: [
        { id: 'city', text: 'Lives in Paris', tokens: 4 },
        { id: 'pet', text: 'Has a cat', tokens: 3 },
      ],
    });
    factAnswer = () =>
      '{"facts":[{"action":"update","id":1,"text":"Lives in Lyon"},{"action":"delete","id":2}]}';
    for (let i = 0; i < 6; i++) {
      await bot.reply({ session: ann, text: small(i) });
      await bot.idle();
    }
    expect((await bot.memory(ann)).facts.map((f) => f.text)).toEqual(['Lives in Lyon']);
    await bot.close();
  });

  it('changes nothing when the answer does not parse or the call times out, and the summary goes on', async () => {
    factAnswer = () => 'I am sorry, I cannot help with that.';
    let bot = service();
    for (let i = 0; i < 6; i++) {
      await bot.reply({ session: ann, text: `peanut ${small(i)}` });
      await bot.idle();
    }
    let memory = await bot.memory(ann);
    expect(memory.facts).toEqual([]);
    expect(memory.summary).toBe('They chatted about the weather.');
    // The tokens of an answer that did not parse still count.
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]).toMatchObject({
      name: 'FactsOutputError',
      usage: { inputTokens: expect.any(Number) },
    });
    await bot.close();

    // Never answers: only the time budget ends the call.
    factAnswer = (_prompt, signal) =>
      new Promise<string>((_, reject) =>
        signal?.addEventListener('abort', () => reject(signal.reason)),
      );
    bot = service(FACTS, 300);
    for (let i = 6; i < 12; i++) {
      await bot.reply({ session: ann, text: `peanut ${small(i)}` });
      await bot.idle();
    }
    memory = await bot.memory(ann);
    expect(memory.facts).toEqual([]);
    expect(failed.at(-1)).toMatchObject({ name: 'ModelError', kind: 'timeout' });
    expect(learned).toEqual([]);
    await bot.close();
  });

  it('reads a fold’s turns for facts only once its summary is committed, and again when it is retried', async () => {
    let summaryFails = true;
    memoryModel.setScript((messages) => {
      if (isFactPrompt(messages)) return factAnswer(messages[1]!.text);
      if (summaryFails) throw Object.assign(new Error('overloaded'), { status: 400 });
      return 'They chatted about the weather.';
    });
    const bot = service();
    await bot.reply({ session: ann, text: 'I am allergic to peanuts.' });
    for (let i = 0; i < 6; i++) {
      await bot.reply({ session: ann, text: small(i) });
      await bot.idle();
    }
    expect(memoryModel.prompts.filter(isFactPrompt)).toHaveLength(0);
    summaryFails = false;
    await bot.reply({ session: ann, text: small(6) });
    await bot.idle();
    const [prompt] = memoryModel.prompts.filter(isFactPrompt);
    expect(prompt![1]!.text).toContain('Person: I am allergic to peanuts.');
    expect((await bot.memory(ann)).facts.map((f) => f.text)).toEqual(['Is allergic to peanuts']);
    await bot.close();
  });

  it('does not write back facts extracted while the person said /forget', async () => {
    const hold = gate();
    factAnswer = async () => {
      await hold.promise;
      return '{"facts":[{"action":"add","text":"Is allergic to peanuts"}]}';
    };
    const bot = service();
    for (let i = 0; i < 6; i++) await bot.reply({ session: ann, text: `peanut ${small(i)}` });
    await new Promise((r) => setTimeout(r, 50));
    await bot.forget(ann);
    hold.open();
    await bot.idle();
    expect((await bot.memory(ann)).facts).toEqual([]);
    await bot.close();
  });

  it('learns nothing while the person said /remember off, and again after /remember on', async () => {
    const bot = service();
    await bot.facts.setLearning('telegram', '1', false);
    expect((await bot.memory(ann)).factLearning).toBe('off');
    for (let i = 0; i < 6; i++) {
      await bot.reply({ session: ann, text: `peanut ${small(i)}` });
      await bot.idle();
    }
    expect(memoryModel.prompts.filter(isFactPrompt)).toHaveLength(0);
    await bot.facts.setLearning('telegram', '1', true);
    for (let i = 6; i < 12; i++) {
      await bot.reply({ session: ann, text: `peanut ${small(i)}` });
      await bot.idle();
    }
    expect((await bot.memory(ann)).facts).toHaveLength(1);
    await bot.close();
  });

  it('with facts off for everyone, extracts nothing and prompts without stored facts', async () => {
    await store.applyFacts(ann, { at: 1, add: [{ id: 'f1', text: 'Lives in Paris', tokens: 4 }] });
    const bot = service({ enabled: false, maxPromptTokens: 300 });
    for (let i = 0; i < 6; i++) {
      await bot.reply({ session: ann, text: `peanut ${small(i)}` });
      await bot.idle();
    }
    expect(memoryModel.prompts.filter(isFactPrompt)).toHaveLength(0);
    expect(chat.prompts.at(-1)![0]!.text).not.toContain('Lives in Paris');
    expect(await bot.memory(ann)).toMatchObject({ facts: [], factLearning: 'disabled' });
    expect(await bot.facts.remember(ann, 'x')).toEqual({ status: 'disabled' });
    await bot.close();
  });
});

describe('the person’s fact commands', () => {
  let store: InMemoryMemoryStore;
  beforeEach(() => {
    store = new InMemoryMemoryStore(policy);
  });
  afterEach(() => store.close());

  it('/remember, /memory and deleting a fact work while the model is down', async () => {
    const down = new ScriptedChatModel(() => {
      throw Object.assign(new Error('down'), { status: 503 });
    });
    const bot = makeService({ store, chatModel: down, settings: { facts: FACTS } });
    const added = await bot.facts.remember(annInGroup, '  My   deadline is 3 March ');
    expect(added).toMatchObject({ status: 'added', fact: { text: 'My deadline is 3 March' } });
    expect(await bot.facts.remember(annInGroup, 'my deadline is 3 march')).toMatchObject({
      status: 'known',
    });
    expect(await bot.facts.remember(annInGroup, ' \u200b ')).toEqual({ status: 'empty' });
    expect(await bot.facts.remember(annInGroup, 'x'.repeat(201))).toEqual({
      status: 'too_long',
      limit: 200,
    });
    const memory = await bot.memory(annInGroup);
    expect(memory.facts).toEqual([{ ...memory.facts[0], text: 'My deadline is 3 March' }]);
    // Learned in the group: used in Ann's private chat too.
    expect((await bot.memory(ann)).facts).toHaveLength(1);
    const id = memory.facts[0]!.id;
    expect(await bot.facts.delete(annInGroup, id)).toBe(true);
    expect(await bot.facts.delete(annInGroup, id)).toBe(false);
    expect(await bot.facts.delete(annInGroup, 'bad id!')).toBe(false);
    await bot.close();
  });

  it('a fact remembered in private never reaches a group prompt', async () => {
    const chat = new ScriptedChatModel(() => 'ok');
    const bot = makeService({ store, chatModel: chat, settings: { facts: FACTS } });
    await bot.facts.remember(ann, 'My PIN is 1234');
    await bot.reply({ session: annInGroup, text: 'hi', authorName: 'Ann' });
    await bot.reply({ session: ann, text: 'hi', authorName: 'Ann' });
    expect(chat.prompts[0]![0]!.text).not.toContain('1234');
    expect(chat.prompts[1]![0]!.text).toContain('- "My PIN is 1234"');
    await bot.close();
  });
});
