import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { createApp, SHUTDOWN_GRACE_MS } from './app.js';
import { readConfigOrExit, type Config } from './config.js';
import { createLogger, maskSecrets } from './logger.js';
import { MemoryReducer } from './memory-reducer.js';
import { MemoryStartError } from './memory/memory-start-error.js';
import { installProcessHandlers } from './process-handlers.js';
import { ConsolePlatform } from './platforms/console/console-platform.js';
import { PlatformStartError } from './platforms/shared/start-error.js';

async function main(): Promise<void> {
  const config = readConfigOrExit();

  // With no platform configured, the terminal chat runs, and stdout is the conversation.
  const terminal = !config.telegram && !config.discord;
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  // A person chatting in the terminal sees warnings, not a line per turn (LOG_LEVEL=debug shows all).
  const level = terminal && interactive && config.logLevel === 'info' ? 'warn' : config.logLevel;
  const logger = createLogger({ level, destination: terminal ? 2 : 1 });

  const app = createApp(config, logger, { memoryReducer: new MemoryReducer() });
  // An error nobody handled leaves an unknown state: log it, stop as on SIGTERM, exit 1.
  installProcessHandlers(logger, () => app.stop(SHUTDOWN_GRACE_MS), { graceMs: SHUTDOWN_GRACE_MS });
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
    // A platform's or the memory's start error says what to fix; anything else goes through
    // the log's masking.
    const message =
      error instanceof PlatformStartError || error instanceof MemoryStartError
        ? error.message
        : maskSecrets(String(error));
    logger.fatal({ err: error }, 'start-up failed');
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
    notice: memoryNotice(config),
  });
  await console.run();
  await shutdown('end of input', 0);
}

/** Where the terminal chat's memory is kept, in the words of its first line. */
function memoryNotice(config: Config): string {
  switch (config.memory.store) {
    case 'redis':
      return 'Memory is kept in Redis.';
    case 'sqlite':
      return `Memory is kept in ${resolve(config.memory.sqlitePath)} (SQLite).`;
    case 'memory':
      return 'Memory is kept in this process only (MEMORY_STORE=memory): it ends with the chat.';
  }
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
