/**
 * The catalogs' message syntax, small on purpose so that checks and types stay mechanical:
 *
 * - `{name}`: a placeholder; numbers are formatted for the locale (`1,234`, `1 234`, `1.234`),
 *   strings go in as they are (callers format lists, durations and sizes with `formatters.ts`).
 * - `{count|one:# message|other:# messages}`: a plural of the number `count`, one branch per
 *   CLDR category of the locale (`Intl.PluralRules`: zero, one, two, few, many, other); `#` is
 *   the number, formatted. `other` is required. Branches hold plain text only: no braces, no `|`.
 *
 * ICU MessageFormat would nest placeholders in branches, but then neither a type nor a test can
 * read the placeholders of a string with a regular expression; no message needs nesting.
 */

/** A value of a placeholder. */
export type Param = string | number;

/** The placeholder names of a message, as a type: `'a {x} b {n|one:# c|other:# cs}'` → `'x' | 'n'`. */
export type PlaceholdersOf<S extends string> = S extends `${string}{${infer Inner}}${infer Rest}`
  ? (Inner extends `${infer Name}|${string}` ? Name : Inner) | PlaceholdersOf<Rest>
  : never;

/** One placeholder or plural as found in a message. */
export interface Placeholder {
  readonly name: string;
  /** The plural's categories (`one`, `few`, `other`…); undefined for a plain placeholder. */
  readonly plural?: readonly string[];
  /** For a plural: whether any branch shows the number (`#`), or only picks a word. */
  readonly showsNumber?: boolean;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Every placeholder of a message, in order (a name may repeat). */
export function placeholdersOf(message: string): Placeholder[] {
  return [...message.matchAll(PLACEHOLDER)].map((match) => parsePlaceholder(match[1] ?? ''));
}

function parsePlaceholder(inner: string): Placeholder {
  const [name = '', ...branches] = inner.split('|');
  if (branches.length === 0) return { name };
  return {
    name,
    plural: branches.map((branch) => branch.slice(0, branch.indexOf(':'))),
    showsNumber: branches.some((branch) => branch.includes('#')),
  };
}

const numberFormats = new Map<string, Intl.NumberFormat>();
const pluralRules = new Map<string, Intl.PluralRules>();

function cached<T>(cache: Map<string, T>, locale: string, make: () => T): T {
  let value = cache.get(locale);
  if (!value) {
    value = make();
    cache.set(locale, value);
  }
  return value;
}

/** `1234` as the locale writes it. */
export function formatNumber(locale: string, value: number): string {
  return cached(numberFormats, locale, () => new Intl.NumberFormat(locale)).format(value);
}

/**
 * The message with its placeholders filled. A placeholder without a value stays as written
 * (`{name}`), so a mistake shows in the text instead of throwing in front of a person.
 */
export function formatMessage(
  locale: string,
  message: string,
  params: Readonly<Record<string, Param>> = {},
): string {
  return message.replace(PLACEHOLDER, (whole, inner: string) => {
    const [name = '', ...branches] = inner.split('|');
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (value === undefined) return whole;
    if (branches.length === 0) {
      return typeof value === 'number' ? formatNumber(locale, value) : value;
    }
    const count = typeof value === 'number' ? value : Number(value);
    const rules = cached(pluralRules, locale, () => new Intl.PluralRules(locale));
    const category = rules.select(count);
    const branch =
      branches.find((b) => b.startsWith(`${category}:`)) ??
      branches.find((b) => b.startsWith('other:')) ??
      '';
    return branch.slice(branch.indexOf(':') + 1).replaceAll('#', formatNumber(locale, count));
  });
}
