import {
  DEFAULT_MAX_FACTS,
  assertFactId,
  factScope,
  type Fact,
  type FactChanges,
  type FactsApplied,
  type SessionRef,
} from '../core/memory-port.js';

interface PersonFacts {
  readonly facts: Map<string, Fact>;
  expiresAt: number;
}

type Person = Pick<SessionRef, 'platform' | 'userId'>;

const keyOf = (person: Person) => `${person.platform}:${person.userId}`;

export const NOTHING_APPLIED: Omit<FactsApplied, 'status'> = {
  added: 0,
  updated: 0,
  removed: 0,
  evicted: 0,
};

/**
 * The facts part of `InMemoryMemoryStore`: what the Redis facts hash and prefs hash hold, with
 * the same privacy rule, cap and sliding TTL. Every method changes its state synchronously.
 */
export class InMemoryFacts {
  private readonly people = new Map<string, PersonFacts>();
  /** People who turned learning off; kept without expiry, like the Redis prefs hash. */
  private readonly learningOff = new Set<string>();

  constructor(
    private readonly now: () => number,
    private readonly options: { readonly ttlSeconds: number; readonly maxFacts?: number },
  ) {}

  /** The person's facts allowed in `session`, as copies. */
  visible(session: SessionRef): Fact[] {
    const here = factScope(session.id);
    return [...(this.live(session)?.facts.values() ?? [])]
      .filter((fact) => here === '' || factScope(fact.sessionId) === here)
      .map((fact) => ({ ...fact }));
  }

  learning(person: Person): boolean {
    return !this.learningOff.has(keyOf(person));
  }

  setLearning(person: Person, enabled: boolean): void {
    if (enabled) this.learningOff.delete(keyOf(person));
    else this.learningOff.add(keyOf(person));
  }

  apply(session: SessionRef, changes: FactChanges): FactsApplied {
    for (const fact of [...(changes.add ?? []), ...(changes.update ?? [])]) assertFactId(fact.id);
    for (const id of [...(changes.remove ?? []), ...(changes.confirm ?? [])]) assertFactId(id);
    const person = this.live(session) ?? { facts: new Map<string, Fact>(), expiresAt: Infinity };
    const here = factScope(session.id);
    const mine = (id: string) => {
      const fact = person.facts.get(id);
      return fact && (here === '' || factScope(fact.sessionId) === here) ? fact : undefined;
    };
    let updated = 0;
    let removed = 0;
    for (const id of changes.remove ?? []) {
      if (mine(id)) {
        person.facts.delete(id);
        removed += 1;
      }
    }
    for (const change of changes.update ?? []) {
      const fact = mine(change.id);
      if (!fact) continue;
      person.facts.set(change.id, {
        ...fact,
        text: change.text,
        tokens: change.tokens,
        sessionId: session.id,
        learnedAt: changes.at,
        confirmedAt: changes.at,
      });
      updated += 1;
    }
    for (const id of changes.confirm ?? []) {
      const fact = mine(id);
      if (!fact) continue;
      person.facts.set(id, { ...fact, confirmedAt: Math.max(fact.confirmedAt, changes.at) });
      updated += 1;
    }
    let added = 0;
    for (const fact of changes.add ?? []) {
      if (person.facts.has(fact.id)) continue;
      const { id, text, tokens } = fact;
      const at = changes.at;
      person.facts.set(id, {
        id,
        text,
        tokens,
        sessionId: session.id,
        learnedAt: at,
        confirmedAt: at,
      });
      added += 1;
    }
    const evicted = this.evict(person);
    if (person.facts.size > 0) {
      this.touch(session, person);
      this.people.set(keyOf(session), person);
    } else {
      this.people.delete(keyOf(session));
    }
    return { status: 'applied', added, updated, removed, evicted };
  }

  /** Slides the facts' expiry, as every turn of the person does. */
  touch(person: Person, facts = this.live(person)): void {
    if (!facts) return;
    const ttlMs = this.options.ttlSeconds * 1000;
    facts.expiresAt = ttlMs > 0 ? this.now() + ttlMs : Infinity;
  }

  /** Deletes the facts learned in `session` (the facts part of `forget`). */
  forgetSession(session: SessionRef): void {
    const person = this.live(session);
    if (!person) return;
    for (const [id, fact] of person.facts)
      if (fact.sessionId === session.id) person.facts.delete(id);
  }

  forgetUser(person: Person): void {
    this.people.delete(keyOf(person));
  }

  sweep(): void {
    const now = this.now();
    for (const [key, person] of this.people) if (person.expiresAt <= now) this.people.delete(key);
  }

  /** People with facts, for tests of the sweep. */
  get size(): number {
    return this.people.size;
  }

  private evict(person: PersonFacts): number {
    const cap = this.options.maxFacts ?? DEFAULT_MAX_FACTS;
    let evicted = 0;
    while (person.facts.size > cap) {
      let oldest: Fact | undefined;
      for (const fact of person.facts.values()) {
        if (!oldest || leastRecent(fact, oldest)) oldest = fact;
      }
      person.facts.delete(oldest!.id);
      evicted += 1;
    }
    return evicted;
  }

  private live(person: Person): PersonFacts | undefined {
    const facts = this.people.get(keyOf(person));
    if (facts && facts.expiresAt <= this.now()) {
      this.people.delete(keyOf(person));
      return undefined;
    }
    return facts;
  }
}

/** The eviction order every store uses: least recently confirmed first, then the smaller ID. */
function leastRecent(a: Fact, b: Fact): boolean {
  return a.confirmedAt < b.confirmedAt || (a.confirmedAt === b.confirmedAt && a.id < b.id);
}
