import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';
import { parseRedisTarget, type RedisTarget } from './memory/redis-client.js';

/**
 * The only module that reads `process.env`. One zod schema; a bad value stops start-up with a
 * message naming the variable and how to fix it. Every variable is listed in `.env.example`.
 */

const DEFAULT_SYSTEM_PROMPT =
  'You are a friendly, concise assistant in a chat app. Answer in the language the user writes in. ' +
  'Use Markdown sparingly. If you do not know something, say so instead of guessing.';

/** Empty strings (`REDIS_URL=` in a .env file) mean "unset". */
const unsetIfEmpty = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

function integer(min: number, max: number, fallback: number, unit = '') {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^\s*-?\d+\s*$/, `must be a whole number${unit}`)
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .default(fallback),
  );
}

function decimal(min: number, max: number, fallback: number) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^\s*-?\d+(\.\d+)?\s*$/, 'must be a number')
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .default(fallback),
  );
}

function optionalUrl(protocols: string[], example: string) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .refine((value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      }, `must be a URL like ${example}`)
      .optional(),
  );
}

/** A comma-separated list of IDs; unset means "no list". */
function idList(pattern: RegExp, example: string) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .transform((v) => v.split(/[\s,]+/).filter(Boolean))
      .refine((ids) => ids.every((id) => pattern.test(id)), `must be comma-separated ${example}`)
      .optional(),
  );
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function boolean(fallback: boolean) {
  return z.preprocess(
    (v) => {
      const value = unsetIfEmpty(v);
      return typeof value === 'string' ? value.trim().toLowerCase() : value;
    },
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
        error: 'must be true or false',
      })
      .transform((v) => ['true', '1', 'yes', 'on'].includes(v))
      .default(fallback),
  );
}

const schema = z.object({
  OPENAI_API_KEY: z.preprocess(unsetIfEmpty, z.string().optional()),
  OPENAI_BASE_URL: optionalUrl(['http:', 'https:'], 'http://localhost:11434/v1'),
  LLM_MODEL: z.preprocess(unsetIfEmpty, z.string().default('gpt-4o-mini')),
  LLM_TEMPERATURE: decimal(0, 2, 0.7),
  LLM_TIMEOUT_MS: integer(1000, 600_000, 25_000, ' of milliseconds'),
  LLM_MAX_RETRIES: integer(0, 10, 2),
  SYSTEM_PROMPT: z.preprocess(unsetIfEmpty, z.string().default(DEFAULT_SYSTEM_PROMPT)),
  REDIS_URL: optionalUrl(['redis:', 'rediss:'], 'redis://localhost:6379'),
  REDIS_SENTINELS: z.preprocess(unsetIfEmpty, z.string().optional()),
  REDIS_SENTINEL_NAME: z.preprocess(unsetIfEmpty, z.string().optional()),
  REDIS_CLUSTER_NODES: z.preprocess(unsetIfEmpty, z.string().optional()),
  RATE_LIMIT_PER_MINUTE: integer(0, 10_000, 20, ' of turns (0 = no limit)'),
  REDIS_KEY_PREFIX: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be 1-64 letters, digits, '_', '.', ':' or '-'")
      .default('chatmem'),
  ),
  MEMORY_TTL_SECONDS: integer(0, 10 * 365 * 86_400, 604_800, ' of seconds (0 = never expire)'),
  MEMORY_WINDOW_TOKENS: integer(100, 1_000_000, 2000, ' of tokens'),
  SUMMARY_MAX_TOKENS: integer(50, 100_000, 400, ' of tokens'),
  MAX_INPUT_CHARS: integer(1, 1_000_000, 4000, ' of characters'),
  TELEGRAM_BOT_TOKEN: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(
        /^\d+:[A-Za-z0-9_-]+$/,
        'must look like 123456789:ABC-DEF… (the token from @BotFather)',
      )
      .optional(),
  ),
  TELEGRAM_API_ROOT: z.preprocess(
    unsetIfEmpty,
    optionalUrl(['http:', 'https:'], 'https://api.telegram.org').default(
      'https://api.telegram.org',
    ),
  ),
  TELEGRAM_WEBHOOK_URL: optionalUrl(
    ['https:', 'http:'],
    'https://bot.example.com/telegram/webhook',
  ),
  TELEGRAM_WEBHOOK_SECRET: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, "must be 1-256 letters, digits, '_' or '-'")
      .optional(),
  ),
  DISCORD_TOKEN: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(
        /^[A-Za-z0-9_.-]{20,}$/,
        'must be the bot token from the Discord Developer Portal (Bot page)',
      )
      .optional(),
  ),
  DISCORD_API_URL: z.preprocess(
    unsetIfEmpty,
    optionalUrl(['http:', 'https:'], 'https://discord.com/api').default('https://discord.com/api'),
  ),
  DISCORD_MESSAGE_CONTENT: boolean(false),
  DISCORD_SHARDS: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^(auto|[1-9]\d{0,4})$/, 'must be "auto" or a number of shards')
      .default('auto'),
  ),
  // Set by discord.js's ShardingManager in the processes it starts; not for operators.
  SHARDS: z.preprocess(unsetIfEmpty, z.string().regex(/^\d+$/).transform(Number).optional()),
  ALLOWED_USER_IDS: idList(
    /^((telegram|discord):)?\d{1,20}$/,
    'IDs such as 12345 or telegram:12345',
  ),
  TELEGRAM_ALLOWED_CHAT_IDS: idList(/^-?\d{1,20}$/, 'chat IDs such as -1001234567890'),
  DISCORD_ALLOWED_GUILD_IDS: idList(/^\d{17,20}$/, 'guild IDs such as 123456789012345678'),
  STREAM_REPLIES: boolean(true),
  HTTP_PORT: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^\d+$/, 'must be a port number')
      .transform(Number)
      .pipe(z.number().max(65_535, 'must be at most 65535'))
      .optional(),
  ),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof unsetIfEmpty(v) === 'string' ? String(v).trim().toLowerCase() : undefined),
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

