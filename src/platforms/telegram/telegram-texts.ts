import type { BotCommand, LanguageCode } from 'grammy/types';
import { LOCALES, type Locale } from '../shared/i18n/locales.js';
import { translator, type Translator } from '../shared/i18n/translate.js';
import { cleanDisplayName } from '../../core/untrusted-text.js';
import { escapeMarkdown } from '../shared/markdown-escape.js';

/** The /start text: who the bot is, what it keeps and for how long, how to talk to it. */
export function greeting(
  t: Translator,
  name: string | undefined,
  ttlSeconds: number,
  username: string,
): string {
  const days = Math.round(ttlSeconds / 86_400);
  const kept =
    ttlSeconds === 0
      ? t('greeting.keptForever')
      : days >= 1
        ? t('greeting.keptDays', { days })
        : t('greeting.keptMinutes', { minutes: Math.max(1, Math.round(ttlSeconds / 60)) });
  const shown = cleanDisplayName(name);
  const hello = shown
    ? t('greeting.hello', { name: escapeMarkdown(shown) })
    : t('greeting.helloAnonymous');
  // Chinese and Japanese put no space between sentences.
  const gap = t.locale === 'ja' || t.locale === 'zh-CN' ? '' : ' ';
  return `${hello}\n\n${kept}${gap}${t('greeting.commands')}\n\n${t('help.howToTalk', { username })}`;
}

export function help(t: Translator, username: string): string {
  return [
    t('help.howToTalk', { username }),
    '',
    t('help.memory'),
    t('help.forget'),
    t('help.forgetAll'),
    t('help.remember'),
    t('help.rememberSwitch'),
    t('help.persona'),
    t('help.model'),
    t('help.usage'),
  ].join('\n');
}

/** The command menu in one language. */
export function telegramCommands(t: Translator): BotCommand[] {
  return [
    { command: 'start', description: t('command.start') },
    { command: 'help', description: t('command.help') },
    { command: 'memory', description: t('command.memory') },
    { command: 'remember', description: t('command.remember') },
    { command: 'forget', description: t('command.forget') },
    { command: 'persona', description: t('command.persona') },
    { command: 'model', description: t('command.model') },
    { command: 'usage', description: t('command.usage') },
  ];
}

export const TELEGRAM_COMMANDS: BotCommand[] = telegramCommands(translator('en'));

/**
 * The menus to register: the default one (English, or `BOT_LANGUAGE`) for everyone, and one per
 * language for people whose app uses it (`language_code`: ISO 639-1, so `zh` and `pt`). With
 * `BOT_LANGUAGE` every list is in that language, so lists left by an earlier run are replaced.
 */
export function telegramCommandMenus(
  forced?: Locale,
): { readonly languageCode?: LanguageCode; readonly commands: BotCommand[] }[] {
  const menu = (locale: Locale) => telegramCommands(translator(forced ?? locale));
  return [
    { commands: menu('en') },
    ...LOCALES.filter((locale) => locale !== 'en').map((locale) => ({
      languageCode: locale.slice(0, 2) as LanguageCode,
      commands: menu(locale),
    })),
  ];
}
