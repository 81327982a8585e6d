import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { telegramSession } from '../../src/core/session-id.js';
import {
  BufferedMemoryStore,
  type BufferedStoreOptions,
} from '../../src/memory/buffered-memory-store.js';
import { InMemoryMemoryStore } from '../../src/memory/in-memory-store.js';
import { UNKNOWN_GENERATIONS } from '../../src/core/memory-port.js';
import { texts, turn } from './memory-store-contract.js';
import { unpluggable, type Unpluggable } from './unpluggable-store.js';

/** The outage buffer when a write keeps failing, and what it tells its callbacks. */
describe('BufferedMemoryStore failures', () => {
  const ann = telegramSession({ chatId: 1, userId: 1 });
  const bob = telegramSession({ chatId: 2, userId: 2 });
  let inner: InMemoryMemoryStore;
  let plug: Unpluggable;
  let store: BufferedMemoryStore;
  /** Every argument handed to a callback, serialised: what a logger would print. */
  let reported: string[];

  const open = (options: BufferedStoreOptions = {}) => {
    reported = [];
    store = new BufferedMemoryStore(plug.store, {
      retryIntervalMs: 60_000,
      maxAttempts: 3,
      onDropped: (...args) => reported.push(`dropped ${serialise(args)}`),
      onFlushError: (...args) => reported.push(`flush error ${serialise(args)}`),
      ...options,
    });
  };
  beforeEach(() => {
    inner = new InMemoryMemoryStore({ ttlSeconds: 60, maxTokens: 10_000, maxMessages: 100 });
    plug = unpluggable(inner);
    open();
  });
  afterEach(() => store.close());

  it('sets a write that keeps failing aside after maxAttempts; the writes behind it go on', async () => {
    plug.down(true);
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('poison', 'x'));
    await store.appendTurn(bob, UNKNOWN_GENERATIONS, turn('bob', 'x'));
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('ann after', 'x'));
    await store.flush(); // still down: no attempt counts
    plug.down(false);
    plug.poison('poison');

    await store.flush();
    // Other sessions are not held up; the session's own later turn keeps its order.
    expect(texts((await inner.load(bob)).entries)).toEqual(['bob', 'x']);
    expect((await inner.load(ann)).entries).toEqual([]);
    expect(store.size).toBe(2);

    // The store answers, so the session is read (a second attempt first) without the refused turn.
    expect((await store.load(ann)).entries).toEqual([]);
    await store.flush();
    expect(store.size).toBe(0);
    expect(store.dropped).toBe(1);
    expect(texts((await inner.load(ann)).entries)).toEqual(['ann after', 'x']);
    expect(plug.writes.filter((q) => q === 'poison')).toHaveLength(3);
    expect(reported.some((line) => line.startsWith('dropped'))).toBe(true);
  });

  it('reads a session whose pending write is refused once the store answers again', async () => {
    plug.down(true);
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('poison', 'x'));
    await store.flush();
    plug.down(false);
    plug.poison('poison');
    expect((await store.load(ann)).entries).toEqual([]);
    expect(store.size).toBe(1);
  });

  it('keeps every turn, however many flushes fail, while the store is unreachable', async () => {
    plug.down(true);
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('q1', 'x'));
    await store.appendTurn(bob, UNKNOWN_GENERATIONS, turn('q2', 'x'));
    for (let i = 0; i < 10; i++) await store.flush();
    expect(store.size).toBe(2);
    expect(store.dropped).toBe(0);
    plug.down(false);
    await store.flush();
    expect(texts((await inner.load(ann)).entries)).toEqual(['q1', 'x']);
    expect(texts((await inner.load(bob)).entries)).toEqual(['q2', 'x']);
  });

  it('does not buffer a write the store refused for its data: the caller learns it failed', async () => {
    plug.poison('poison');
    await expect(store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('poison', 'x'))).rejects.toThrow(
      /Script attempted/,
    );
    expect(store.size).toBe(0);
    expect((await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('fine', 'x'))).status).toBe(
      'written',
    );
  });

  it('hands no message text and no command arguments to its callbacks', async () => {
    open({ maxPending: 1, maxAttempts: 1 });
    plug.down(true);
    await store.appendTurn(ann, UNKNOWN_GENERATIONS, turn('SECRET TEXT one', 'SECRET answer'));
    await store.appendTurn(bob, UNKNOWN_GENERATIONS, turn('SECRET TEXT two', 'SECRET answer'));
    await store.flush();
    plug.down(false);
    plug.poison('SECRET TEXT two');
    await store.flush();
    expect(reported.map((line) => line.split(' ')[0])).toEqual(['dropped', 'flush', 'dropped']);
    for (const line of reported) {
      expect(line).not.toContain('SECRET');
      expect(line).not.toContain('evalsha');
    }
    // What is handed over still says what happened.
    expect(reported[1]).toContain('ECONNREFUSED');
    expect(reported[2]).toContain('Script attempted');
    expect(reported[2]).toContain(bob.id);
  });
});

/** Everything an argument holds, errors included (own properties, name, message, cause). */
function serialise(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Error
      ? { ...v, name: v.name, message: v.message, stack: v.stack, cause: v.cause }
      : v,
  );
}
