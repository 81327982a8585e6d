import { resolve } from 'node:path';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { ConversationService, type ConversationEvents } from './core/conversation.js';
import type { TokenCounter } from './core/token-counter.js';
import { routes } from './app-routes.js';
import { startHttpServer, type RunningHttpServer } from './http/http-server.js';
import { createKeepAliveFetch } from './http/keep-alive-fetch.js';
import { Metrics } from './http/metrics.js';
import type { MemoryReducer } from './memory-reducer.js';
import { createTokenCounter } from './token-tables.js';
import { chatModelsFor, createChatModel } from './llm/chat-model.js';
import { BufferedMemoryStore } from './memory/buffered-memory-store.js';
import { InMemoryMemoryStore } from './memory/in-memory-store.js';
import { hardCapFor, type MemoryStore } from './core/memory-port.js';
import { MemoryStartError } from './memory/memory-start-error.js';
import { createRedisClient } from './memory/redis-client.js';
import { RedisMemoryStore } from './memory/redis-memory-store.js';
import { SqliteMemoryStore } from './memory/sqlite/sqlite-memory-store.js';
import type { DiscordPlatform } from './platforms/discord/discord-platform.js';
import type { TelegramPlatform } from './platforms/telegram/telegram-platform.js';
import { createPlatforms } from './app-platforms.js';
import { ATTACHMENT_TIMEOUT_MS } from './platforms/shared/attachments.js';

/** How long in-flight turns may take to finish on shutdown before they are abandoned. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The composition root: builds every client and component from the configuration and wires
 * them. `main.ts` adds the process concerns (signals, exit codes, the terminal); tests build the
 * same app against local doubles.
 */
export interface App {
  readonly service: ConversationService;
  /** The platforms configured, once `start` has created them (their libraries load only then). */
  readonly telegram?: TelegramPlatform;
  readonly discord?: DiscordPlatform;
  /** The HTTP server's port once started, when one is configured. */
  readonly httpPort: number | undefined;
  /** Starts the HTTP server and the platforms; throws a clear error when one cannot start. */
  start(): Promise<void>;
  /** Stops intake, lets turns in flight finish (abandoned after `graceMs`), closes clients. */
  stop(graceMs?: number): Promise<void>;
}

export interface AppOptions {
  /** One tokenizer can serve several apps (tests); building its ranks takes about a second. */
  readonly tokens?: TokenCounter;
  /** Clock (ms) of the usage day and the budget's reset; tests move it. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * Gives memory back after start-up and after bursts (src/memory-reducer.ts); the process's
   * entry point passes one, tests do without.
   */
  readonly memoryReducer?: MemoryReducer;
}

export function createApp(config: Config, logger: Logger, options: AppOptions = {}): App {
  const metrics = new Metrics();
  const { store, buffer, redis, memoryCheck } = createStore(config, logger, metrics);
  // The model's and Telegram's calls, the two of every turn, share its keep-alive connections.
  const fetch = createKeepAliveFetch();
  const chatModelFor = chatModelsFor(config, fetch);
  const service = new ConversationService({
    store,
    events: withTurnActivity(metrics.conversationEvents(), options.memoryReducer),
    chatModel: chatModelFor(config.llm.model),
    chatModelFor,
    // Summaries are cheaper and steadier with their own length cap and a low temperature.
    summaryModel: createChatModel(config, {
      model: config.llm.summaryModel,
      maxTokens: config.memory.summaryMaxTokens,
      temperature: 0.2,
      fetch,
    }),
    now: options.now,
    tokens: options.tokens ?? createTokenCounter(logger),
    logger,
    settings: {
      systemPrompt: config.systemPrompt,
      windowTokens: config.memory.windowTokens,
      summaryMaxTokens: config.memory.summaryMaxTokens,
      summaryConcurrency: config.memory.summaryConcurrency,
      facts: config.memory.facts,
      maxInputChars: config.maxInputChars,
      ratePerMinute: config.ratePerMinute,
      personaMaxChars: config.personaMaxChars,
      models: { default: config.llm.model, allowed: config.llm.models },
      dailyTokenBudget: config.dailyTokenBudget,
      // Downloads and transcription run inside the user's gate: the lease covers them.
      prepareTimeoutMs: ATTACHMENT_TIMEOUT_MS,
      model: { timeoutMs: config.llm.timeoutMs, maxRetries: config.llm.maxRetries },
    },
  });
  // Under the Discord sharding manager, Telegram and the HTTP server run in shard 0 only.
  const primary = (config.discord?.shardId ?? 0) === 0;
  // Created by start(), which imports only the libraries of the platforms configured.
  let telegram: TelegramPlatform | undefined;
  let discord: DiscordPlatform | undefined;
  let http: RunningHttpServer | undefined;
  let stopping: Promise<void> | undefined;

  return {
    service,
    get telegram() {
      return telegram;
    },
    get discord() {
      return discord;
    },
    get httpPort() {
      return http?.port;
    },
    async start() {
      try {
        await store.init();
      } catch (error) {
        // A file the store cannot use will not fix itself: stop, saying how. Redis may come up.
        if (error instanceof MemoryStartError) throw error;
        logger.error({ err: error }, 'memory store not ready yet; turns will fail until it is');
      }
      ({ telegram, discord } = await createPlatforms(config, service, logger, { primary, fetch }));
      if (config.httpPort !== undefined && primary) {
        http = await startHttpServer({
          port: config.httpPort,
          routes: routes({ config, telegram, discord, redis, memoryCheck, metrics }),
          logger,
        });
        logger.info({ port: http.port }, 'http server listening');
      }
      await Promise.all([telegram?.start(), discord?.start()]);
      // What loading and starting left behind goes back to the system before the first turn.
      options.memoryReducer?.reduce();
      options.memoryReducer?.start();
    },
    stop(graceMs = SHUTDOWN_GRACE_MS) {
      return (stopping ??= (async () => {
        options.memoryReducer?.stop();
        await Promise.all([telegram?.stop(), discord?.stop(), service.close(graceMs)]);
        // Last chance for turns answered during an outage.
        if (buffer && buffer.size > 0) {
          await buffer.flush();
          if (buffer.size > 0)
            logger.error(
              { count: buffer.size },
              'turns not written: memory unreachable at shutdown',
            );
        }
        await http?.close();
        await store.close();
        if (redis) await redis.quit().catch(() => redis.disconnect());
        fetch.close();
      })());
    },
  };
}

