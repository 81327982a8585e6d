import {
  ApplicationIntegrationType,
  InteractionContextType,
  SlashCommandBuilder,
  Routes,
  type APIApplication,
  type APIApplicationCommand,
  type REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';

/** The slash commands, built with discord.js builders; usable in guilds and in DMs with the bot. */
export function discordCommands(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const contexts = [InteractionContextType.Guild, InteractionContextType.BotDM];
  return [
    new SlashCommandBuilder()
      .setName('forget')
      .setDescription('Make the bot forget what it remembers of you')
      .addStringOption((option) =>
        option
          .setName('scope')
          .setDescription('Where to forget (default: this channel)')
          .addChoices(
            { name: 'this channel', value: 'here' },
            { name: 'everywhere', value: 'everywhere' },
          ),
      )
      .setContexts(contexts)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
      .toJSON(),
    new SlashCommandBuilder()
      .setName('memory')
      .setDescription('Show what the bot remembers of you in this channel')
      .setContexts(contexts)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
      .toJSON(),
    new SlashCommandBuilder()
      .setName('remember')
      .setDescription('Make the bot remember a fact about you, or stop or resume its learning')
      .addStringOption((option) =>
        option
          .setName('fact')
          .setDescription('What to remember, e.g. "I am vegetarian"')
          .setMaxLength(200),
      )
      .addStringOption((option) =>
        option
          .setName('learning')
          .setDescription('Learn facts about you as you talk (default: on)')
          .addChoices({ name: 'on', value: 'on' }, { name: 'off', value: 'off' }),
      )
      .setContexts(contexts)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
      .toJSON(),
  ];
}

/** The fields that matter, in a stable shape, to tell whether registration is needed. */
function shape(
  command: APIApplicationCommand | RESTPostAPIChatInputApplicationCommandsJSONBody,
): string {
  const options = (command.options ?? []).map((option) => ({
    name: option.name,
    description: option.description,
    type: option.type,
    required: Boolean('required' in option && option.required),
    choices: ('choices' in option && option.choices ? option.choices : []).map((c) => [
      c.name,
      c.value,
    ]),
  }));
  return JSON.stringify({
    name: command.name,
    description: command.description,
    options,
    contexts: [...(command.contexts ?? [])].sort(),
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
export async function syncCommands(rest: REST, applicationId?: string): Promise<boolean> {
  const appId =
    applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  const registered = (await rest.get(Routes.applicationCommands(appId))) as APIApplicationCommand[];
  const wanted = discordCommands();
  if (!commandsDiffer(registered, wanted)) return false;
  await rest.put(Routes.applicationCommands(appId), { body: wanted });
  return true;
}
