import { userInfo } from 'node:os';
import { createApp } from './app.js';
import { readConfigOrExit } from './config.js';
import { createLogger } from './logger.js';
import { ConsolePlatform } from './platforms/console/console-platform.js';
import { DiscordStartError } from './platforms/discord/discord-platform.js';
import { TelegramStartError } from './platforms/telegram/telegram-platform.js';

async function main(): Promise<void> {
  const config = readConfigOrExit();

  // With no platform configured, the terminal chat runs, and stdout is the conversation.
  const terminal = !config.telegram && !config.discord;
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  // A person chatting in the terminal sees warnings, not a line per turn (LOG_LEVEL=debug shows all).
  const level = terminal && interactive && config.logLevel === 'info' ? 'warn' : config.logLevel;
  const logger = createLogger({ level, destination: terminal ? 2 : 1 });
  process.on('unhandledRejection', (reason) =>
    logger.error({ err: reason }, 'unhandled rejection'),
  );
  process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception'));

  const app = createApp(config, logger);
  const shutdown = async (reason: string, code: number) => {
    logger.info({ reason }, 'shutting down');
    await app.stop();
    logger.info('stopped');
    logger.flush();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void shutdown(signal, 0));
  }

  try {
    await app.start();
  } catch (error) {
    const message =
      error instanceof TelegramStartError || error instanceof DiscordStartError
        ? error.message
        : String(error);
    logger.fatal({ err: { message } }, 'start-up failed');
    process.stderr.write(`${message}\n`);
    await shutdown('start-up failed', 1);
  }
  if (!terminal) return;

  const console = new ConsolePlatform({
    service: app.service,
    input: process.stdin,
    output: process.stdout,
    interactive,
    userName: consoleUserName(),
    logger,
    notice: config.redis.target
      ? 'Memory is kept in Redis.'
      : 'Memory is kept in this process only (set REDIS_URL to keep it across restarts).',
  });
  await console.run();
  await shutdown('end of input', 0);
}

function consoleUserName(): string {
  try {
    const name = userInfo().username.replace(/[^A-Za-z0-9_.-]/g, '');
    return name.slice(0, 64) || 'local';
  } catch {
    return 'local';
  }
}

await main();
