import type { MemoryStore, NewMessage } from '../../src/core/memory-port.js';

/** What Redis's client rejects with while the server is unreachable. */
export function connectionError(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
    code: 'ECONNREFUSED',
    // ioredis attaches the command to its errors: the messages of the turn are in its arguments.
    command: { name: 'evalsha', args: ['sha', 'SECRET TEXT OF THE TURN'] },
  });
}

/** What Redis answers when a script fails on the data it was given (the server is fine). */
export function scriptError(): Error {
  return Object.assign(
    new Error('ERR user_script:1: Script attempted to access nonexistent global variable'),
    { name: 'ReplyError', command: { name: 'evalsha', args: ['sha', 'SECRET TEXT OF THE TURN'] } },
  );
}

export interface Unpluggable {
  readonly store: MemoryStore;
  /** While down, every call rejects with {@link connectionError}. */
  down(is: boolean): void;
  /** While writes are down (reads still work), appendTurn rejects with {@link connectionError}. */
  writesDown(is: boolean): void;
  /** Writes of turns whose question is `question` reject with {@link scriptError}. */
  poison(question: string | undefined): void;
  /** appendTurn calls that reached the inner store, in order: the question of each. */
  readonly writes: string[];
}

/** A store that can be "unplugged", like Redis going away, or refuse one turn's data. */
export function unpluggable(inner: MemoryStore): Unpluggable {
  let isDown = false;
  let writesDown = false;
  let poisoned: string | undefined;
  const writes: string[] = [];
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      isDown ? Promise.reject(connectionError()) : fn(...args);
  const question = (messages: readonly NewMessage[]) => String(messages[0]?.message.data.content);
  const store: MemoryStore = {
    init: () => inner.init(),
    close: () => inner.close(),
    load: guard((s, l) => inner.load(s, l)),
    appendTurn: guard((s, g, m, o) => {
      if (writesDown) return Promise.reject(connectionError());
      writes.push(question(m));
      if (poisoned !== undefined && question(m) === poisoned) {
        return Promise.reject(scriptError());
      }
      return inner.appendTurn(s, g, m, o);
    }),
    releaseLease: guard((s, o) => inner.releaseLease(s, o)),
    commitSummary: guard((s, f) => inner.commitSummary(s, f)),
    forget: guard((s) => inner.forget(s)),
    forgetUser: guard((p, u) => inner.forgetUser(p, u)),
    applyFacts: guard((s, c) => inner.applyFacts(s, c)),
    setFactLearning: guard((p, u, e) => inner.setFactLearning(p, u, e)),
    setPersona: guard((s, p) => inner.setPersona(s, p)),
    setModel: guard((s, m) => inner.setModel(s, m)),
    usage: guard((p, u, d) => inner.usage(p, u, d)),
    addUsage: guard((s, c) => inner.addUsage(s, c)),
  };
  return {
    store,
    down: (is) => (isDown = is),
    writesDown: (is) => (writesDown = is),
    poison: (q) => (poisoned = q),
    writes,
  };
}
