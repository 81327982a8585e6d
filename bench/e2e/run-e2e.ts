import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyzeProfile, readProfile, type ProfileBreakdown } from '../cpu-profile.js';
import {
  connect,
  deleteKeys,
  findRedis,
  redisVersion,
  startRedisServer,
  type RedisEnv,
} from '../redis-env.js';
import { buildOurs, compileRecipe } from './bot-process.js';
import { measureFootprints, type FootprintRow } from './footprint.js';
import type { DrivePlan } from './driver.js';
import { probeScriptCost, type RedisProbe } from './redis-probe.js';
import { measureBot, type BotRunResult } from './run-bot.js';
import { INSTANT, REALISTIC_PACE, type ModelPace } from './workload.js';

/**
 * The end-to-end mode: our built bot (`node dist/main.js`, built into a directory of the bench's
 * own) and the recipe bot, each a separate process, driven through the fake Telegram with the
 * fake OpenAI server and a Redis the bench starts for itself, one bot at a time.
 */

export type BotName = 'ours' | 'recipe';
export const BOTS: readonly BotName[] = ['ours', 'recipe'];

/** 200 sessions of 10 turns, all in flight: the load issue 11 measured. */
export const THROUGHPUT_PLAN: DrivePlan = {
  sessions: 200,
  turnsEach: 10,
  inFlight: 200,
  turnTimeoutMs: 60_000,
  firstUserId: 100_000,
};
/** Runs per bot, alternating; far apart in time, so a burst of outside load hits one only. */
export const THROUGHPUT_RUNS = 3;
/** The profiled run (profiling slows a bot down, so its figures are not the headline ones). */
export const PROFILE_PLAN: DrivePlan = { ...THROUGHPUT_PLAN, sessions: 100 };
/** 1,000 conversations in flight on one process, 2 turns each, against a model with latency. */
export const REALISTIC_PLAN: DrivePlan = {
  sessions: 1000,
  turnsEach: 2,
  inFlight: 1000,
  turnTimeoutMs: 120_000,
  firstUserId: 100_000,
};
/** Updates the diagnostic recipe run handles at once (@grammyjs/runner's default is 500). */
export const WIDE_CONCURRENCY = 5000;
/**
 * The Node flags of `npm start` (and of the Docker image, which a test keeps the same): ours runs
 * as operators start it, `node <flags> dist/main.js`.
 */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = (pkg.scripts.start ?? '').trim().split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== 'dist/main.js') {
    throw new Error(`npm start is not "node [flags] dist/main.js": ${pkg.scripts.start}`);
  }
  return words.slice(1, -1);
}

/** V8's young generation capped at 1 MiB per semi-space: less memory, more CPU (README, Memory). */
export const SMALL_HEAP_FLAGS = ['--max-semi-space-size=1'];

/** Ours logs at its default level, one line per turn: part of what an operator runs. */
export const LOG_LEVEL = 'info';

export interface ProfiledBot {
  readonly run: BotRunResult;
  readonly breakdown: ProfileBreakdown;
}

export interface E2eResults {
  readonly redis: string;
  readonly throughput: Readonly<Record<BotName, readonly BotRunResult[]>>;
  readonly profiles: Readonly<Record<BotName, ProfiledBot | undefined>>;
  readonly realistic: Readonly<Record<BotName, BotRunResult>>;
  /** The recipe again with the runner's concurrency raised: what its default of 500 costs. */
  readonly realisticWideRunner: BotRunResult;
  /** The runner concurrency of that diagnostic run. */
  readonly wideConcurrency: number;
  readonly redisProbe: RedisProbe;
  readonly pace: ModelPace;
  /** What each library adds to a bare node's RSS. */
  readonly footprints: readonly FootprintRow[];
  /** The Node flags of `npm start` that ours ran with. */
  readonly startFlags: readonly string[];
  /**
   * The README's option for small machines (`SMALL_HEAP_FLAGS`), one throughput run each bot:
   * what it saves and costs (any Node program can be started with it, the recipe too).
   */
  readonly smallHeapRuns: { readonly ours: BotRunResult; readonly recipe: BotRunResult };
  readonly smallHeapFlags: readonly string[];
  readonly buildSeconds: number;
  readonly seconds: number;
}

/** A Redis of the bench's own when redis-server is installed, so nothing else counts in INFO cpu. */
async function ownRedis(log: (line: string) => void): Promise<RedisEnv> {
  try {
    return await startRedisServer();
  } catch (error) {
    log(`  no redis-server of our own (${String(error)}); using a shared Redis`);
    return findRedis();
  }
}

