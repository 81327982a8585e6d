import { localeOf, type Locale } from './locales.js';

/**
 * People's languages as their last interaction told them (Discord sends a `locale` with slash
 * commands and buttons, not with messages), kept in this process so their later messages are
 * answered in the same language. Bounded: the least recently seen are forgotten first.
 */
export class LocaleMemory {
  private readonly byPerson = new Map<string, Locale>();

  /** Default 10,000 people: about 1 MB at most, and a restart only falls back to the server's. */
  constructor(private readonly capacity = 10_000) {}

  /** Notes the person's language; one the bot does not write forgets what was noted. */
  remember(person: string, code: string | null | undefined): void {
    const locale = localeOf(code);
    this.byPerson.delete(person);
    if (!locale) return;
    this.byPerson.set(person, locale);
    if (this.byPerson.size > this.capacity) {
      const oldest = this.byPerson.keys().next().value;
      if (oldest !== undefined) this.byPerson.delete(oldest);
    }
  }

  recall(person: string): Locale | undefined {
    const locale = this.byPerson.get(person);
    if (locale) {
      this.byPerson.delete(person);
      this.byPerson.set(person, locale);
    }
    return locale;
  }

  get size(): number {
    return this.byPerson.size;
  }
}