interface Store {
  readonly store: MemoryStore;
  readonly buffer?: BufferedMemoryStore;
  readonly redis?: Redis | Cluster;
  /** Whether the store answers, for /readyz (Redis is pinged by the routes themselves). */
  readonly memoryCheck?: () => boolean;
}

function createStore(config: Config, logger: Logger, metrics: Metrics): Store {
  const policy = {
    ttlSeconds: config.memory.ttlSeconds,
    ...hardCapFor(config.memory.windowTokens),
    maxFacts: config.memory.facts.maxStored,
  };
  // While the store cannot take writes, answered turns wait here and are written once it can.
  const buffered = (inner: MemoryStore) => {
    const buffer = new BufferedMemoryStore(inner, {
      // Counts, session IDs and errors stripped of their command arguments: never message text.
      onDropped: ({ count, reason, sessionId, error }) =>
        reason === 'full'
          ? logger.error({ count }, 'write buffer full: oldest turns dropped')
          : logger.error(
              { count, session: sessionId, err: error },
              'turn dropped: memory kept refusing its write',
            ),
      onFlushError: (err, pending) =>
        logger.debug({ err, pending }, 'memory still unreachable; writes kept'),
    });
    metrics.pendingWritesSource = () => buffer.size;
    return buffer;
  };
  const target = config.redis.target;
  if (config.memory.store === 'memory') {
    logger.warn(
      'MEMORY_STORE=memory: memory is kept in this process only; memory is lost on restart',
    );
    return { store: new InMemoryMemoryStore(policy) };
  }
  if (config.memory.store === 'sqlite' || !target) {
    const path = resolve(config.memory.sqlitePath);
    const sqlite = new SqliteMemoryStore({
      path,
      ...policy,
      onSweepError: (err) => logger.warn({ err }, 'expired memory not swept; next time'),
    });
    logger.info({ path }, 'memory kept in a SQLite file');
    const buffer = buffered(sqlite);
    return { store: buffer, buffer, memoryCheck: () => sqlite.ping() };
  }
  let lastErrorLog = 0;
  const redis = createRedisClient(target, {
    connectionName: 'chatmem-bot',
    onError: (err) => {
      metrics.redisErrors.inc();
      if (Date.now() - lastErrorLog > 10_000) {
        lastErrorLog = Date.now();
        logger.error({ err }, 'redis error');
      }
    },
  });
  const buffer = buffered(
    new RedisMemoryStore(redis, { keyPrefix: config.redis.keyPrefix, ...policy }),
  );
  return { store: buffer, buffer, redis };
}

/** The metrics' observers, also telling the memory reducer when a turn ends. */
function withTurnActivity(
  events: ConversationEvents,
  reducer: MemoryReducer | undefined,
): ConversationEvents {
  if (!reducer) return events;
  return {
    ...events,
    turnCompleted(report) {
      reducer.activity();
      events.turnCompleted?.(report);
    },
  };
}
