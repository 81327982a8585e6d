import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createApp, type App, type AppOptions } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../doubles/fake-openai-server.js';
import { silentLogger, tokens } from './core.js';
import { connectTestRedis, deleteKeys, testRedisUrl, uniquePrefix } from './redis.js';

export interface E2EApp {
  /** The fake OpenAI-compatible server, reset before every test. */
  readonly openai: FakeOpenAIServer;
  readonly redis: Redis;
  /** The model endpoint and this test's Redis namespace, to spread into the app's environment. */
  baseEnv(apiKey: string): Record<string, string>;
  /**
   * Builds the app as `npm start` does (createApp) from an environment, and starts it; `options`
   * may give it a clock (the usage day).
   */
  start(
    env: Record<string, string>,
    logger?: Logger,
    options?: Pick<AppOptions, 'now'>,
  ): Promise<App>;
  /** Stops the app of the current test, if any. */
  stop(graceMs: number): Promise<void>;
  readonly app: App | undefined;
}

/**
 * The shared set-up of the end-to-end suites: one fake OpenAI server and one Redis connection per
 * file, a fresh key prefix per test (deleted at the end), and the app under test. Platform doubles
 * stay with each suite, which stops the app before closing them.
 */
export function useE2EApp(name: string): E2EApp {
  let openai: FakeOpenAIServer | undefined;
  let redis: Redis | undefined;
  let app: App | undefined;
  let prefix = '';
  const prefixes: string[] = [];

  beforeAll(async () => {
    openai = await startFakeOpenAIServer();
    redis = connectTestRedis();
  });
  afterAll(async () => {
    await openai?.close();
    for (const used of prefixes) await deleteKeys(redis!, used);
    await redis?.quit();
  });
  beforeEach(() => {
    openai!.reset();
    prefix = uniquePrefix(name);
    prefixes.push(prefix);
  });

  return {
    get openai() {
      return openai!;
    },
    get redis() {
      return redis!;
    },
    get app() {
      return app;
    },
    baseEnv: (apiKey) => ({
      OPENAI_BASE_URL: openai!.baseURL,
      OPENAI_API_KEY: apiKey,
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
    }),
    async start(env, logger = silentLogger, options = {}) {
      app = createApp(parseConfig(env), logger, { tokens, ...options });
      await app.start();
      return app;
    },
    async stop(graceMs) {
      await app?.stop(graceMs);
      app = undefined;
    },
  };
}
