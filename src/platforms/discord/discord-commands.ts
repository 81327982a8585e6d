import {
  ApplicationIntegrationType,
  InteractionContextType,
  Locale as DiscordLocale,
  PermissionFlagsBits,
  SlashCommandBuilder,
  Routes,
  type APIApplication,
  type APIApplicationCommand,
  type REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { MessageKey } from '../shared/i18n/en.js';
import type { Locale } from '../shared/i18n/locales.js';
import { say } from '../shared/i18n/translate.js';

/** Discord's locales for each of our languages besides English, the default. */
const DISCORD_LOCALES: Readonly<Record<Exclude<Locale, 'en'>, readonly DiscordLocale[]>> = {
  ru: [DiscordLocale.Russian],
  uk: [DiscordLocale.Ukrainian],
  ja: [DiscordLocale.Japanese],
  ko: [DiscordLocale.Korean],
  'zh-CN': [DiscordLocale.ChineseCN],
  es: [DiscordLocale.SpanishES, DiscordLocale.SpanishLATAM],
  'pt-BR': [DiscordLocale.PortugueseBR],
  de: [DiscordLocale.German],
  fr: [DiscordLocale.French],
};

/**
 * The texts of the commands: the default (English, or `BOT_LANGUAGE`) and, unless a language is
 * forced, every other language as Discord's `*_localizations`, so each person's client shows
 * the commands' descriptions and choices in its own language. Command and option names stay as
 * they are: the bot's messages name them (/memory, /forget).
 */
export function commandTexts(forced?: Locale) {
  const text = (key: MessageKey) => say(forced ?? 'en', { key });
  const localizations = (key: MessageKey): Partial<Record<DiscordLocale, string>> | null => {
    if (forced) return null;
    const entries = Object.entries(DISCORD_LOCALES).flatMap(([locale, codes]) =>
      codes.map((code) => [code, say(locale as Locale, { key })] as const),
    );
    return Object.fromEntries(entries);
  };
  return {
    /** The text of `key` in the default language. */
    text,
    localizations,
    /** A choice whose name is shown in each person's language. */
    choice: (key: MessageKey, value: string) => ({
      name: text(key),
      value,
      name_localizations: localizations(key),
    }),
  };
}

/**
 * The slash commands, built with discord.js builders; usable in guilds and in DMs with the bot.
 * `/persona` changes a channel's persona, so in servers Discord shows it by default only to
 * members with Manage Server (`default_member_permissions`; a server can grant it to others in
 * its integration settings, and the bot checks the permission itself all the same); Discord
 * applies no member permissions in DMs. `forced`: `BOT_LANGUAGE`, the one language of every text.
 */
export function discordCommands(
  forced?: Locale,
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const contexts = [InteractionContextType.Guild, InteractionContextType.BotDM];
  const { text, localizations, choice } = commandTexts(forced);
  return [
    new SlashCommandBuilder()
      .setName('forget')
      .setDescription(text('discord.forget'))
      .setDescriptionLocalizations(localizations('discord.forget'))
      .addStringOption((option) =>
        option
          .setName('scope')
          .setDescription(text('discord.forget.scope'))
          .setDescriptionLocalizations(localizations('discord.forget.scope'))
          .addChoices(
            choice('discord.forget.here', 'here'),
            choice('discord.forget.everywhere', 'everywhere'),
          ),
      )
      .setContexts(contexts)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
      .toJSON(),
    new SlashCommandBuilder()
      .setName('memory')
      .setDescription(text('discord.memory'))
      .setDescriptionLocalizations(localizations('discord.memory'))
      .setContexts(contexts)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
      .toJSON(),
    new SlashCommandBuilder()
      .setName('remember')
      .setDescription(text('discord.remember'))
      .setDescriptionLocalizations(localizations('discord.remember'))
      .addStringOption((option) =>
        option
          .setName('fact')
          .setDescription(text('discord.remember.fact'))
          .setDescriptionLocalizations(localizations('discord.remember.fact'))
          .setMaxLength(200),
      )
      .addStringOption((option) =>
        option
          .setName('learning')
          .setDescription(text('discord.remember.learning'))
          .setDescriptionLocalizations(localizations('discord.remember.learning'))
          .addChoices(choice('discord.remember.on', 'on'), choice('discord.remember.off', 'off')),
      )
      .setContexts(contexts)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
      .toJSON(),
    new SlashCommandBuilder()
      .setName('persona')
      .setDescription(text('discord.persona'))
      .setDescriptionLocalizations(localizations('discord.persona'))
      .addStringOption((option) =>
        option
          .setName('text')
          .setDescription(text('discord.persona.text'))
          .setDescriptionLocalizations(localizations('discord.persona.text')),
      )
      .addBooleanOption((option) =>
        option
          .setName('reset')
          .setDescription(text('discord.persona.reset'))
          .setDescriptionLocalizations(localizations('discord.persona.reset')),
      )
      .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
      .setContexts(contexts)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
      .toJSON(),
    new SlashCommandBuilder()
      .setName('model')
      .setDescription(text('discord.model'))
      .setDescriptionLocalizations(localizations('discord.model'))
      .addStringOption((option) =>
        option
          .setName('name')
          .setDescription(text('discord.model.name'))
          .setDescriptionLocalizations(localizations('discord.model.name'))
          .setMaxLength(100),
      )
      .setContexts(contexts)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
      .toJSON(),
    new SlashCommandBuilder()
      .setName('usage')
      .setDescription(text('discord.usage'))
      .setDescriptionLocalizations(localizations('discord.usage'))
      .setContexts(contexts)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
      .toJSON(),
  ];
}

/** A localization map in a stable shape: absent, null and empty are the same. */
function sorted(map: Partial<Record<string, string | null>> | null | undefined): string[][] {
  return Object.entries(map ?? {})
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .sort(([a], [b]) => a.localeCompare(b));
}

/** The fields that matter, in a stable shape, to tell whether registration is needed. */
function shape(
  command: APIApplicationCommand | RESTPostAPIChatInputApplicationCommandsJSONBody,
): string {
  const options = (command.options ?? []).map((option) => ({
    name: option.name,
    description: option.description,
    descriptions: sorted(option.description_localizations),
    type: option.type,
    required: Boolean('required' in option && option.required),
    choices: ('choices' in option && option.choices ? option.choices : []).map((c) => [
      c.name,
      c.value,
      sorted(c.name_localizations),
    ]),
  }));
  return JSON.stringify({
    name: command.name,
    description: command.description,
    descriptions: sorted(command.description_localizations),
    options,
    contexts: [...(command.contexts ?? [])].sort(),
    permissions: command.default_member_permissions ?? null,
  });
}

/** True when the registered global commands differ from ours (so a bulk overwrite is needed). */
export function commandsDiffer(
  registered: readonly APIApplicationCommand[],
  wanted: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
): boolean {
  const have = registered.map(shape).sort();
  const want = wanted.map(shape).sort();
  return JSON.stringify(have) !== JSON.stringify(want);
}

/**
 * Registers the global slash commands only when they differ from what Discord has: a bulk
 * overwrite on every start would burn the daily command-creation limit. Used at start-up and by
 * `npm run register-commands`. Returns whether it wrote.
 */
export async function syncCommands(
  rest: REST,
  applicationId?: string,
  forced?: Locale,
): Promise<boolean> {
  const appId =
    applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  // Without `with_localizations`, Discord leaves the localization maps out of the list.
  const registered = (await rest.get(Routes.applicationCommands(appId), {
    query: new URLSearchParams({ with_localizations: 'true' }),
  })) as APIApplicationCommand[];
  const wanted = discordCommands(forced);
  if (!commandsDiffer(registered, wanted)) return false;
  await rest.put(Routes.applicationCommands(appId), { body: wanted });
  return true;
}
