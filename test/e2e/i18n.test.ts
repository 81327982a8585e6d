import { beforeEach, describe, expect, it } from 'vitest';
import { en } from '../../src/platforms/shared/i18n/en.js';
import { CATALOGS, translate } from '../../src/platforms/shared/i18n/translate.js';
import type { FakeChannel, FakeUser } from '../doubles/fake-discord-server.js';
import { makeUser, privateChat } from '../doubles/fake-telegram-server.js';
import { useDiscordE2E } from '../support/discord-e2e.js';
import { useTelegramE2E } from '../support/telegram-e2e.js';

/**
 * The bot's own words in each person's language, through the real adapters (grammY and
 * discord.js against the fake platforms), the real ChatOpenAI and real Redis.
 */
const LIMIT = 20;
const TOO_LONG = 'x'.repeat(35);

describe('Languages on Telegram, end to end', () => {
  const tg = useTelegramE2E('i18n-telegram', {
    botUsername: 'polyglot_test_bot',
    apiKey: 'sk-i18n-telegram',
    env: { MAX_INPUT_CHARS: String(LIMIT) },
  });
  const { e2e } = tg;

  /** The bot's one answer to `text` from `from` in their private chat. */
  async function answerTo(from: ReturnType<typeof makeUser>, text: string): Promise<string> {
    const before = tg.telegram.sentMessages().length;
    tg.telegram.sendMessage(from, privateChat(from), text);
    await tg.telegram.waitFor(() => tg.telegram.sentMessages().length > before, 8000);
    return tg.telegram.sentMessages().at(-1)!.text!;
  }

  it('refuses an over-long message in Russian for `ru` and in Japanese for `ja`, without a model call', async () => {
    await tg.start();
    const ivan = makeUser(2001, 'Иван', { language_code: 'ru' });
    const yuki = makeUser(2002, 'Yuki', { language_code: 'ja' });
    const ann = makeUser(2003, 'Ann', { language_code: 'en' });
    const params = { length: TOO_LONG.length, limit: LIMIT };

    const russian = await answerTo(ivan, TOO_LONG);
    expect(russian).toBe(translate('ru', 'input.tooLong', params));
    expect(russian).toMatch(/^В вашем сообщении 35 символов, а я могу прочитать не больше 20\./);

    const japanese = await answerTo(yuki, TOO_LONG);
    expect(japanese).toBe(translate('ja', 'input.tooLong', params));
    expect(japanese).toMatch(/^メッセージが35文字あります。私が読めるのは20文字までです。/);

    expect(await answerTo(ann, TOO_LONG)).toBe(translate('en', 'input.tooLong', params));
    expect(e2e.openai.requests).toHaveLength(0);
  });

  it('answers commands in the person’s language, and falls back to English for one it lacks', async () => {
    await tg.start();
    const hans = makeUser(2011, 'Hans', { language_code: 'de' });
    const maria = makeUser(2012, 'Maria', { language_code: 'pt-br' });
    const giulia = makeUser(2013, 'Giulia', { language_code: 'it' });
    expect(await answerTo(hans, '/memory')).toBe(
      `${CATALOGS.de['memory.nothing']}\n\n${CATALOGS.de['memory.learningOn']}`,
    );
    expect(await answerTo(maria, '/forget')).toBe(CATALOGS['pt-BR']['forget.here']);
    expect(await answerTo(giulia, '/memory')).toMatch(new RegExp(`^${en['memory.nothing']}`));
    expect(await answerTo(hans, '/start')).toMatch(/^Hallo Hans! Ich bin ein Chatbot/);
  });

  it('registers the command menu in every language with setMyCommands', async () => {
    await tg.start();
    const described = (languageCode?: string) =>
      Object.fromEntries(
        tg.telegram.commands(undefined, languageCode).map((c) => [c.command, c.description]),
      );
    expect(described()).toMatchObject({ memory: en['command.memory'] });
    expect(described('ru')).toMatchObject({
      start: CATALOGS.ru['command.start'],
      memory: CATALOGS.ru['command.memory'],
      forget: CATALOGS.ru['command.forget'],
    });
    expect(described('ja')).toMatchObject({ help: CATALOGS.ja['command.help'] });
    expect(described('zh')).toMatchObject({ help: CATALOGS['zh-CN']['command.help'] });
    expect(described('pt')).toMatchObject({ help: CATALOGS['pt-BR']['command.help'] });
    const languages = tg.telegram
      .callsTo('setMyCommands')
      .map((call) => call.params.language_code ?? '')
      .sort();
    expect(languages).toEqual(['', 'de', 'es', 'fr', 'ja', 'ko', 'pt', 'ru', 'uk', 'zh']);
  });

  it('with BOT_LANGUAGE writes every text in that language, whatever the person’s', async () => {
    await tg.start({ BOT_LANGUAGE: 'de' });
    const ivan = makeUser(2021, 'Иван', { language_code: 'ru' });
    expect(await answerTo(ivan, TOO_LONG)).toBe(
      translate('de', 'input.tooLong', { length: TOO_LONG.length, limit: LIMIT }),
    );
    const description = (languageCode?: string) =>
      tg.telegram.commands(undefined, languageCode).find((c) => c.command === 'memory')
        ?.description;
    expect(description()).toBe(CATALOGS.de['command.memory']);
    expect(description('ru')).toBe(CATALOGS.de['command.memory']);
  });
});

