import { describe, expect, expectTypeOf, it } from 'vitest';
import { BudgetExceededError } from '../../../src/core/budget-error.js';
import {
  InputRejectedError,
  MemoryUnavailableError,
  ModelError,
  RateLimitedError,
  SessionBusyError,
  TurnAbortedError,
  type ConversationError,
} from '../../../src/core/errors.js';
import { en, type MessageKey } from '../../../src/platforms/shared/i18n/en.js';
import {
  formatDuration,
  formatList,
  formatMegabytes,
} from '../../../src/platforms/shared/i18n/formatters.js';
import {
  formatMessage,
  placeholdersOf,
  type PlaceholdersOf,
} from '../../../src/platforms/shared/i18n/message-format.js';
import {
  CATALOGS,
  errorText,
  isMessageKey,
  LOCALES,
  localeOf,
  resolveLocale,
  say,
  translate,
  translator,
} from '../../../src/platforms/shared/i18n/translate.js';

const keys = Object.keys(en).sort();

/**
 * Placeholders of the English text a translation must carry. A plural whose branches never show
 * the number (`{count|one:is|other:are}`) only picks a word: languages without that agreement
 * (Japanese, Chinese…) may leave it out.
 */
function required(message: string): Set<string> {
  const names = new Set<string>();
  for (const p of placeholdersOf(message)) if (!p.plural || p.showsNumber) names.add(p.name);
  return names;
}

/** Plural categories a language uses for whole numbers people will see (0–200). */
function categoriesSeen(locale: string): Set<string> {
  const rules = new Intl.PluralRules(locale);
  return new Set(Array.from({ length: 201 }, (_, n) => rules.select(n)));
}

