import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { startFakeOpenAIServer } from '../../test/doubles/fake-openai-server.js';
import { startFakeTelegramServer } from '../../test/doubles/fake-telegram-server.js';
import { SYSTEM_PROMPT } from '../side.js';
import { summarizeLatencies, type LatencySummary } from '../stats.js';
import { logProblems, logTail, startBot, type BotProcess } from './bot-process.js';
import { drive, type DrivePlan } from './driver.js';
import { modelHandler, modelTimeMs, type ModelPace } from './workload.js';

/** One bot, one workload, fresh fakes: what `measureBot` needs to know. */
export interface BotRun {
  readonly bot: 'ours' | 'recipe';
  /** The built main.js (ours) or compiled recipe-bot.mjs. */
  readonly script: string;
  readonly pace: ModelPace;
  readonly plan: DrivePlan;
  /** Ours only: STREAM_REPLIES. */
  readonly stream: boolean;
  /** Ours only: LOG_LEVEL. */
  readonly logLevel: string;
  readonly redisUrl: string;
  /** Admin connection to that Redis, for INFO cpu. */
  readonly redis: Redis;
  /** Unique per run; every key of the bot lives under it. */
  readonly keyPrefix: string;
  /** Working directory of the bot: its log, and its CPU profile when `cpuProfile` is set. */
  readonly dir: string;
  readonly cpuProfile?: boolean;
  /** Added to the bot's environment (a diagnostic variant). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Node flags before the script: ours gets those of its start command (see `startFlags`). */
  readonly nodeArgs?: readonly string[];
}

export interface BotRunResult {
  readonly bot: 'ours' | 'recipe';
  readonly turns: number;
  readonly answered: number;
  readonly wrongAnswers: number;
  readonly timedOut: number;
  /** VmRSS once polling started, before the first message. */
  readonly idleRss: number;
  /** VmRSS once the run and any background work (our summaries) were done. */
  readonly rssAfter: number;
  /** VmRSS after a further `IDLE_AFTER_MS` without messages: what the bot holds while quiet. */
  readonly rssIdleAfter: number;
  /** The most the process held at any time (VmHWM): what a small machine must have. */
  readonly peakRss: number;
  readonly cpuMsPerTurn: number;
  readonly redisCpuMsPerTurn: number;
  readonly turnsPerSecond: number;
  readonly latency: LatencySummary;
  readonly firstVisible: LatencySummary;
  /** Latency minus the model's own time (first token + generation at the pace). */
  readonly overhead: LatencySummary;
  /** Message sent → chat request at the fake model. */
  readonly toModel: LatencySummary;
  /** Telegram calls per turn by method. */
  readonly callsPerTurn: Readonly<Record<string, number>>;
  /** Bot log lines at warn or above (ours), or stderr lines (recipe); the first few. */
  readonly problems: readonly string[];
  readonly problemCount: number;
  /** Requests the fake model received per turn: answers, and others (our summaries). */
  readonly modelCallsPerTurn: { readonly chat: number; readonly other: number };
  /** CPU of the benchmark process itself (the fakes and the driver) per turn. */
  readonly harnessCpuMsPerTurn: number;
  /** Redis `INFO commandstats` of the run, per turn, busiest first. */
  readonly redisCommands: readonly RedisCommandCost[];
  /** The .cpuprofile written at exit, when asked for, and the measured window in its clock. */
  readonly profile?: { readonly path: string; readonly startUs: number; readonly endUs: number };
}

export interface RedisCommandCost {
  readonly command: string;
  readonly callsPerTurn: number;
  readonly usPerTurn: number;
}

/**
 * Idle connections of the fakes stay open this long. Their test default (1 s) makes Node's agent
 * and undici open a new connection for every call; Telegram and OpenAI keep theirs open for
 * a minute or more.
 */
const KEEP_ALIVE_MS = 60_000;

/** How long after the run "RSS once quiet" is read: a bot may give memory back when idle. */
export const IDLE_AFTER_MS = 3000;

/** The monotonic clock V8's profiler stamps samples with (CLOCK_MONOTONIC on Linux), in µs. */
function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

async function redisCommandStats(redis: Redis, turns: number): Promise<RedisCommandCost[]> {
  const info = await redis.info('commandstats');
  const rows: RedisCommandCost[] = [];
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    const command = match[1]!;
    // The bench's own INFO and CONFIG calls are not the bot's.
    if (command === 'info' || command.startsWith('config')) continue;
    rows.push({
      command,
      callsPerTurn: Number(match[2]) / turns,
      usPerTurn: Number(match[3]) / turns,
    });
  }
  return rows.sort((a, b) => b.usPerTurn - a.usPerTurn);
}

/** `used_cpu_user + used_cpu_sys` of the Redis server, in ms. */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