export async function runE2e(log: (line: string) => void): Promise<E2eResults> {
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'chatmem-bench-e2e-'));
  const env = await ownRedis(log);
  const redis = connect(env.url);
  const prefix = `chatmem-bench-e2e-${randomUUID().slice(0, 8)}`;
  let runNumber = 0;
  const flags = startFlags();
  // Ctrl+C reaches the bots and the redis-server too (one process group); leave no files behind.
  const interrupted = () => {
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, interrupted);
  try {
    log(`  Redis: ${env.origin}; building ours (tsc) and compiling the recipe bot`);
    const buildStart = performance.now();
    const scripts: Record<BotName, string> = { ours: buildOurs(), recipe: compileRecipe() };
    const buildSeconds = (performance.now() - buildStart) / 1000;
    log('  what each library adds to a bare node');
    const footprints = measureFootprints(dirname(scripts.ours), flags);

    const measure = async (
      bot: BotName,
      plan: DrivePlan,
      pace: ModelPace,
      options: {
        stream?: boolean;
        cpuProfile?: boolean;
        extraEnv?: Record<string, string>;
        nodeArgs?: string[];
      } = {},
    ) => {
      const n = ++runNumber;
      const result = await measureBot({
        bot,
        script: scripts[bot],
        pace,
        plan,
        stream: options.stream ?? false,
        logLevel: LOG_LEVEL,
        redisUrl: env.url,
        redis,
        keyPrefix: `${prefix}:${n}`,
        dir: mkdtempSync(join(work, `${n}-${bot}-`)),
        cpuProfile: options.cpuProfile,
        extraEnv: options.extraEnv,
        nodeArgs: options.nodeArgs ?? (bot === 'ours' ? flags : []),
      });
      // Keys of the run go now: the next run starts from the same empty Redis.
      await deleteKeys(redis, `${prefix}:${n}`);
      log(`  ${describe(result)}`);
      for (const line of result.problems) log(`    ! ${line.slice(0, 300)}`);
      if (result.problemCount > result.problems.length) {
        log(`    ! … ${result.problemCount - result.problems.length} more problem lines`);
      }
      return result;
    };

    log(
      `  throughput: ${THROUGHPUT_PLAN.sessions} sessions × ${THROUGHPUT_PLAN.turnsEach} turns, ` +
        `${THROUGHPUT_PLAN.inFlight} in flight, zero-latency model, no streaming`,
    );
    const throughput: Record<BotName, BotRunResult[]> = { ours: [], recipe: [] };
    for (let i = 0; i < THROUGHPUT_RUNS; i++) {
      for (const bot of BOTS) throughput[bot].push(await measure(bot, THROUGHPUT_PLAN, INSTANT));
    }

    log(`  both bots with ${SMALL_HEAP_FLAGS.join(' ')} (the README's option for small machines)`);
    const smallHeapRuns = {
      ours: await measure('ours', THROUGHPUT_PLAN, INSTANT, {
        nodeArgs: [...flags, ...SMALL_HEAP_FLAGS],
      }),
      recipe: await measure('recipe', THROUGHPUT_PLAN, INSTANT, { nodeArgs: SMALL_HEAP_FLAGS }),
    };

    log(
      `  CPU profiles (--cpu-prof), ${PROFILE_PLAN.sessions} sessions × ${PROFILE_PLAN.turnsEach} turns`,
    );
    const profiles: Record<BotName, ProfiledBot | undefined> = {
      ours: undefined,
      recipe: undefined,
    };
    for (const bot of BOTS) {
      const run = await measure(bot, PROFILE_PLAN, INSTANT, { cpuProfile: true });
      profiles[bot] = run.profile && {
        run,
        breakdown: analyzeProfile(readProfile(run.profile.path), {
          startUs: run.profile.startUs,
          endUs: run.profile.endUs,
        }),
      };
    }

    log(
      `  realistic latency: ${REALISTIC_PLAN.sessions} conversations × ${REALISTIC_PLAN.turnsEach} ` +
        `turns in flight, first token after ${REALISTIC_PACE.firstTokenMs} ms, ` +
        `${REALISTIC_PACE.tokensPerSecond} tokens/s; ours streams`,
    );
    const realistic: Record<BotName, BotRunResult> = {
      ours: await measure('ours', REALISTIC_PLAN, REALISTIC_PACE, { stream: true }),
      recipe: await measure('recipe', REALISTIC_PLAN, REALISTIC_PACE),
    };
    log(`  the recipe again, its runner handling ${WIDE_CONCURRENCY} updates at once (diagnostic)`);
    const realisticWideRunner = await measure('recipe', REALISTIC_PLAN, REALISTIC_PACE, {
      extraEnv: { RECIPE_RUNNER_CONCURRENCY: String(WIDE_CONCURRENCY) },
    });
    const redisProbe = await probeScriptCost(redis, `${prefix}:probe`);

    return {
      redis: `${await redisVersion(redis)} (${env.origin})`,
      throughput,
      profiles,
      realistic,
      realisticWideRunner,
      wideConcurrency: WIDE_CONCURRENCY,
      redisProbe,
      pace: REALISTIC_PACE,
      footprints,
      startFlags: flags,
      smallHeapRuns,
      smallHeapFlags: SMALL_HEAP_FLAGS,
      buildSeconds,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, interrupted);
    await deleteKeys(redis, prefix).catch(() => 0);
    redis.disconnect();
    await env.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

const MiB = 2 ** 20;

function describe(r: BotRunResult): string {
  const failed = r.timedOut + r.wrongAnswers;
  return (
    `${r.bot.padEnd(6)} ${r.turnsPerSecond.toFixed(0).padStart(4)} turns/s, ` +
    `CPU ${r.cpuMsPerTurn.toFixed(2)} ms/turn, Redis ${(r.redisCpuMsPerTurn * 1000).toFixed(0)} µs/turn, ` +
    `RSS ${(r.idleRss / MiB).toFixed(0)} → ${(r.rssAfter / MiB).toFixed(0)} MiB, ` +
    `p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms` +
    (r.firstVisible.p50 < r.latency.p50 ? `, first text p50 ${r.firstVisible.p50} ms` : '') +
    (failed ? `, ${r.timedOut} timed out, ${r.wrongAnswers} wrong answers` : '')
  );
}