describe('message catalogs', () => {
  it.each(LOCALES)('%s has exactly the keys of English', (locale) => {
    expect(Object.keys(CATALOGS[locale]).sort()).toEqual(keys);
  });

  it.each(LOCALES)('%s has the placeholders of English, and no other', (locale) => {
    const wrong: string[] = [];
    for (const key of keys as MessageKey[]) {
      const english = new Set(placeholdersOf(en[key]).map((p) => p.name));
      const own = new Set(placeholdersOf(CATALOGS[locale][key]).map((p) => p.name));
      const missing = [...required(en[key])].filter((name) => !own.has(name));
      const extra = [...own].filter((name) => !english.has(name));
      if (missing.length > 0 || extra.length > 0) {
        wrong.push(`${key}: missing [${missing.join(', ')}], extra [${extra.join(', ')}]`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each(LOCALES)('%s writes every plural with the categories of its language', (locale) => {
    const known = new Set(new Intl.PluralRules(locale).resolvedOptions().pluralCategories);
    const needed = categoriesSeen(locale);
    const wrong: string[] = [];
    for (const key of keys as MessageKey[]) {
      for (const { name, plural } of placeholdersOf(CATALOGS[locale][key])) {
        if (!plural) continue;
        const given = new Set(plural);
        const unknown = plural.filter((c) => !known.has(c as Intl.LDMLPluralRule));
        const absent = [...needed, 'other'].filter((c) => !given.has(c));
        if (unknown.length > 0 || absent.length > 0) {
          wrong.push(
            `${key} {${name}}: unknown [${unknown.join(', ')}], absent [${absent.join(', ')}]`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each(LOCALES)(
    '%s avoids Markdown that would format its texts, and fits the platforms',
    (locale) => {
      for (const key of keys as MessageKey[]) {
        const text = CATALOGS[locale][key];
        expect(text, key).not.toMatch(/[*_`[\]]/);
        expect(text.trim(), key).not.toBe('');
        if (key.startsWith('discord.')) expect(text.length, key).toBeLessThanOrEqual(100);
        if (key.startsWith('command.') && !key.startsWith('command.unknown')) {
          expect(text.length, key).toBeLessThanOrEqual(256);
        }
      }
    },
  );

  it('fills placeholders with numbers written for the language', () => {
    expect(translate('ru', 'input.tooLong', { length: 5000, limit: 4000 })).toBe(
      'В вашем сообщении 5\u00a0000 символов, а я могу прочитать не больше 4\u00a0000. ' +
        'Пожалуйста, сократите его или отправьте по частям.',
    );
    expect(translate('en', 'input.tooLong', { length: 5000, limit: 4000 })).toContain(
      'Your message is 5,000 characters long, and I can read at most 4,000.',
    );
    expect(translate('ja', 'input.tooLong', { length: 5000, limit: 4000 })).toContain(
      'メッセージが5,000文字あります。',
    );
    expect(translate('de', 'turn.busy', { seconds: 1 })).toContain('in 1 Sekunde noch');
    expect(translate('ru', 'turn.busy', { seconds: 22 })).toContain('через 22 секунды.');
    expect(translate('ru', 'turn.busy', { seconds: 25 })).toContain('через 25 секунд.');
    expect(translate('en', 'memory.nothing')).toBe(en['memory.nothing']);
  });

  it('falls back to English for a key a catalog lacks, and keeps unknown placeholders visible', () => {
    const ru = CATALOGS.ru as Record<string, string>;
    const saved = ru['remember.known'];
    delete ru['remember.known'];
    try {
      expect(say('ru', { key: 'remember.known' })).toBe('I already knew that.');
    } finally {
      ru['remember.known'] = saved!;
    }
    expect(formatMessage('en', 'Hi {name}!', {})).toBe('Hi {name}!');
    expect(formatMessage('en', '{n|one:# fact|other:# facts}', { n: 1 })).toBe('1 fact');
  });

  it('binds a translator to a language', () => {
    const t = translator('fr');
    expect(t.locale).toBe('fr');
    expect(t('forget.here')).toBe(CATALOGS.fr['forget.here']);
  });

  it('reads placeholder names at compile time', () => {
    expectTypeOf<PlaceholdersOf<'a {x} b {n|one:# c|other:# cs}'>>().toEqualTypeOf<'x' | 'n'>();
    expectTypeOf<PlaceholdersOf<(typeof en)['input.tooLong']>>().toEqualTypeOf<
      'length' | 'limit'
    >();
  });
});

describe("the core's texts", () => {
  const errors: ConversationError[] = [
    new InputRejectedError('empty'),
    new InputRejectedError('too_long', 5000, 4000),
    ...(['timeout', 'rate_limited', 'unavailable', 'rejected', 'empty'] as const).map(
      (kind) => new ModelError(kind, undefined),
    ),
    new MemoryUnavailableError(),
    new SessionBusyError(3000),
    new SessionBusyError(20_000),
    new RateLimitedError(1000),
    new RateLimitedError(42_000),
    new TurnAbortedError(),
    new BudgetExceededError(50_000, 5 * 60_000),
    new BudgetExceededError(50_000, 5 * 3_600_000),
  ];

  it.each(LOCALES)('every error of a turn has a key with all its values in %s', (locale) => {
    for (const error of errors) {
      expect(isMessageKey(error.userText.key), error.userText.key).toBe(true);
      const text = errorText(locale, error);
      expect(text, error.userText.key).not.toMatch(/[{}]/);
      expect(text).not.toBe(errorText(locale, undefined));
    }
  });

  it('says the English of an error as its userMessage does (digits grouped or not)', () => {
    const plain = (text: string) => text.replace(/(\d),(\d)/g, '$1$2');
    for (const error of errors)
      expect(plain(errorText('en', error))).toBe(plain(error.userMessage));
  });
});

describe('resolveLocale', () => {
  it.each([
    ['ru', 'ru'],
    ['uk', 'uk'],
    ['pt-br', 'pt-BR'],
    ['pt-BR', 'pt-BR'],
    ['pt', 'pt-BR'],
    ['zh-hans', 'zh-CN'],
    ['zh-CN', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['es-ES', 'es'],
    ['es-419', 'es'],
    ['en-US', 'en'],
    ['en-GB', 'en'],
    ['de', 'de'],
    ['fr', 'fr'],
    ['ja', 'ja'],
    ['ko', 'ko'],
    ['JA_jp', 'ja'],
  ])('maps %s to %s', (code, locale) => {
    expect(localeOf(code)).toBe(locale);
  });

  it('takes the first candidate it supports, else English', () => {
    expect(resolveLocale(undefined, '', 'it', 'de')).toBe('de');
    expect(resolveLocale('zh-TW', 'zh-hant')).toBe('en');
    expect(resolveLocale('fr', 'ru')).toBe('fr');
    expect(resolveLocale()).toBe('en');
    expect(resolveLocale(null, 'nl')).toBe('en');
  });
});

describe('formatters', () => {
  it('writes lists, durations and sizes for the language', () => {
    expect(formatList('en', ['a', 'b'])).toBe('a and b');
    expect(formatList('ru', ['a', 'b', 'c'])).toBe('a, b и c');
    expect(formatDuration('ru', 75)).toBe('1 мин 15 с');
    expect(formatDuration('ja', 40)).toBe('40 秒');
    expect(formatMegabytes('de', 1572864)).toBe('1,5');
    expect(formatMegabytes('en', 5242880)).toBe('5');
  });
});
