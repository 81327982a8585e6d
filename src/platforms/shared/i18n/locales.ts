/** The languages the bot writes in. English is the fallback of every other. */
export const LOCALES = ['en', 'ru', 'uk', 'ja', 'ko', 'zh-CN', 'es', 'pt-BR', 'de', 'fr'] as const;

export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'en';

/**
 * Telegram's `language_code` (IETF: `ru`, `pt-br`, `zh-hans`) and Discord's locales (`pt-BR`,
 * `zh-CN`, `es-ES`, `en-US`) as one of ours; undefined when we do not write that language.
 * Traditional Chinese (`zh-TW`, `zh-HK`, `zh-Hant`) is left to the next candidate rather than
 * answered in Simplified characters.
 */
export function localeOf(code: string | null | undefined): Locale | undefined {
  if (!code) return undefined;
  const parts = code.trim().toLowerCase().replaceAll('_', '-').split('-');
  const language = parts[0] ?? '';
  if (language === 'zh') {
    const traditional = parts.slice(1).some((p) => ['hant', 'tw', 'hk', 'mo'].includes(p));
    return traditional ? undefined : 'zh-CN';
  }
  if (language === 'pt') return 'pt-BR';
  return LOCALES.find((locale) => locale === language);
}

/**
 * The language to write in: the first candidate we support, in the order given (e.g. the
 * operator's `BOT_LANGUAGE`, the person's own setting, the server's), else English.
 */
export function resolveLocale(...candidates: readonly (string | null | undefined)[]): Locale {
  for (const candidate of candidates) {
    const locale = localeOf(candidate);
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}
