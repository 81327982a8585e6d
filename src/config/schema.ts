import { z } from 'zod';
import {
  baseUrl,
  boolean,
  idList,
  integer,
  matching,
  oneOf,
  optionalInteger,
  optionalUrl,
  text,
  textOr,
} from './fields.js';
import {
  endpointProblems,
  modelConfig,
  modelListProblems,
  modelVariables,
} from './model-variables.js';
import { LOCALES, localeOf } from '../platforms/shared/i18n/locales.js';
import { parseRedisTarget } from './redis-target.js';

/**
 * The configuration, declared once: each environment variable (its rule, default and the reason
 * for it), the rules that span several variables, and the mapping to the `Config` the program
 * reads. The language model's section lives in `model-variables.ts`. `.env.example` and the
 * README document every variable (test/docs.test.ts checks).
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Text with a default when unset, which an empty value or `off` switches off (`undefined`): unlike
 * the other variables, an empty one means "none" here.
 */
function switchableText(fallback: string) {
  return z
    .string()
    .optional()
    .transform((v) =>
      v === undefined ? fallback : /^\s*(off)?\s*$/i.test(v) ? undefined : v.trim(),
    );
}

/** Default cap of the running summary, unless half the window is less (see the mapping). */
const SUMMARY_MAX_TOKENS_DEFAULT = 400;