/** Waits until the bot has used no CPU for `quietMs` (background work done), at most `maxMs`. */
async function settle(bot: BotProcess, quietMs = 600, maxMs = 20_000): Promise<void> {
  const until = Date.now() + maxMs;
  let last = bot.cpuMs();
  let quietSince = Date.now();
  while (Date.now() < until) {
    await sleep(100);
    const now = bot.cpuMs();
    // One clock tick (10 ms) of idle polling and timers is noise.
    if (now - last > 10) quietSince = Date.now();
    last = now;
    if (Date.now() - quietSince >= quietMs) return;
  }
}

export async function measureBot(run: BotRun): Promise<BotRunResult> {
  const telegram = await startFakeTelegramServer({ keepAliveTimeoutMs: KEEP_ALIVE_MS });
  const model = await startFakeOpenAIServer({
    handler: modelHandler(run.pace),
    keepAliveTimeoutMs: KEEP_ALIVE_MS,
  });
  const common = {
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    OPENAI_BASE_URL: model.baseURL,
    OPENAI_API_KEY: 'bench-key',
    LLM_MODEL: 'gpt-4o-mini',
    REDIS_URL: run.redisUrl,
    SYSTEM_PROMPT,
  };
  const env: Record<string, string> =
    run.bot === 'ours'
      ? {
          ...common,
          REDIS_KEY_PREFIX: run.keyPrefix,
          MEMORY_STORE: 'redis',
          MEMORY_TTL_SECONDS: '3600',
          STREAM_REPLIES: String(run.stream),
          RATE_LIMIT_PER_MINUTE: '0',
          LOG_LEVEL: run.logLevel,
        }
      : { ...common, RECIPE_KEY_PREFIX: run.keyPrefix, RECIPE_TTL_SECONDS: '3600' };
  const bot = startBot({
    label: run.bot,
    script: run.script,
    nodeArgs: [
      ...(run.nodeArgs ?? []),
      ...(run.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${run.dir}`] : []),
    ],
    env: { ...env, ...run.extraEnv },
    cwd: run.dir,
  });
  try {
    // Started once it polls; then a moment for start-up garbage and timers to settle.
    await telegram
      .waitFor(() => telegram.callsTo('getUpdates').length > 0 || !bot.running(), 60_000)
      .catch(() => undefined);
    if (!bot.running() || telegram.callsTo('getUpdates').length === 0) {
      throw new Error(`${run.bot} did not start polling; its log:\n${logTail(bot)}`);
    }
    await sleep(1500);
    const idleRss = bot.rss();
    telegram.calls.splice(0);

    await run.redis.call('CONFIG', 'RESETSTAT');
    const startUs = nowUs();
    const cpuBefore = bot.cpuMs();
    const redisBefore = await redisCpuMs(run.redis);
    const harnessBefore = process.cpuUsage();
    const result = await drive(telegram, model, run.plan);
    await settle(bot);
    const cpuMs = bot.cpuMs() - cpuBefore;
    const redisMs = (await redisCpuMs(run.redis)) - redisBefore;
    const harness = process.cpuUsage(harnessBefore);
    const endUs = nowUs();
    const rssAfter = bot.rss();
    await sleep(IDLE_AFTER_MS);
    const rssIdleAfter = bot.rss();
    const peakRss = bot.peakRss();

    const answered = result.timings.length;
    const own = modelTimeMs(run.pace);
    const pick = (f: (t: (typeof result.timings)[number]) => number) =>
      summarizeLatencies(result.timings.map(f).filter((v) => Number.isFinite(v)));
    const redisCommands = await redisCommandStats(run.redis, answered);
    const problems = logProblems(bot);
    const callsPerTurn: Record<string, number> = {};
    for (const [method, count] of result.calls) callsPerTurn[method] = count / result.turns;
    await bot.stop();
    return {
      bot: run.bot,
      turns: result.turns,
      answered,
      wrongAnswers: result.wrongAnswers,
      timedOut: result.timedOut,
      idleRss,
      rssAfter,
      rssIdleAfter,
      peakRss,
      cpuMsPerTurn: cpuMs / answered,
      redisCpuMsPerTurn: redisMs / answered,
      turnsPerSecond: answered / (result.wallMs / 1000),
      latency: pick((t) => t.latencyMs),
      firstVisible: pick((t) => t.firstVisibleMs),
      overhead: pick((t) => t.latencyMs - own),
      toModel: pick((t) => t.toModelMs),
      callsPerTurn,
      problems: problems.slice(0, 5),
      problemCount: problems.length,
      modelCallsPerTurn: {
        chat: result.modelRequests.chat / answered,
        other: result.modelRequests.other / answered,
      },
      harnessCpuMsPerTurn: (harness.user + harness.system) / 1000 / answered,
      redisCommands,
      profile: profileOf(run, startUs, endUs),
    };
  } finally {
    await bot.stop();
    await Promise.all([telegram.close(), model.close()]);
  }
}

/** The profile the bot wrote at exit (the newest in its directory), with the measured window. */
function profileOf(run: BotRun, startUs: number, endUs: number): BotRunResult['profile'] {
  if (!run.cpuProfile) return undefined;
  const files = readdirSync(run.dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort();
  const file = files.at(-1);
  return file ? { path: `${run.dir}/${file}`, startUs, endUs } : undefined;
}
