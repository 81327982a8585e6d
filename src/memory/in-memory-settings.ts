import {
  USAGE_DAY_SECONDS,
  USAGE_MONTH_SECONDS,
  assertUsageDay,
  chatOf,
  usageMonth,
  type SessionRef,
  type UsageCharge,
  type UsageTotals,
} from '../core/memory-port.js';

type Person = Pick<SessionRef, 'platform' | 'userId'>;

const keyOf = (person: Person) => `${person.platform}:${person.userId}`;

interface PersonModels {
  /** Session ID → model name. */
  readonly choices: Map<string, string>;
  expiresAt: number;
}

interface Counter {
  tokens: number;
  expiresAt: number;
}

/**
 * The settings part of `InMemoryMemoryStore`: chats' personas (kept until removed), people's
 * model choices per session (with the sliding expiry of their facts) and their usage counters
 * per day and month (expiring as in Redis). Every method changes its state synchronously.
 */
export class InMemorySettings {
  private readonly personas = new Map<string, string>();
  private readonly models = new Map<string, PersonModels>();
  /** `<platform>:<user>|<day or month>` → tokens. */
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly now: () => number,
    private readonly options: { readonly ttlSeconds: number },
  ) {}

  persona(session: SessionRef): string | undefined {
    return this.personas.get(chatOf(session));
  }

  setPersona(session: SessionRef, persona: string | undefined): void {
    if (persona === undefined) this.personas.delete(chatOf(session));
    else this.personas.set(chatOf(session), persona);
  }

  model(session: SessionRef): string | undefined {
    return this.liveModels(session)?.choices.get(session.id);
  }

  setModel(session: SessionRef, model: string | undefined): void {
    const person = this.liveModels(session) ?? { choices: new Map<string, string>(), expiresAt: 0 };
    if (model === undefined) person.choices.delete(session.id);
    else person.choices.set(session.id, model);
    if (person.choices.size === 0) {
      this.models.delete(keyOf(session));
      return;
    }
    this.models.set(keyOf(session), person);
    this.slide(person);
  }

  /** Slides the expiry of the person's model choices, as each of their turns does. */
  touch(person: Person): void {
    const models = this.liveModels(person);
    if (models) this.slide(models);
  }

  private slide(models: PersonModels): void {
    const ttlMs = this.options.ttlSeconds * 1000;
    models.expiresAt = ttlMs > 0 ? this.now() + ttlMs : Infinity;
  }

  forgetSession(session: SessionRef): void {
    this.liveModels(session)?.choices.delete(session.id);
  }

  forgetUser(person: Person): void {
    this.models.delete(keyOf(person));
  }

  usage(person: Person, day: string): UsageTotals {
    assertUsageDay(day);
    return { day: this.counted(person, day), month: this.counted(person, usageMonth(day)) };
  }

  /** Tokens counted on `day` (the budget's read). */
  today(person: Person, day: string): number {
    assertUsageDay(day);
    return this.counted(person, day);
  }

  add(person: Person, charge: UsageCharge | undefined): void {
    if (!charge) return;
    assertUsageDay(charge.day);
    if (charge.tokens <= 0) return;
    this.count(person, charge.day, charge.tokens, USAGE_DAY_SECONDS);
    this.count(person, usageMonth(charge.day), charge.tokens, USAGE_MONTH_SECONDS);
  }

  /** Drops what expired. */
  sweep(): void {
    const now = this.now();
    for (const [key, models] of this.models) if (models.expiresAt <= now) this.models.delete(key);
    for (const [key, counter] of this.counters) {
      if (counter.expiresAt <= now) this.counters.delete(key);
    }
  }

  private counted(person: Person, period: string): number {
    const counter = this.counters.get(`${keyOf(person)}|${period}`);
    return counter && counter.expiresAt > this.now() ? counter.tokens : 0;
  }

  private count(person: Person, period: string, tokens: number, keepSeconds: number): void {
    const key = `${keyOf(person)}|${period}`;
    const now = this.now();
    const counter = this.counters.get(key);
    const before = counter && counter.expiresAt > now ? counter.tokens : 0;
    this.counters.set(key, { tokens: before + tokens, expiresAt: now + keepSeconds * 1000 });
  }

  private liveModels(person: Person): PersonModels | undefined {
    const models = this.models.get(keyOf(person));
    if (models && models.expiresAt <= this.now()) {
      this.models.delete(keyOf(person));
      return undefined;
    }
    return models;
  }
}