describe('Languages on Discord, end to end', () => {
  const dc = useDiscordE2E('i18n-discord', {
    token: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-i18n_tests',
    apiKey: 'sk-i18n-discord',
    botUsername: 'polyglot',
    guild: { name: 'Serveur', preferredLocale: 'fr' },
    env: { MAX_INPUT_CHARS: String(LIMIT) },
  });
  const { e2e } = dc;
  let general: FakeChannel;

  beforeEach(() => {
    general = dc.guild.channels[0]!;
  });

  /** A slash command of Alice's with her client in `locale`; resolves with its answer. */
  async function command(name: string, locale: string): Promise<string> {
    const interaction = dc.discord.createInteraction({
      name,
      user: dc.alice,
      channelId: general.id,
      locale,
    });
    await dc.discord.waitFor(
      () => dc.discord.interactionResponses(interaction.id).original?.edits.length === 1,
      5000,
    );
    return dc.discord.interactionResponses(interaction.id).original!.content;
  }

  /** `author` mentions the bot in #general; resolves with the bot's new message there. */
  async function mention(author: FakeUser, content: string): Promise<string> {
    const mine = () => dc.discord.messagesIn(general.id).filter((m) => m.author.id === dc.bot.id);
    const before = mine().length;
    dc.discord.createMessage({
      channelId: general.id,
      author,
      content: `<@${dc.bot.id}> ${content}`,
    });
    await dc.discord.waitFor(() => mine().length > before, 8000);
    return mine().at(-1)!.content;
  }

  it('answers /memory in German for a German client, and her later messages too', async () => {
    await dc.start();
    // Without an interaction, messages are answered in the server's language (French).
    const params = { length: TOO_LONG.length, limit: LIMIT };
    expect(await mention(dc.bob, TOO_LONG)).toBe(translate('fr', 'input.tooLong', params));

    expect(await command('memory', 'de')).toBe(
      `${CATALOGS.de['memory.nothing']}\n\n${CATALOGS.de['memory.learningOn']}`,
    );
    expect(await command('forget', 'de')).toBe(CATALOGS.de['forget.here']);
    // Discord sends no locale with messages: the one of her last interaction is remembered.
    expect(await mention(dc.alice, TOO_LONG)).toBe(translate('de', 'input.tooLong', params));
    expect(e2e.openai.requests).toHaveLength(0);
  });

  it('registers descriptions and choices in every language, and only when they changed', async () => {
    const started = await dc.start();
    const forget = dc.discord.registeredCommands().find((c) => c.name === 'forget')!;
    expect(forget.description).toBe(en['discord.forget']);
    expect(forget.description_localizations).toMatchObject({
      de: CATALOGS.de['discord.forget'],
      ja: CATALOGS.ja['discord.forget'],
      'zh-CN': CATALOGS['zh-CN']['discord.forget'],
      'es-ES': CATALOGS.es['discord.forget'],
      'es-419': CATALOGS.es['discord.forget'],
      'pt-BR': CATALOGS['pt-BR']['discord.forget'],
    });
    const scope = (
      forget.options as { choices: { value: string; name_localizations: object }[] }[]
    )[0]!;
    expect(scope.choices[0]!.name_localizations).toMatchObject({
      ru: CATALOGS.ru['discord.forget.here'],
    });

    await started.stop(1000);
    const puts = () =>
      dc.discord.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/commands')).length;
    const before = puts();
    await dc.start();
    expect(puts()).toBe(before);
    // Another language forced: the texts changed, so they are registered again.
    await e2e.stop(1000);
    await dc.start({ BOT_LANGUAGE: 'ko' });
    expect(puts()).toBe(before + 1);
    const memory = dc.discord.registeredCommands().find((c) => c.name === 'memory')!;
    expect(memory.description).toBe(CATALOGS.ko['discord.memory']);
    expect(memory.description_localizations).toBeNull();
  });
});
