import {
  ApplicationIntegrationType,
  InteractionContextType,
  SlashCommandBuilder,
  type ApplicationCommand,
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
  ];
}

/** The fields that matter, in a stable shape, to tell whether registration is needed. */
function shape(command: {
  name: string;
  description: string;
  options?: readonly unknown[];
  contexts?: readonly number[] | null;
}): string {
  const options = (command.options ?? []).map((o) => {
    const option = o as {
      name: string;
      description: string;
      type: number;
      required?: boolean;
      choices?: { name: string; value: unknown }[];
    };
    return {
      name: option.name,
      description: option.description,
      type: option.type,
      required: Boolean(option.required),
      choices: (option.choices ?? []).map((c) => [c.name, c.value]),
    };
  });
  return JSON.stringify({
    name: command.name,
    description: command.description,
    options,
    contexts: [...(command.contexts ?? [])].sort(),
  });
}

/** True when the registered global commands differ from ours (so a bulk overwrite is needed). */
export function commandsDiffer(
  registered: Iterable<Pick<ApplicationCommand, 'name' | 'description' | 'options' | 'contexts'>>,
  wanted: RESTPostAPIChatInputApplicationCommandsJSONBody[],
): boolean {
  const have = [...registered].map((c) => shape(c)).sort();
  const want = wanted
    .map((c) => shape({ ...c, description: c.description, options: c.options ?? [] }))
    .sort();
  return JSON.stringify(have) !== JSON.stringify(want);
}