export const variables = z.object({
  ...modelVariables,
  /**
   * Where memory lives: redis, sqlite (one file, one machine) or memory (this process only).
   * Unset: redis when a Redis is configured, else sqlite, so memory survives a restart with no
   * configuration at all.
   */
  MEMORY_STORE: matching(
    /^(redis|sqlite|memory)$/,
    'must be redis, sqlite or memory (unset: redis when REDIS_URL is set, else sqlite)',
  ).transform((v) => v as 'redis' | 'sqlite' | 'memory' | undefined),
  /** The SQLite file (./data/chatmem.db, relative to the working directory; created). */
  SQLITE_PATH: textOr('./data/chatmem.db'),
  /** Standalone Redis; with Sentinel or Cluster only its credentials, db and TLS count. */
  REDIS_URL: text(),
  /** Sentinels as host:port pairs; needs REDIS_SENTINEL_NAME. */
  REDIS_SENTINELS: text(),
  REDIS_SENTINEL_NAME: text(),
  /** Cluster seed nodes as host:port pairs; takes precedence over the others. */
  REDIS_CLUSTER_NODES: text(),
  /** Turns a user may start per minute (20: a brisk human pace); 0 = no limit. */
  RATE_LIMIT_PER_MINUTE: integer(0, 10_000, 20, ' of turns (0 = no limit)'),
  /** Namespace of every key (chatmem), so several bots can share one Redis. */
  REDIS_KEY_PREFIX: textOr('chatmem').pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be 1-64 letters, digits, '_', '.', ':' or '-'"),
  ),
  /** Idle expiry, refreshed by every turn (7 days: a weekly conversation survives); 0 = never. */
  MEMORY_TTL_SECONDS: integer(0, 10 * 365 * 86_400, 604_800, ' of seconds (0 = never expire)'),
  /** Recent messages kept word for word (2000 tokens: several turns, a cheap prompt). */
  MEMORY_WINDOW_TOKENS: integer(100, 1_000_000, 2000, ' of tokens'),
  /**
   * Cap of the running summary. Default 400, or half the window if that is less: the summary
   * condenses the window, so a small window gets a smaller summary instead of an error.
   */
  SUMMARY_MAX_TOKENS: optionalInteger(50, 100_000, ' of tokens'),
  /**
   * Summaries (model calls) running at once across all sessions of the process (2): they run
   * off the reply's path, and a few at a time keep a burst from queueing behind the endpoint.
   */
  SUMMARY_CONCURRENCY: integer(1, 64, 2),
  /**
   * Long-term facts about each person, learned when turns are folded into the summary (true):
   * the summary is lossy, facts keep a name or an allergy for good. false: none for anyone.
   */
  MEMORY_FACTS: boolean(true),
  /** Budget of the facts block in a prompt (300 tokens: about 20 short facts). */
  FACTS_MAX_TOKENS: integer(0, 100_000, 300, ' of tokens'),
  /** Facts kept per person per platform (50); past it the least recently confirmed go. */
  FACTS_MAX_STORED: integer(1, 1000, 50, ' of facts'),
  /** Longest message accepted (4000 characters); longer ones are refused, not truncated. */
  MAX_INPUT_CHARS: integer(1, 1_000_000, 4000, ' of characters'),
  /** Images reach the model as content parts (true); false for a model without vision. */
  LLM_VISION: boolean(true),
  /** Images one message may carry (4); more are left out, with a note. */
  MAX_IMAGES_PER_TURN: integer(1, 16, 4, ' of images'),
  /** Largest image (5 MiB), checked on the declared size and again while downloading. */
  MAX_IMAGE_BYTES: integer(1024, 20 * 1024 * 1024, 5_242_880, ' of bytes'),
  /** Speech-to-text model for voice messages (whisper-1); empty or `off`: not transcribed. */
  TRANSCRIBE_MODEL: switchableText('whisper-1'),
  /** Longest voice message (300 seconds), from the platform's declared duration. */
  MAX_AUDIO_SECONDS: integer(1, 3600, 300, ' of seconds'),
  /** Characters of text files in one message (20,000); longer ones are refused, not cut. */
  MAX_FILE_CHARS: integer(100, 1_000_000, 20_000, ' of characters'),
  /** Set = the Telegram adapter runs. */
  TELEGRAM_BOT_TOKEN: matching(
    /^\d+:[A-Za-z0-9_-]+$/,
    'must look like 123456789:ABC-DEF… (the token from @BotFather)',
  ),
  /** Bot API server; change it for a self-hosted one (or a test double). */
  TELEGRAM_API_ROOT: baseUrl(['http:', 'https:'], 'https://api.telegram.org'),
  /** Webhook mode; unset = long polling, which needs no public address. */
  TELEGRAM_WEBHOOK_URL: optionalUrl(
    ['https:', 'http:'],
    'https://bot.example.com/telegram/webhook',
  ),
  /** Checked on every webhook request; unset = derived from the token, the same on every replica. */
  TELEGRAM_WEBHOOK_SECRET: matching(
    /^[A-Za-z0-9_-]{1,256}$/,
    "must be 1-256 letters, digits, '_' or '-'",
  ),
  /** Set = the Discord adapter runs. */
  DISCORD_TOKEN: matching(
    /^[A-Za-z0-9_.-]{20,}$/,
    'must be the bot token from the Discord Developer Portal (Bot page)',
  ),
  /** REST base, e.g. a proxy; the gateway address then comes from its `GET /gateway/bot`. */
  DISCORD_API_URL: baseUrl(['http:', 'https:'], 'https://discord.com/api'),
  /** The privileged MessageContent intent (false): it must also be enabled in the portal. */
  DISCORD_MESSAGE_CONTENT: boolean(false),
  /** Shard processes for `npm run start:sharded`: a count, or auto (Discord's recommendation). */
  DISCORD_SHARDS: textOr('auto')
    .pipe(z.string().regex(/^(auto|[1-9]\d{0,4})$/, 'must be "auto" or a number of shards'))
    .transform((v) => (v === 'auto' ? ('auto' as const) : Number(v))),
  /** Set by discord.js's ShardingManager in the processes it starts (their shard ID). */
  SHARDS: matching(/^\d+$/, 'must be a shard number').transform((v) =>
    v === undefined ? undefined : Number(v),
  ),
  /** Allowlists; unset allows everyone. */
  ALLOWED_USER_IDS: idList(
    /^((telegram|discord):)?\d{1,20}$/,
    'IDs such as 12345 or telegram:12345',
  ),
  TELEGRAM_ALLOWED_CHAT_IDS: idList(/^-?\d{1,20}$/, 'chat IDs such as -1001234567890'),
  DISCORD_ALLOWED_GUILD_IDS: idList(/^\d{17,20}$/, 'guild IDs such as 123456789012345678'),
  /** Show answers while they are generated, by editing the message (true). */
  STREAM_REPLIES: boolean(true),
  /**
   * The one language of everything the bot itself writes; unset (default): each person's own,
   * from Telegram's language_code or Discord's locale (else the server's), English otherwise.
   */
  BOT_LANGUAGE: text()
    .refine(
      (v) => v === undefined || localeOf(v) !== undefined,
      `must be one of ${LOCALES.join(', ')} (unset: each person's language)`,
    )
    .transform((v) => localeOf(v)),
  /** The HTTP server (webhooks, health); unset = none unless a webhook needs it (8080). */
  HTTP_PORT: optionalInteger(0, 65_535, ' (a TCP port)'),
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
});

type Variables = z.output<typeof variables>;

/**
 * A problem spanning several variables. It runs whenever those variables are valid themselves,
 * even when others are not, so one start-up reports every problem. Its messages name the
 * variables themselves.
 */
function rule<const K extends keyof Variables>(
  names: readonly K[],
  problems: (values: Pick<Variables, K>) => readonly string[],
) {
  return z.superRefine<Variables>(
    (values, ctx) => {
      for (const message of problems(values)) {
        ctx.addIssue({ code: 'custom', message, input: undefined, path: [], continue: true });
      }
    },
    {
      when: (payload) =>
        typeof payload.value === 'object' &&
        payload.issues.every((issue) => !names.some((name) => name === issue.path?.[0])),
    },
  );
}

const REDIS_VARIABLES = [
  'REDIS_URL',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_CLUSTER_NODES',
] as const;

const redisInput = (e: Pick<Variables, (typeof REDIS_VARIABLES)[number]>) => ({
  url: e.REDIS_URL,
  sentinels: e.REDIS_SENTINELS,
  sentinelName: e.REDIS_SENTINEL_NAME,
  clusterNodes: e.REDIS_CLUSTER_NODES,
});

