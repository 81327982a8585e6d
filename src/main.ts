import { userInfo } from 'node:os';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ConfigError, readConfig, type Config } from './config.js';
import { ConversationService } from './core/conversation.js';
import { TiktokenCounter } from './core/token-counter.js';
import { createChatModel } from './llm/chat-model.js';
import { createLogger } from './logger.js';
import { InMemoryMemoryStore } from './memory/in-memory-store.js';
import { hardCapFor, type MemoryStore } from './memory/memory-store.js';
import { RedisMemoryStore } from './memory/redis-memory-store.js';
import { ConsolePlatform } from './platforms/console/console-platform.js';

/** How long in-flight turns may take to finish on shutdown before they are abandoned. */
const SHUTDOWN_GRACE_MS = 10_000;

function createStore(config: Config, logger: Logger): { store: MemoryStore; redis?: Redis } {
  const policy = {
    ttlSeconds: config.memory.ttlSeconds,
    ...hardCapFor(config.memory.windowTokens),
  };
  if (!config.redis.url) {
    logger.warn(
      'REDIS_URL is not set: using the embedded in-process memory store; memory is lost on restart',
    );
    return { store: new InMemoryMemoryStore(policy) };
  }
  const redis = new Redis(config.redis.url, {
    connectTimeout: 5000,
    maxRetriesPerRequest: 2,
    // Reconnect forever with a capped back-off; turns fail fast meanwhile with a polite apology.
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
  });
  let lastErrorLog = 0;
  redis.on('error', (err: Error) => {
    if (Date.now() - lastErrorLog > 10_000) {
      lastErrorLog = Date.now();
      logger.error(
        { err: { message: err.message, code: (err as { code?: string }).code } },
        'redis error',
      );
    }
  });
  return {
    store: new RedisMemoryStore(redis, { keyPrefix: config.redis.keyPrefix, ...policy }),
    redis,
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = readConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }

  // The terminal chat is the only platform of this release; platform adapters come next.
  const terminal = true;
  const logger = createLogger({ level: config.logLevel, destination: terminal ? 2 : 1 });
  process.on('unhandledRejection', (reason) =>
    logger.error({ err: reason }, 'unhandled rejection'),
  );
  process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception'));

  const { store, redis } = createStore(config, logger);
  try {
    await store.init();
  } catch (error) {
    logger.error({ err: error }, 'memory store not ready yet; turns will fail until it is');
  }
  const service = new ConversationService({
    store,
    chatModel: createChatModel(config),
    // Summaries are cheaper and steadier with their own length cap and a low temperature.
    summaryModel: createChatModel(config, {
      maxTokens: config.memory.summaryMaxTokens,
      temperature: 0.2,
    }),
    tokens: new TiktokenCounter(),
    logger,
    settings: {
      systemPrompt: config.systemPrompt,
      windowTokens: config.memory.windowTokens,
      summaryMaxTokens: config.memory.summaryMaxTokens,
      maxInputChars: config.maxInputChars,
      model: { timeoutMs: config.llm.timeoutMs, maxRetries: config.llm.maxRetries },
    },
  });

  let stopping: Promise<void> | undefined;
  const stop = (reason: string) =>
    (stopping ??= (async () => {
      logger.info({ reason }, 'shutting down');
      await service.close(SHUTDOWN_GRACE_MS);
      await store.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
      logger.flush();
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop(signal).then(() => process.exit(0)));
  }

  const platform = new ConsolePlatform({
    service,
    input: process.stdin,
    output: process.stdout,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    userName: consoleUserName(),
    logger,
    notice: config.redis.url
      ? 'Memory is kept in Redis.'
      : 'Memory is kept in this process only (set REDIS_URL to keep it across restarts).',
  });
  await platform.run();
  await stop('end of input');
  process.exit(0);
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
