import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { ChatPromptTemplate, MessagesPlaceholder } from '@langchain/core/prompts';
import { RunnableWithMessageHistory } from '@langchain/core/runnables';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MemoryStore, SessionRef } from '../../src/core/memory-port.js';
import { MemoryChatMessageHistory, SUMMARY_PREFIX } from '../../src/memory/langchain-history.js';
import { RedisMemoryStore } from '../../src/memory/redis-memory-store.js';
import { SqliteMemoryStore } from '../../src/memory/sqlite/sqlite-memory-store.js';
import { connectTestRedis, deleteKeys, uniquePrefix } from '../support/redis.js';
import { ScriptedChatModel } from '../support/scripted-chat-model.js';
import { POLICY, remove } from './sqlite-files.js';

const dir = mkdtempSync(join(tmpdir(), 'chatmem-langchain-history-'));
let redis: Redis;
beforeAll(() => {
  redis = connectTestRedis();
});
afterAll(async () => {
  await redis.quit();
  remove(dir);
});

interface Backend {
  readonly store: MemoryStore;
  /** The same memory through a new store, as after a restart. */
  reopen(): Promise<MemoryStore>;
  close(): Promise<void>;
}

let files = 0;
const backends: Record<string, () => Promise<Backend>> = {
  redis: async () => {
    const prefix = uniquePrefix('langchain');
    const open = async () => {
      const store = new RedisMemoryStore(redis, { keyPrefix: prefix, ...POLICY });
      await store.init();
      return store;
    };
    return { store: await open(), reopen: open, close: () => deleteKeys(redis, prefix) };
  },
  sqlite: async () => {
    const path = join(dir, `${++files}.db`);
    const opened: SqliteMemoryStore[] = [];
    const open = async () => {
      const store = new SqliteMemoryStore({ ...POLICY, path });
      await store.init();
      opened.push(store);
      return store;
    };
    return {
      store: await open(),
      reopen: open,
      close: async () => {
        for (const store of opened) await store.close();
      },
    };
  },
};

const sessionOf = (user: string): SessionRef => ({
  platform: 'web',
  userId: user,
  id: `web:u${user}`,
});

describe.each(Object.keys(backends))('MemoryChatMessageHistory on %s', (name) => {
  let backend: Backend;
  let model: ScriptedChatModel;
  beforeEach(async () => {
    backend = await backends[name]!();
    model = new ScriptedChatModel((messages) => `echo: ${messages.at(-1)!.text}`);
  });
  afterEach(() => backend.close());

  /** LangChain's recipe: a prompt with a history placeholder, under RunnableWithMessageHistory. */
  function recipe(store: MemoryStore) {
    const prompt = ChatPromptTemplate.fromMessages([
      ['system', 'You are a helpful assistant.'],
      new MessagesPlaceholder('history'),
      ['human', '{question}'],
    ]);
    return new RunnableWithMessageHistory({
      runnable: prompt.pipe(model),
      getMessageHistory: (sessionId: string) =>
        new MemoryChatMessageHistory({ store, session: sessionOf(sessionId) }),
      inputMessagesKey: 'question',
      historyMessagesKey: 'history',
    });
  }
  const ask = (chain: ReturnType<typeof recipe>, user: string, question: string) =>
    chain.invoke({ question }, { configurable: { sessionId: user } });
  const promptTexts = (index: number) => model.prompts[index]!.map((m) => [m.type, m.text]);

  it('runs the recipe chain: each turn one write, remembered across turns, users apart, and after a restart', async () => {
    const append = vi.spyOn(backend.store, 'appendTurn');
    const chain = recipe(backend.store);
    await ask(chain, 'ann', 'My name is Ann.');
    await ask(chain, 'bob', 'I am Bob.');
    await ask(chain, 'ann', 'What is my name?');
    expect(append).toHaveBeenCalledTimes(3);
    expect(append.mock.calls[0]![2].map((m) => m.message.type)).toEqual(['human', 'ai']);
    expect(promptTexts(2)).toEqual([
      ['system', 'You are a helpful assistant.'],
      ['human', 'My name is Ann.'],
      ['ai', 'echo: My name is Ann.'],
      ['human', 'What is my name?'],
    ]);

    const restarted = recipe(await backend.reopen());
    await ask(restarted, 'ann', 'Still there?');
    expect(promptTexts(3).map(([, text]) => text)).toEqual([
      'You are a helpful assistant.',
      'My name is Ann.',
      'echo: My name is Ann.',
      'What is my name?',
      'echo: What is my name?',
      'Still there?',
    ]);
  });

  it('gives the summary as a system message before the recent messages, within a window', async () => {
    const { store } = backend;
    const history = new MemoryChatMessageHistory({ store, session: sessionOf('ann') });
    await history.addUserMessage('q1'); // one turn of one message: a person's
    await history.addMessages([]); // nothing
    const ann = sessionOf('ann');
    for (const [q, a] of [
      ['q2', 'a2'],
      ['q3', 'a3'],
    ] as const) {
      const fresh = new MemoryChatMessageHistory({ store, session: ann });
      await fresh.getMessages();
      await fresh.addMessages([new HumanMessage(q), new AIMessage(a)]);
    }
    const memory = await store.load(ann);
    await store.commitSummary(ann, {
      expect: memory.generations,
      firstId: memory.entries[0]!.id,
      count: 1,
      summary: 'The person said q1.',
      summaryTokens: 5,
    });
    const all = await new MemoryChatMessageHistory({ store, session: ann }).getMessages();
    expect(all.map((m) => [m.type, m.text])).toEqual([
      ['system', `${SUMMARY_PREFIX}The person said q1.`],
      ['human', 'q2'],
      ['ai', 'a2'],
      ['human', 'q3'],
      ['ai', 'a3'],
    ]);
    // Each message costs 5 tokens by the default estimate: a window of 12 holds the last turn.
    const windowed = new MemoryChatMessageHistory({ store, session: ann, windowTokens: 12 });
    expect((await windowed.getMessages()).map((m) => m.text)).toEqual([
      `${SUMMARY_PREFIX}The person said q1.`,
      'q3',
      'a3',
    ]);
  });

  it('clear() forgets, and wins over a turn in flight', async () => {
    const { store } = backend;
    const chain = recipe(store);
    await ask(chain, 'ann', 'secret');
    const inFlight = new MemoryChatMessageHistory({ store, session: sessionOf('ann') });
    expect(await inFlight.getMessages()).toHaveLength(2);
    await new MemoryChatMessageHistory({ store, session: sessionOf('ann') }).clear();
    await inFlight.addMessages([new HumanMessage('late'), new AIMessage('late answer')]);
    expect(inFlight.lastWrite?.status).toBe('stale');
    expect(await inFlight.getMessages()).toEqual([]);
    await inFlight.addMessages([new HumanMessage('again'), new AIMessage('hello')]);
    expect(inFlight.lastWrite?.status).toBe('written');
    expect((await inFlight.getMessages()).map((m) => m.text)).toEqual(['again', 'hello']);
  });
});