/** Variables set by tools rather than operators (discord.js's sharding manager). */
const INTERNAL_VARIABLES = new Set(['SHARDS']);

/** Every variable an operator can set; `.env.example` and the README document each one. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape).filter(
  (name) => !INTERNAL_VARIABLES.has(name),
);

export interface Config {
  readonly openai: { readonly apiKey?: string; readonly baseURL?: string };
  readonly llm: {
    readonly model: string;
    readonly temperature: number;
    readonly timeoutMs: number;
    readonly maxRetries: number;
  };
  readonly systemPrompt: string;
  readonly redis: {
    readonly url?: string;
    /** Standalone (REDIS_URL), Sentinel or Cluster; unset: the embedded store. */
    readonly target?: RedisTarget;
    readonly keyPrefix: string;
  };
  /** Turns a user may start per minute; 0 = no limit. */
  readonly ratePerMinute: number;
  readonly memory: {
    readonly ttlSeconds: number;
    readonly windowTokens: number;
    readonly summaryMaxTokens: number;
  };
  readonly maxInputChars: number;
  readonly logLevel: LogLevel;
  /** Optional allowlists; an unset list allows everyone. */
  readonly access: {
    readonly users?: ReadonlySet<string>;
    readonly telegramChats?: ReadonlySet<string>;
    readonly discordGuilds?: ReadonlySet<string>;
  };
  /** Show answers while they are generated (message edits on the platforms). */
  readonly streamReplies: boolean;
  /** Set when TELEGRAM_BOT_TOKEN is. */
  readonly telegram?: {
    readonly token: string;
    readonly apiRoot: string;
    /** Webhook mode; the secret defaults to one derived from the token, the same on every replica. */
    readonly webhook?: { readonly url: string; readonly secret?: string };
  };
  /** Set when DISCORD_TOKEN is. */
  readonly discord?: {
    readonly token: string;
    /** REST base, e.g. a proxy; the gateway address then comes from its `GET /gateway/bot`. */
    readonly apiUrl: string;
    /** Ask for the privileged MessageContent intent (must be enabled in the Developer Portal). */
    readonly messageContent: boolean;
    /** Shard processes for `npm run start:sharded`: a count, or "auto" (Discord's recommendation). */
    readonly shards: number | 'auto';
    /** In a shard process started by the sharding manager: its shard ID. */
    readonly shardId?: number;
  };
  /** The HTTP server (webhooks, health); unset means none unless a webhook needs it (8080). */
  readonly httpPort?: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Fix these in .env (see .env.example for every variable and its default) or in the environment.',
    );
    this.name = 'ConfigError';
  }
}

