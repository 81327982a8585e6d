import { describe, expect, it } from 'vitest';
import { InMemoryMemoryStore } from '../../src/memory/in-memory-store.js';
import { memoryStoreContract, turn } from './memory-store-contract.js';
import { telegramSession } from '../../src/core/session-id.js';

function fakeClock() {
  let now = 1_700_000_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

memoryStoreContract('in-memory', async (policy) => {
  const clock = fakeClock();
  const store = new InMemoryMemoryStore({ ...policy, now: clock.now });
  return {
    store,
    advance: async (ms) => void clock.advance(ms),
    close: () => store.close(),
  };
});

describe('InMemoryMemoryStore', () => {
  it('sweeps expired sessions so the process does not grow without bound', async () => {
    const clock = fakeClock();
    const store = new InMemoryMemoryStore({
      ttlSeconds: 60,
      maxTokens: 1000,
      maxMessages: 100,
      now: clock.now,
    });
    for (let user = 1; user <= 500; user++) {
      const session = telegramSession({ chatId: user, userId: user });
      await store.appendTurn(session, (await store.load(session)).generations, turn('q', 'a'));
    }
    expect(store.size).toBe(500);
    clock.advance(61_000);
    store.sweep();
    expect(store.size).toBe(0);
    await store.close();
  });
});
