import { REST } from 'discord.js';
import { readConfigOrExit } from './config.js';
import { syncCommands } from './platforms/discord/discord-commands.js';

/**
 * `npm run register-commands`: registers Discord's slash commands now, without starting the bot
 * (the bot also does this at start-up, only when they changed).
 */
async function main(): Promise<void> {
  const config = readConfigOrExit();
  const discord = config.discord;
  if (!discord) {
    process.stderr.write('Set DISCORD_TOKEN (in .env or the environment) to register commands.\n');
    process.exit(1);
  }
  const rest = new REST({ api: discord.apiUrl }).setToken(discord.token);
  try {
    const written = await syncCommands(rest, undefined, config.language);
    process.stdout.write(
      written ? 'Slash commands registered.\n' : 'Slash commands already up to date.\n',
    );
  } catch (error) {
    const status = (error as { status?: number }).status;
    process.stderr.write(
      status === 401
        ? 'Discord rejected DISCORD_TOKEN: copy the bot token again from the Developer Portal.\n'
        : `Could not register the commands: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}

await main();