/** Values never echoed in errors; URLs are echoed without their credentials. */
const SECRET = /(_KEY|_TOKEN|_SECRET|_PASSWORD)$/;
const hideCredentials = (value: string) => value.replace(/\/\/[^/@\s]*@/, '//***@');

/** Parses an environment (pure; `readConfig` gives it `process.env` after loading `.env`). */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        const value = env[name];
        const shown =
          value === undefined || SECRET.test(name)
            ? ''
            : ` (got ${JSON.stringify(hideCredentials(value))})`;
        return `${name} ${issue.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  if (!e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
    throw new ConfigError([
      'no language model is configured. Either set OPENAI_API_KEY to an OpenAI API key ' +
        '(https://platform.openai.com/api-keys), or set OPENAI_BASE_URL to a local ' +
        'OpenAI-compatible server, e.g. Ollama: OPENAI_BASE_URL=http://localhost:11434/v1 ' +
        'and LLM_MODEL=llama3.2',
    ]);
  }
  let target: RedisTarget | undefined;
  try {
    target = parseRedisTarget({
      url: e.REDIS_URL,
      sentinels: e.REDIS_SENTINELS,
      sentinelName: e.REDIS_SENTINEL_NAME,
      clusterNodes: e.REDIS_CLUSTER_NODES,
    });
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
  if (e.SUMMARY_MAX_TOKENS > e.MEMORY_WINDOW_TOKENS) {
    throw new ConfigError([
      `SUMMARY_MAX_TOKENS (${e.SUMMARY_MAX_TOKENS}) must not exceed MEMORY_WINDOW_TOKENS ` +
        `(${e.MEMORY_WINDOW_TOKENS}): the summary condenses the window, it cannot be larger`,
    ]);
  }
  return {
    openai: { apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL },
    llm: {
      model: e.LLM_MODEL,
      temperature: e.LLM_TEMPERATURE,
      timeoutMs: e.LLM_TIMEOUT_MS,
      maxRetries: e.LLM_MAX_RETRIES,
    },
    systemPrompt: e.SYSTEM_PROMPT,
    redis: { url: e.REDIS_URL, target, keyPrefix: e.REDIS_KEY_PREFIX },
    ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
    memory: {
      ttlSeconds: e.MEMORY_TTL_SECONDS,
      windowTokens: e.MEMORY_WINDOW_TOKENS,
      summaryMaxTokens: e.SUMMARY_MAX_TOKENS,
    },
    maxInputChars: e.MAX_INPUT_CHARS,
    logLevel: e.LOG_LEVEL,
    access: {
      users: e.ALLOWED_USER_IDS && new Set(e.ALLOWED_USER_IDS),
      telegramChats: e.TELEGRAM_ALLOWED_CHAT_IDS && new Set(e.TELEGRAM_ALLOWED_CHAT_IDS),
      discordGuilds: e.DISCORD_ALLOWED_GUILD_IDS && new Set(e.DISCORD_ALLOWED_GUILD_IDS),
    },
    streamReplies: e.STREAM_REPLIES,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
          webhook: e.TELEGRAM_WEBHOOK_URL
            ? { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET }
            : undefined,
        }
      : undefined,
    discord: e.DISCORD_TOKEN
      ? {
          token: e.DISCORD_TOKEN,
          apiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
          messageContent: e.DISCORD_MESSAGE_CONTENT,
          shards: e.DISCORD_SHARDS === 'auto' ? 'auto' : Number(e.DISCORD_SHARDS),
          shardId: e.SHARDS,
        }
      : undefined,
    httpPort: e.HTTP_PORT ?? (e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_WEBHOOK_URL ? 8080 : undefined),
  };
}

/** Loads `.env` (without overriding the real environment) and parses the result. */
export function readConfig(): Config {
  loadDotenv({ quiet: true });
  return parseConfig(process.env);
}

/**
 * For entry points: `readConfig`, or the fix-it message on standard error and exit code 1 — a
 * stack trace would only hide what to change.
 */
export function readConfigOrExit(): Config {
  try {
    return readConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