const rules = [
  rule(['OPENAI_API_KEY', 'OPENAI_BASE_URL'], endpointProblems),
  rule(['LLM_MODEL', 'LLM_MODELS'], modelListProblems),
  rule(REDIS_VARIABLES, (e) => parseRedisTarget(redisInput(e)).problems),
  rule(['MEMORY_STORE', ...REDIS_VARIABLES], (e) =>
    e.MEMORY_STORE === 'redis' && !parseRedisTarget(redisInput(e)).target
      ? [
          'MEMORY_STORE=redis needs a Redis: set REDIS_URL (e.g. redis://localhost:6379), or ' +
            'REDIS_SENTINELS and REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES; or unset ' +
            'MEMORY_STORE to keep memory in a SQLite file (SQLITE_PATH)',
        ]
      : [],
  ),
  rule(['SUMMARY_MAX_TOKENS', 'MEMORY_WINDOW_TOKENS'], (e) =>
    e.SUMMARY_MAX_TOKENS !== undefined && e.SUMMARY_MAX_TOKENS > e.MEMORY_WINDOW_TOKENS
      ? [
          `SUMMARY_MAX_TOKENS (${e.SUMMARY_MAX_TOKENS}) must not exceed MEMORY_WINDOW_TOKENS ` +
            `(${e.MEMORY_WINDOW_TOKENS}): the summary condenses the window, it cannot be larger`,
        ]
      : [],
  ),
];

/** Runs only once every variable and rule passed (so the Redis target parses without problems). */
function toConfig(e: Variables) {
  const telegram = e.TELEGRAM_BOT_TOKEN;
  const redisTarget = parseRedisTarget(redisInput(e)).target;
  return {
    ...modelConfig(e),
    redis: {
      /** Standalone (REDIS_URL), Sentinel or Cluster; unset: the embedded store. */
      target: redisTarget,
      keyPrefix: e.REDIS_KEY_PREFIX,
    },
    /** Turns a user may start per minute; 0 = no limit. */
    ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
    memory: {
      /** Which store: as set, else redis when a Redis is configured, else sqlite. */
      store: e.MEMORY_STORE ?? (redisTarget ? 'redis' : 'sqlite'),
      /** The SQLite file, as given (relative to the working directory). */
      sqlitePath: e.SQLITE_PATH,
      ttlSeconds: e.MEMORY_TTL_SECONDS,
      windowTokens: e.MEMORY_WINDOW_TOKENS,
      summaryMaxTokens:
        e.SUMMARY_MAX_TOKENS ??
        Math.min(SUMMARY_MAX_TOKENS_DEFAULT, Math.floor(e.MEMORY_WINDOW_TOKENS / 2)),
      summaryConcurrency: e.SUMMARY_CONCURRENCY,
      /** Long-term facts about each person. */
      facts: {
        enabled: e.MEMORY_FACTS,
        maxPromptTokens: e.FACTS_MAX_TOKENS,
        maxStored: e.FACTS_MAX_STORED,
      },
    },
    maxInputChars: e.MAX_INPUT_CHARS,
    /** Images, voice messages and text files. */
    attachments: {
      vision: e.LLM_VISION,
      maxImages: e.MAX_IMAGES_PER_TURN,
      maxImageBytes: e.MAX_IMAGE_BYTES,
      /** Undefined: voice messages are not transcribed. */
      transcribeModel: e.TRANSCRIBE_MODEL,
      maxAudioSeconds: e.MAX_AUDIO_SECONDS,
      maxFileChars: e.MAX_FILE_CHARS,
    },
    logLevel: e.LOG_LEVEL,
    /** Optional allowlists; an unset list allows everyone. */
    access: {
      users: e.ALLOWED_USER_IDS,
      telegramChats: e.TELEGRAM_ALLOWED_CHAT_IDS,
      discordGuilds: e.DISCORD_ALLOWED_GUILD_IDS,
    },
    streamReplies: e.STREAM_REPLIES,
    /** Every text in this language; undefined: each person's. */
    language: e.BOT_LANGUAGE,
    /** Set when TELEGRAM_BOT_TOKEN is. */
    telegram: telegram
      ? {
          token: telegram,
          apiRoot: e.TELEGRAM_API_ROOT,
          /** Webhook mode; without a secret, one derived from the token is used. */
          webhook: e.TELEGRAM_WEBHOOK_URL
            ? { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET }
            : undefined,
        }
      : undefined,
    /** Set when DISCORD_TOKEN is. */
    discord: e.DISCORD_TOKEN
      ? {
          token: e.DISCORD_TOKEN,
          apiUrl: e.DISCORD_API_URL,
          messageContent: e.DISCORD_MESSAGE_CONTENT,
          shards: e.DISCORD_SHARDS,
          /** In a shard process started by the sharding manager: its shard ID. */
          shardId: e.SHARDS,
        }
      : undefined,
    /** The HTTP server (webhooks, health); a webhook needs one, on 8080 unless HTTP_PORT says. */
    httpPort: e.HTTP_PORT ?? (telegram && e.TELEGRAM_WEBHOOK_URL ? 8080 : undefined),
  } as const;
}

export const configSchema = variables.check(...rules).transform(toConfig);
