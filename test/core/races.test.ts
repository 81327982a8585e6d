import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../src/core/errors.js';
import { telegramSession } from '../../src/core/session-id.js';
import type { SessionRef } from '../../src/core/types.js';
import { InMemoryMemoryStore } from '../../src/memory/in-memory-store.js';
import type { MemoryPolicy, MemoryStore } from '../../src/core/memory-port.js';
import { RedisMemoryStore } from '../../src/memory/redis-memory-store.js';
import { makeService } from '../support/core.js';
import { connectTestRedis, deleteKeys, uniquePrefix } from '../support/redis.js';
import { ScriptedChatModel, gate, lastQuestion, until } from '../support/scripted-chat-model.js';

const POLICY: MemoryPolicy = { ttlSeconds: 3600, maxTokens: 100_000, maxMessages: 1000 };

type StoreKind = { name: string; make(): Promise<MemoryStore>; cleanup(): Promise<void> };

let redis: Redis;
const prefixes: string[] = [];
beforeAll(() => {
  redis = connectTestRedis();
});
afterAll(async () => {
  for (const prefix of prefixes) await deleteKeys(redis, prefix);
  await redis.quit();
});

const kinds: StoreKind[] = [
  {
    name: 'real Redis',
    make: async () => {
      const prefix = uniquePrefix('races');
      prefixes.push(prefix);
      const store = new RedisMemoryStore(redis, { keyPrefix: prefix, ...POLICY });
      await store.init();
      return store;
    },
    cleanup: async () => {},
  },
  {
    name: 'in-memory store',
    make: async () => new InMemoryMemoryStore(POLICY),
    cleanup: async () => {},
  },
];

const contents = async (store: MemoryStore, session: SessionRef) =>
  (await store.load(session)).entries.map((e) => String(e.message.data.content));

