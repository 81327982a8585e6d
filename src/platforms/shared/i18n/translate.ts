import { userTextFor, type UserText } from '../../../core/errors.js';
import { de } from './de.js';
import { en, type Catalog, type MessageKey } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { ja } from './ja.js';
import { ko } from './ko.js';
import type { Locale } from './locales.js';
import { formatMessage, type Param, type PlaceholdersOf } from './message-format.js';
import { ptBR } from './pt-br.js';
import { ru } from './ru.js';
import { uk } from './uk.js';
import { zhCN } from './zh-cn.js';

export type { MessageKey } from './en.js';
export { DEFAULT_LOCALE, LOCALES, localeOf, resolveLocale, type Locale } from './locales.js';

/** Every language's catalog. */
export const CATALOGS: Readonly<Record<Locale, Catalog>> = {
  en,
  ru,
  uk,
  ja,
  ko,
  'zh-CN': zhCN,
  es,
  'pt-BR': ptBR,
  de,
  fr,
};

/** The values a message needs, by placeholder name, read from the English text at compile time. */
export type ParamsOf<K extends MessageKey> = {
  readonly [P in PlaceholdersOf<(typeof en)[K]>]: Param;
};

/** A message's arguments: none for a message without placeholders, else all its values. */
export type ArgsOf<K extends MessageKey> = [PlaceholdersOf<(typeof en)[K]>] extends [never]
  ? []
  : [params: ParamsOf<K>];

/** A message key with its values, e.g. as carried by an error until a platform says it. */
export interface Message {
  readonly key: MessageKey;
  readonly params?: Readonly<Record<string, Param>>;
}

/**
 * The text of `key` in `locale`, placeholders filled (numbers formatted for the locale). A text
 * missing from a catalog falls back to English (the catalog test keeps that from happening).
 */
export function translate<K extends MessageKey>(
  locale: Locale,
  key: K,
  ...args: ArgsOf<K>
): string {
  return say(locale, { key, params: args[0] });
}

/** The text of a message whose key is only known at run time (an error's). */
export function say(locale: Locale, message: Message): string {
  const text = (CATALOGS[locale] as Partial<Catalog>)[message.key];
  if (text === undefined) return formatMessage('en', en[message.key], message.params);
  return formatMessage(locale, text, message.params);
}

/** A message with its values, checked like `translate`'s arguments, to be said later. */
export function message<K extends MessageKey>(key: K, ...args: ArgsOf<K>): Message {
  return args[0] === undefined ? { key } : { key, params: args[0] };
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** A text of the core (an error's, a notice's) in `locale`; an unknown key: the generic apology. */
export function sayText(locale: Locale, text: UserText): string {
  if (!isMessageKey(text.key)) return say(locale, { key: 'error.generic' });
  return say(locale, { key: text.key, params: text.params });
}

/** What to tell the person about a failure, in their language: specific when known. */
export function errorText(locale: Locale, error: unknown): string {
  return sayText(locale, userTextFor(error));
}

/** `translate` bound to one language: what a request's handling passes around. */
export interface Translator {
  readonly locale: Locale;
  <K extends MessageKey>(key: K, ...args: ArgsOf<K>): string;
}

export function translator(locale: Locale): Translator {
  const t = <K extends MessageKey>(key: K, ...args: ArgsOf<K>) => translate(locale, key, ...args);
  return Object.assign(t, { locale });
}
