import {
  assertFactId,
  type Fact,
  type FactChanges,
  type FactsApplied,
} from '../core/memory-port.js';

/** A fact as the Redis facts hash holds it (see redis-keys.ts); `p` is its privacy scope. */
interface StoredFact {
  readonly id: string;
  readonly text: string;
  readonly t: number;
  readonly s: string;
  readonly p: string;
  readonly a: number;
  readonly c: number;
}

export function parseFact(json: string): Fact {
  const stored = JSON.parse(json) as StoredFact;
  return {
    id: stored.id,
    text: stored.text,
    tokens: Number(stored.t),
    sessionId: stored.s,
    learnedAt: Number(stored.a),
    confirmedAt: Number(stored.c),
  };
}

/** The changes as the apply-facts script reads them (one JSON argument), IDs checked. */
export function encodeChanges(changes: FactChanges): string {
  const facts = (list: FactChanges['add']) =>
    (list ?? []).map(({ id, text, tokens }) => {
      assertFactId(id);
      return [id, text, tokens];
    });
  const ids = (list: readonly string[] | undefined) =>
    (list ?? []).map((id) => {
      assertFactId(id);
      return id;
    });
  return JSON.stringify({
    add: facts(changes.add),
    update: facts(changes.update),
    remove: ids(changes.remove),
    confirm: ids(changes.confirm),
  });
}

export function factsApplied(reply: number[]): FactsApplied {
  const [applied, added = 0, updated = 0, removed = 0, evicted = 0] = reply;
  return { status: applied === 1 ? 'applied' : 'stale', added, updated, removed, evicted };
}