describe.each(kinds)('races against the $name', (kind) => {
  it('50 turns fired at once across 10 sessions: each stored exactly once, in order per session', async () => {
    const store = await kind.make();
    // Random latency shuffles completion order: only per-session ordering keeps turns in order.
    const model = new ScriptedChatModel(async (messages) => {
      await new Promise((r) => setTimeout(r, Math.random() * 15));
      return `answer to ${lastQuestion(messages)}`;
    });
    const service = makeService({ store, chatModel: model });
    const sessions = Array.from({ length: 10 }, (_, i) =>
      telegramSession({ chatId: -7, userId: 100 + i }),
    );
    await Promise.all(
      Array.from({ length: 5 }, (_, turn) =>
        sessions.map((session, s) => service.reply({ session, text: `s${s} turn ${turn}` })),
      ).flat(),
    );
    for (const [s, session] of sessions.entries()) {
      const expected = Array.from({ length: 5 }, (_, t) => [
        `s${s} turn ${t}`,
        `answer to s${s} turn ${t}`,
      ]).flat();
      expect(await contents(store, session)).toEqual(expected);
    }
    // Each turn saw every earlier turn of its session: turns ran one after another.
    for (const prompt of model.prompts) {
      const [, s, t] = /^s(\d+) turn (\d+)$/.exec(lastQuestion(prompt))!;
      const history = prompt.filter((m) => m.type === 'human').length - 1;
      expect(history, `s${s} turn ${t}`).toBe(Number(t));
    }
    await service.close();
    await store.close();
  });

  it('limits each user to RATE_LIMIT_PER_MINUTE turns, telling them when to try again', async () => {
    const store = await kind.make();
    const model = new ScriptedChatModel((m) => `echo: ${lastQuestion(m)}`);
    const service = makeService({ store, chatModel: model, settings: { ratePerMinute: 3 } });
    const session = telegramSession({ chatId: 11, userId: 11 });
    for (const n of [1, 2, 3]) await service.reply({ session, text: `turn ${n}` });
    const error = await service.reply({ session, text: 'one too many' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBeGreaterThan(50_000);
    expect((error as RateLimitedError).userMessage).toMatch(
      /^You are sending messages faster than I can answer\. Please try again in \d+ seconds\.$/,
    );
    expect(model.prompts).toHaveLength(3);
    // Another user is not affected, and the refused turn left nothing behind (no lease held).
    await expect(
      service.reply({ session: telegramSession({ chatId: 12, userId: 12 }), text: 'hi' }),
    ).resolves.toBeTruthy();
    expect(await contents(store, session)).toHaveLength(6);
    await service.close();
    await store.close();
  });

  it('/forget during an in-flight reply: the user gets the answer, memory stays empty', async () => {
    const store = await kind.make();
    const hold = gate();
    const model = new ScriptedChatModel(async () => {
      await hold.promise;
      return 'the late answer';
    });
    const service = makeService({ store, chatModel: model });
    const session = telegramSession({ chatId: 5, userId: 5 });
    // Another user's first message ever, in flight when they ask to forget everything.
    const fresh = telegramSession({ chatId: 6, userId: 6 });

    const reply = service.reply({ session, text: 'remember this' });
    const firstTurnElsewhere = service.reply({ session: fresh, text: 'a first message' });
    await until(() => model.prompts.length === 2);
    await service.forget(session);
    await service.forgetUser('telegram', '6');
    hold.open();

    expect(await reply).toMatchObject({ text: 'the late answer', remembered: false });
    expect(await firstTurnElsewhere).toMatchObject({ remembered: false });
    expect(await contents(store, session)).toEqual([]);
    expect(await contents(store, fresh)).toEqual([]);
    // The next conversation starts clean and is remembered again.
    expect(await service.reply({ session, text: 'new start' })).toMatchObject({ remembered: true });
    expect(await contents(store, session)).toEqual(['new start', 'the late answer']);
    await service.close();
    await store.close();
  });

  it('summaries racing new turns and each other (two processes): no turn lost or duplicated', async () => {
    const store = await kind.make();
    const session = telegramSession({ chatId: -9, userId: 9 });
    const settings = { windowTokens: 200, summaryMaxTokens: 400 };
    const chat = new ScriptedChatModel((m) => `A${lastQuestion(m).split(' ')[0]}`);
    // The summary lists every question it has folded: previous summary + the new lines.
    const summarizerFor = (held: Promise<void>) =>
      new ScriptedChatModel(async (messages) => {
        await held;
        const input = messages[1]!.text;
        const previous = /Existing summary:\n(.*)\n\nNew lines/s.exec(input)![1]!;
        const folded = [...input.matchAll(/^User: (Q\d+)/gm)].map((m) => m[1]);
        return [...(previous === '(none yet)' ? [] : previous.split(' ')), ...folded].join(' ');
      });
    const holdA = gate();
    const holdB = gate();
    const a = makeService({
      store,
      chatModel: chat,
      summaryModel: summarizerFor(holdA.promise),
      settings,
    });
    const b = makeService({
      store,
      chatModel: chat,
      summaryModel: summarizerFor(holdB.promise),
      settings,
    });
    const question = (i: number) =>
      `Q${i} ` + 'please tell me a long story about dragons '.repeat(2);

    let i = 0;
    for (; i < 8; i++) await a.reply({ session, text: question(i) });
    await b.reply({ session, text: question(i++) });
    // Both summarisers have loaded the same head and are held; turns keep arriving.
    for (let k = 0; k < 4; k++) await (k % 2 ? a : b).reply({ session, text: question(i++) });
    holdA.open();
    await a.idle();
    holdB.open();
    await b.idle();
    await Promise.all([
      a.reply({ session, text: question(i++) }),
      b.reply({ session, text: question(i++) }),
    ]);
    await Promise.all([a.idle(), b.idle()]);

    const memory = await store.load(session);
    const summarised = memory.summary.split(' ').filter(Boolean);
    const verbatim = memory.entries
      .map((e) => String(e.message.data.content))
      .filter((c) => c.startsWith('Q'))
      .map((c) => c.split(' ')[0]!);
    const all = [...summarised, ...verbatim];
    expect(summarised.length).toBeGreaterThan(0);
    expect(all).toEqual(Array.from({ length: i }, (_, n) => `Q${n}`));
    // Every answer still follows its question.
    const list = memory.entries.map((e) => String(e.message.data.content));
    for (let n = 0; n < list.length; n += 2) expect(list[n + 1]).toBe(`A${list[n]!.split(' ')[0]}`);
    await Promise.all([a.close(), b.close()]);
    await store.close();
  });

  it('a forget while a summary is being written: neither the summary nor the turns come back', async () => {
    const store = await kind.make();
    const session = telegramSession({ chatId: -10, userId: 10 });
    const hold = gate();
    const chat = new ScriptedChatModel(() => 'ok');
    const summarizer = new ScriptedChatModel(async () => {
      await hold.promise;
      return 'a summary of forgotten things';
    });
    const service = makeService({
      store,
      chatModel: chat,
      summaryModel: summarizer,
      settings: { windowTokens: 150, summaryMaxTokens: 100 },
    });
    for (let n = 0; n < 6; n++)
      await service.reply({ session, text: `turn ${n} ` + 'words '.repeat(20) });
    await until(() => summarizer.prompts.length === 1);
    await service.forget(session);
    hold.open();
    await service.idle();
    expect(await store.load(session)).toMatchObject({ summary: '', entries: [] });
    await service.close();
    await store.close();
  });
});
