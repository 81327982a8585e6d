import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ConfigError, readConfig, type Config } from './config.js';
import { ConversationService } from './core/conversation.js';
import { TiktokenCounter } from './core/token-counter.js';
import { startHttpServer, type HttpRoutes, type RunningHttpServer } from './http/http-server.js';
import { createChatModel } from './llm/chat-model.js';
import { createLogger } from './logger.js';
import { InMemoryMemoryStore } from './memory/in-memory-store.js';
import { hardCapFor, type MemoryStore } from './memory/memory-store.js';
import { RedisMemoryStore } from './memory/redis-memory-store.js';
import { ConsolePlatform } from './platforms/console/console-platform.js';
import { TelegramPlatform, TelegramStartError } from './platforms/telegram/telegram-platform.js';

/** How long in-flight turns may take to finish on shutdown before they are abandoned. */
const SHUTDOWN_GRACE_MS = 10_000;
const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';

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

function createTelegram(
  config: Config,
  service: ConversationService,
  logger: Logger,
): TelegramPlatform | undefined {
  const telegram = config.telegram;
  if (!telegram) return undefined;
  const bot = new Bot(telegram.token, { client: { apiRoot: telegram.apiRoot } });
  // 429 (retry_after) and 5xx are retried; a wait over a minute fails the call instead.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  return new TelegramPlatform({
    bot,
    service,
    logger,
    streamReplies: config.streamReplies,
    memoryTtlSeconds: config.memory.ttlSeconds,
    webhook: telegram.webhook && {
      url: telegram.webhook.url,
      // Derived from the token when not given, so every replica sets and checks the same secret.
      secret:
        telegram.webhook.secret ??
        createHash('sha256').update(`webhook:${telegram.token}`).digest('hex'),
    },
  });
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

  const terminal = !config.telegram;
  // In the terminal chat, stdout is the conversation: logs go to stderr.
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

  const telegram = createTelegram(config, service, logger);
  let http: RunningHttpServer | undefined;

  let stopping: Promise<void> | undefined;
  const stop = (reason: string) =>
    (stopping ??= (async () => {
      logger.info({ reason }, 'shutting down');
      // Stop intake and let turns in flight finish (abandoned after the grace period).
      await Promise.all([telegram?.stop(), service.close(SHUTDOWN_GRACE_MS)]);
      await http?.close();
      await store.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
      logger.info('stopped');
      logger.flush();
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop(signal).then(() => process.exit(0)));
  }

  if (config.httpPort !== undefined) {
    const routes: Record<string, HttpRoutes[string]> = {
      'GET /healthz': () => ({ status: 200, body: 'ok\n' }),
    };
    if (telegram && config.telegram?.webhook) {
      routes[`POST ${new URL(config.telegram.webhook.url).pathname || TELEGRAM_WEBHOOK_PATH}`] = (
        request,
        body,
      ) => {
        let update: Update;
        try {
          update = JSON.parse(body.toString('utf8')) as Update;
        } catch {
          return { status: 400, body: 'bad json\n' };
        }
        const secret = request.headers['x-telegram-bot-api-secret-token'];
        const accepted = telegram.handleWebhook(
          update,
          typeof secret === 'string' ? secret : undefined,
        );
        return accepted ? { status: 200, body: '' } : { status: 401, body: 'unauthorized\n' };
      };
    }
    http = await startHttpServer({ port: config.httpPort, routes, logger });
    logger.info({ port: http.port }, 'http server listening');
  }

  if (telegram) {
    try {
      await telegram.start();
    } catch (error) {
      const message = error instanceof TelegramStartError ? error.message : String(error);
      logger.fatal({ err: { message } }, 'telegram failed to start');
      process.stderr.write(`${message}\n`);
      await stop('start-up failed');
      process.exit(1);
    }
    return;
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
