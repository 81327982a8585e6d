import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { telegramSession } from '../../src/core/session-id.js';
import { BufferedMemoryStore } from '../../src/memory/buffered-memory-store.js';
import { InMemoryMemoryStore } from '../../src/memory/in-memory-store.js';
import { UNKNOWN_GENERATIONS, type MemoryStore } from '../../src/core/memory-port.js';
import { texts, turn } from './memory-store-contract.js';

/** An in-memory store that can be "unplugged", like Redis going away. */
function unpluggable(inner: InMemoryMemoryStore): {
  store: MemoryStore;
  down: (is: boolean) => void;
} {
  let isDown = false;
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      isDown ? Promise.reject(new Error('ECONNREFUSED')) : fn(...args);
  const store: MemoryStore = {
    init: () => inner.init(),
    close: () => inner.close(),
    load: guard((s, l) => inner.load(s, l)),
    appendTurn: guard((s, g, m, o) => inner.appendTurn(s, g, m, o)),
    releaseLease: guard((s, o) => inner.releaseLease(s, o)),
    commitSummary: guard((s, f) => inner.commitSummary(s, f)),
    forget: guard((s) => inner.forget(s)),
    forgetUser: guard((p, u) => inner.forgetUser(p, u)),
  };
  return { store, down: (is) => (isDown = is) };
}

describe('BufferedMemoryStore', () => {
  const ann = telegramSession({ chatId: 1, userId: 1 });
  const bob = telegramSession({ chatId: 2, userId: 2 });
  let inner: InMemoryMemoryStore;
  let plug: ReturnType<typeof unpluggable>;
  let store: BufferedMemoryStore;

  beforeEach(() => {
    inner = new InMemoryMemoryStore({ ttlSeconds: 60, maxTokens: 10_000, maxMessages: 100 });
    plug = unpluggable(inner);
    store = new BufferedMemoryStore(plug.store, { maxPending: 3, retryIntervalMs: 20 });
  });
  afterEach(() => store.close());

  it('keeps turns written during an outage and writes them, in order, once the store is back', async () => {
    await store.appendTurn(ann, (await store.load(ann)).generations, turn('before', 'x'));
    plug.down(true);
    expect((await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('during 1', 'x'))).status).toBe(
      'buffered',
    );
    expect((await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('during 2', 'x'))).status).toBe(
      'buffered',
    );
    expect(store.size).toBe(2);
    plug.down(false);
    // A new turn may not overtake the waiting ones: it queues behind them.
    expect((await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('after', 'x'))).status).toBe(
      'buffered',
    );
    await store.flush();
    expect(store.size).toBe(0);
    expect(texts((await inner.load(ann)).entries)).toEqual([
      'before',
      'x',
      'during 1',
      'x',
      'during 2',
      'x',
      'after',
      'x',
    ]);
  });

  it('frees the lease of a turn whose write had to wait', async () => {
    const lease = { owner: 'turn-1', ttlMs: 60_000 };
    expect((await store.load(ann, lease)).lease).toEqual({ held: true, retryAfterMs: 0 });
    plug.down(true);
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('q', 'a'), { leaseOwner: 'turn-1' });
    plug.down(false);
    expect((await inner.load(ann, { owner: 'turn-2', ttlMs: 1000 })).lease?.held).toBe(false);
    await store.flush();
    expect((await inner.load(ann, { owner: 'turn-2', ttlMs: 1000 })).lease?.held).toBe(true);
  });

  it('retries by itself until the store answers', async () => {
    plug.down(true);
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('q', 'a'));
    await new Promise((r) => setTimeout(r, 60));
    expect(store.size).toBe(1);
    plug.down(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(store.size).toBe(0);
    expect(texts((await inner.load(ann)).entries)).toEqual(['q', 'a']);
  });

  it('drops the pending turns of a session that is forgotten', async () => {
    plug.down(true);
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('secret', 'x'));
    await store.appendTurn(bob, UNKNOWN_GENERATIONS, turn('bob', 'x'));
    await expect(store.forget(ann)).rejects.toThrow('ECONNREFUSED');
    plug.down(false);
    await store.flush();
    expect((await inner.load(ann)).entries).toEqual([]);
    expect(texts((await inner.load(bob)).entries)).toEqual(['bob', 'x']);
  });

  it('does not write back a turn answered before a forget that reached the store', async () => {
    plug.down(true);
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('old', 'x'), {
      answeredAt: Date.now() - 1000,
    });
    plug.down(false);
    await inner.forgetUser('telegram', '1'); // e.g. by another process, after the turn was answered
    await store.flush();
    expect(store.size).toBe(0);
    expect((await inner.load(ann)).entries).toEqual([]);
  });

  it('is bounded: the oldest turns are dropped past maxPending', async () => {
    plug.down(true);
    for (const n of [1, 2, 3, 4, 5])
      await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn(`q${n}`, 'x'));
    expect(store.size).toBe(3);
    expect(store.dropped).toBe(2);
    plug.down(false);
    await store.flush();
    expect(texts((await inner.load(ann)).entries)).toEqual(['q3', 'x', 'q4', 'x', 'q5', 'x']);
  });
});
