import type { IncomingMessage } from 'node:http';
import type { Cluster, Redis } from 'ioredis';
import type { Config } from './config.js';
import type { HttpResponse, HttpRoutes } from './http/http-server.js';
import type { Metrics } from './http/metrics.js';
import type { DiscordPlatform } from './platforms/discord/discord-platform.js';
import type { TelegramPlatform, WebhookResult } from './platforms/telegram/telegram-platform.js';

/** The HTTP routes of the app: health, readiness, metrics and, in webhook mode, Telegram's. */
export interface RouteDeps {
  readonly config: Config;
  readonly telegram?: TelegramPlatform;
  readonly discord?: DiscordPlatform;
  readonly redis?: Redis | Cluster;
  /** Whether a store without Redis answers (the SQLite file); absent: kept in process. */
  readonly memoryCheck?: () => boolean | Promise<boolean>;
  readonly metrics: Metrics;
}

const WEBHOOK_RESPONSES: Record<WebhookResult, HttpResponse> = {
  accepted: { status: 200, body: '' },
  unauthorized: { status: 401, body: 'unauthorized\n' },
  'bad-request': { status: 400, body: 'bad json\n' },
  // Telegram redelivers later: a flood waits on Telegram's side, not in this process.
  busy: { status: 503, body: 'busy\n' },
};

/** How long /readyz waits for Redis before calling it unreachable. */
const READY_PING_TIMEOUT_MS = 1000;

async function redisReachable(redis: Redis | Cluster): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      redis.ping().then((answer) => answer === 'PONG'),
      new Promise<boolean>(
        (resolve) => (timer = setTimeout(() => resolve(false), READY_PING_TIMEOUT_MS)),
      ),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

async function memoryState(
  redis: RouteDeps['redis'],
  memoryCheck: RouteDeps['memoryCheck'],
): Promise<'ok' | 'down' | 'embedded'> {
  if (redis) return (await redisReachable(redis)) ? 'ok' : 'down';
  if (!memoryCheck) return 'embedded';
  try {
    return (await memoryCheck()) ? 'ok' : 'down';
  } catch {
    return 'down';
  }
}

export function routes({
  config,
  telegram,
  discord,
  redis,
  memoryCheck,
  metrics,
}: RouteDeps): HttpRoutes {
  const table: Record<string, HttpRoutes[string]> = {
    // Alive: the process answers. Restart it when this fails.
    'GET /healthz': () => ({ status: 200, body: 'ok\n' }),
    // Ready: memory answers (Redis, or the SQLite file) and every enabled platform is
    // connected. Route traffic only then.
    'GET /readyz': async () => {
      const checks: Record<string, 'ok' | 'down' | 'embedded'> = {
        memory: await memoryState(redis, memoryCheck),
      };
      if (telegram) checks.telegram = telegram.connected ? 'ok' : 'down';
      if (discord) checks.discord = discord.connected ? 'ok' : 'down';
      const ready = Object.values(checks).every((state) => state !== 'down');
      return {
        status: ready ? 200 : 503,
        body: `${JSON.stringify({ status: ready ? 'ready' : 'not ready', checks })}\n`,
        contentType: 'application/json',
      };
    },
    'GET /metrics': async () => {
      const { body, contentType } = await metrics.render();
      return { status: 200, body, contentType };
    },
  };
  const webhook = config.telegram?.webhook;
  if (telegram && webhook) {
    const secretOf = (request: IncomingMessage) => {
      const secret = request.headers['x-telegram-bot-api-secret-token'];
      return typeof secret === 'string' ? secret : undefined;
    };
    table[`POST ${new URL(webhook.url).pathname}`] = {
      // The secret is checked before the body is read.
      guard: (request) =>
        telegram.webhookAuthorized(secretOf(request))
          ? undefined
          : { status: 401, body: 'unauthorized\n' },
      handle: (request, body) => WEBHOOK_RESPONSES[telegram.handleWebhook(body, secretOf(request))],
    };
  }
  return table;
}
