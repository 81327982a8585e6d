import {
  AIMessage,
  HumanMessage,
  mapChatMessagesToStoredMessages,
  mapStoredMessagesToChatMessages,
  SystemMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import type { Redis } from 'ioredis';
import { trimHistory } from '../src/core/prompt.js';
import type { TiktokenCounter } from '../src/core/token-counter.js';
import { hardCapFor, type StoredEntry } from '../src/core/memory-port.js';
import type { ModelCall, Texts } from './fake-models.js';
import type { MemoizedCounter } from './token-tally.js';
import { OUR_SETTINGS, type OursSide } from './ours.js';
import { cpuShares, profile, type Category, type CpuShare } from './profile.js';
import { memoryUsage } from './redis-env.js';
import type { RequestCounter } from './redis-monitor.js';
import type { Side, TurnOutcome } from './side.js';
import { settledMemory, summarizeLatencies, type LatencySummary } from './stats.js';

/** What every measurement needs; built by orchestrate.ts. */
export interface BenchContext {
  readonly admin: Redis;
  readonly texts: Texts;
  /** The project's tokenizer, shared with our side, as in production. */
  readonly tokens: TiktokenCounter;
  /** The same counts, remembered by text, for counting what the models received. */
  readonly counter: MemoizedCounter;
  /** A session number no other measurement of the run uses. */
  nextSession(): number;
  log(line: string): void;
}

type Question = (session: number, turn: number) => string;

export interface LoadResult {
  readonly wallMs: number;
  /** CPU time of this process (user + system, all threads) during the run. */
  readonly cpuMs: number;
  readonly latencies: number[];
  readonly outcomes: Record<TurnOutcome, number>;
}

/**
 * `concurrency` workers; each takes the next conversation and sends its `turnsEach` turns one after
 * another, each turn after the previous answer. So `concurrency` sessions are in flight at any
 * time and every configuration plays the same conversations. Wall time ends when background work
 * (our summaries) is done too.
 */
export async function load(
  side: Side,
  sessions: readonly number[],
  turnsEach: number,
  concurrency: number,
  question: Question,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const outcomes: Record<TurnOutcome, number> = { ok: 0, refused: 0, 'not-stored': 0 };
  let next = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const worker = async () => {
    for (let i = next++; i < sessions.length; i = next++) {
      const session = sessions[i]!;
      for (let turn = 1; turn <= turnsEach; turn++) {
        const text = question(session, turn);
        const t0 = performance.now();
        const outcome = await side.turn(session, text);
        latencies.push(performance.now() - t0);
        outcomes[outcome] += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, sessions.length) }, worker));
  await side.idle();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    wallMs: performance.now() - started,
    cpuMs: (cpu.user + cpu.system) / 1000,
    latencies,
    outcomes,
  };
}

export function freshSessions(ctx: BenchContext, count: number): number[] {
  return Array.from({ length: count }, () => ctx.nextSession());
}

// ---------------------------------------------------------------------------------------------
// 1. Redis round trips per turn

export interface RoundTripResult {
  readonly side: string;
  readonly turns: number;
  readonly requests: number;
  /** Requests before the answer was returned (ours: up to and including the append). */
  readonly replyPath: { readonly min: number; readonly max: number; readonly total: number };
  /** Turns after which a background summary ran, and the requests those made. */
  readonly summaryTurns: number;
  readonly summaryRequests: number;
  /** Distinct per-turn request sequences and how often each occurred. */
  readonly sequences: ReadonlyMap<string, number>;
}

export async function measureRoundTrips(
  ctx: BenchContext,
  monitor: RequestCounter,
  side: Side,
  turns: number,
): Promise<RoundTripResult> {
  const source = await side.clientAddress();
  const session = ctx.nextSession();
  await monitor.watch(ctx.admin, source);
  const sequences = new Map<string, number>();
  let requests = 0;
  let summaryTurns = 0;
  let summaryRequests = 0;
  const replyPath = { min: Infinity, max: 0, total: 0 };
  try {
    for (let turn = 1; turn <= turns; turn++) {
      await side.turn(session, ctx.texts.question(session, turn));
      await side.idle();
      const seen = await monitor.take(ctx.admin, source);
      const append = seen.findIndex((r) => r.includes(' append-turn.lua'));
      const onPath = append >= 0 ? append + 1 : seen.length;
      replyPath.min = Math.min(replyPath.min, onPath);
      replyPath.max = Math.max(replyPath.max, onPath);
      replyPath.total += onPath;
      if (seen.length > onPath) {
        summaryTurns += 1;
        summaryRequests += seen.length - onPath;
      }
      requests += seen.length;
      const key = seen.join(', ');
      sequences.set(key, (sequences.get(key) ?? 0) + 1);
    }
  } finally {
    monitor.unwatch(source);
  }
  return { side: side.name, turns, requests, replyPath, summaryTurns, summaryRequests, sequences };
}

// ---------------------------------------------------------------------------------------------
// 2. Throughput and per-turn overhead

export interface ThroughputRow {
  readonly label: string;
  readonly concurrency: number;
  readonly turns: number;
  readonly turnsPerSecond: number;
  /** CPU of this process per turn: less disturbed than wall time by other load on the machine. */
  readonly cpuMsPerTurn: number;
  readonly latency: LatencySummary;
  readonly summaries: number;
  readonly notOk: number;
  /** Turns per second of the other repetition(s) of the same configuration. */
  readonly otherRuns: readonly number[];
}

export const LOAD_CONVERSATIONS = 200;
export const LOAD_TURNS_EACH = 20;

export async function warmUp(ctx: BenchContext, side: Side): Promise<void> {
  await load(side, freshSessions(ctx, 20), LOAD_TURNS_EACH, 20, ctx.texts.question.bind(ctx.texts));
}

export async function measureThroughput(
  ctx: BenchContext,
  label: string,
  side: Side,
  concurrency: number,
): Promise<ThroughputRow> {
  await settledMemory();
  const summariesBefore = side.summaryModel?.calls ?? 0;
  const result = await load(
    side,
    freshSessions(ctx, LOAD_CONVERSATIONS),
    LOAD_TURNS_EACH,
    concurrency,
    ctx.texts.question.bind(ctx.texts),
  );
  const turns = result.latencies.length;
  return {
    label,
    concurrency,
    turns,
    turnsPerSecond: (turns / result.wallMs) * 1000,
    cpuMsPerTurn: result.cpuMs / turns,
    latency: summarizeLatencies(result.latencies),
    summaries: (side.summaryModel?.calls ?? 0) - summariesBefore,
    notOk: turns - result.outcomes.ok,
    otherRuns: [],
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Tokens sent to the models, 4. Redis bytes per session

export interface TurnTokens {
  readonly turn: number;
  chatIn: number;
  chatOut: number;
  summaryIn: number;
  summaryOut: number;
  summaries: number;
}

export interface ConversationResult {
  readonly side: string;
  readonly perTurn: readonly TurnTokens[];
  /** Bytes of the session's keys after turns 10, 50 and 200. */
  readonly bytesAt: ReadonlyMap<number, number>;
  readonly bytes: number;
  readonly bytesByKey: readonly { key: string; bytes: number }[];
  readonly storedMessages: number;
}

export const TOKEN_TURNS = 200;
export const BYTES_AT: readonly number[] = [10, 50, 100, 200];

/**
 * One conversation of `TOKEN_TURNS` fixed-size turns. After each turn the side is let idle (a
 * person takes seconds to answer; our summary, which runs after the reply, is done by then), so
 * the figures do not depend on timing. Every prompt each model received is counted.
 */
export async function measureConversation(
  ctx: BenchContext,
  side: Side,
): Promise<ConversationResult> {
  const session = ctx.nextSession();
  const perTurn: TurnTokens[] = [];
  const bytesAt = new Map<number, number>();
  let current: TurnTokens | undefined;
  side.chatModel.recorder = (call: ModelCall) => {
    current!.chatIn += ctx.counter.countPrompt(call.prompt);
    current!.chatOut += ctx.counter.countText(call.answer);
  };
  if (side.summaryModel) {
    side.summaryModel.recorder = (call: ModelCall) => {
      current!.summaryIn += ctx.counter.countPrompt(call.prompt);
      current!.summaryOut += ctx.counter.countText(call.answer);
      current!.summaries += 1;
    };
  }
  try {
    for (let turn = 1; turn <= TOKEN_TURNS; turn++) {
      current = { turn, chatIn: 0, chatOut: 0, summaryIn: 0, summaryOut: 0, summaries: 0 };
      await side.turn(session, ctx.texts.question(session, turn));
      await side.idle();
      perTurn.push(current);
      if (BYTES_AT.includes(turn)) {
        bytesAt.set(turn, await memoryUsage(ctx.admin, side.keysOf(session)));
      }
    }
  } finally {
    side.chatModel.recorder = undefined;
    if (side.summaryModel) side.summaryModel.recorder = undefined;
  }
  const bytesByKey: { key: string; bytes: number }[] = [];
  for (const key of side.keysOf(session)) {
    bytesByKey.push({ key, bytes: await memoryUsage(ctx.admin, [key]) });
  }
  return {
    side: side.name,
    perTurn,
    bytesAt,
    bytes: bytesByKey.reduce((sum, k) => sum + k.bytes, 0),
    bytesByKey,
    storedMessages: (await side.stored(session)).length,
  };
}

// ---------------------------------------------------------------------------------------------
// 5. A burst of turns of one session

export interface BurstResult {
  readonly label: string;
  readonly sent: number;
  readonly answered: number;
  readonly refused: number;
  readonly failed: number;
  readonly storedHumans: number;
  readonly duplicates: number;
  /** Answered turns whose question is not in the store. */
  readonly lostSilently: number;
  readonly inOrder: boolean;
  /** Each stored question is followed by its own answer. */
  readonly pairsIntact: boolean;
  /** Model calls whose prompt held every turn stored before this one. */
  readonly fullContext: number;
  readonly modelCalls: number;
  readonly storedTurnsSequence: string;
}

export const BURST_TURNS = 50;

const TAG = /^\[([qa]) (\d+)\.(\d+)\]/;

export async function measureBurst(
  ctx: BenchContext,
  label: string,
  side: Side,
): Promise<BurstResult> {
  const session = ctx.nextSession();
  const calls: ModelCall[] = [];
  side.chatModel.recorder = (call) => calls.push(call);
  let outcomes: (TurnOutcome | 'failed')[];
  try {
    outcomes = await Promise.all(
      Array.from({ length: BURST_TURNS }, (_, i) =>
        side.turn(session, ctx.texts.shortQuestion(session, i + 1)).catch((): 'failed' => 'failed'),
      ),
    );
    await side.idle();
  } finally {
    side.chatModel.recorder = undefined;
  }
  const stored = await side.stored(session);
  const tags = stored.map((m) => {
    const match = TAG.exec(m.text);
    return { kind: m.type, turn: match && Number(match[2]) === session ? Number(match[3]) : -1 };
  });
  const humans = tags.filter((t) => t.kind === 'human').map((t) => t.turn);
  const unique = new Set(humans);
  const answeredTurns = outcomes.flatMap((o, i) =>
    o === 'ok' || o === 'not-stored' ? [i + 1] : [],
  );
  const pairsIntact = tags.every(
    (t, i) => t.kind !== 'human' || (tags[i + 1]?.kind === 'ai' && tags[i + 1]?.turn === t.turn),
  );
  const position = new Map(humans.map((turn, i) => [turn, i]));
  let fullContext = 0;
  for (const call of calls) {
    const asked = call.prompt.at(-1);
    const turn = Number(TAG.exec(typeof asked?.content === 'string' ? asked.content : '')?.[3]);
    const earlier = call.prompt.slice(0, -1).filter((m) => m.type === 'human').length;
    if (earlier >= (position.get(turn) ?? Infinity)) fullContext += 1;
  }
  return {
    label,
    sent: BURST_TURNS,
    answered: answeredTurns.length,
    refused: outcomes.filter((o) => o === 'refused').length,
    failed: outcomes.filter((o) => o === 'failed').length,
    storedHumans: humans.length,
    duplicates: humans.length - unique.size,
    lostSilently: answeredTurns.filter((t) => !unique.has(t)).length,
    inOrder: humans.every((turn, i) => i === 0 || turn > humans[i - 1]!),
    pairsIntact,
    fullContext,
    modelCalls: calls.length,
    storedTurnsSequence: compactSequence(tags),
  };
}

/** `q1 a1 q2 a2 …` shortened to its first dozen entries. */
function compactSequence(tags: readonly { kind: string; turn: number }[]): string {
  const shown = tags.slice(0, 12).map((t) => `${t.kind === 'human' ? 'q' : 'a'}${t.turn}`);
  return tags.length > 12 ? `${shown.join(' ')} …` : shown.join(' ');
}

// ---------------------------------------------------------------------------------------------
// 6. Process memory with many sessions

export interface MemoryPoint {
  readonly sessions: number;
  /** After forced GC, once the turns' time budgets (LLM_TIMEOUT_MS) have run out. */
  readonly heapUsed: number;
  readonly rss: number;
  /** After forced GC right after the last turn, with the budgets' timers still pending. */
  readonly heapRightAfter: number;
  readonly queueSize: number;
  readonly summariesInFlight: number;
  readonly redisUsedMemory: number;
  readonly turnsPerSecond: number;
}

export const MEMORY_CHECKPOINTS = [10_000, 100_000] as const;
export const MEMORY_CONCURRENCY = 200;

async function redisUsedMemory(admin: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1] ?? 0);
}

/**
 * Distinct sessions, one short turn each, `concurrency` in flight, on a side of its own; process
 * memory after forced GC at each checkpoint, right after the last turn and again once `budgetMs`
 * (the model-call budget, whose timer each turn leaves pending) has passed. Returns the session
 * numbers too, so their keys can be deleted straight away.
 */
export async function measureProcessMemory(
  ctx: BenchContext,
  side: OursSide,
  checkpoints: readonly number[],
  concurrency: number,
  budgetMs: number,
): Promise<{ points: MemoryPoint[]; sessions: number[] }> {
  const all: number[] = [];
  const question = ctx.texts.shortQuestion.bind(ctx.texts);
  await load(side, freshSessions(ctx, 200), 1, concurrency, question);
  const base = await settledMemory();
  const points: MemoryPoint[] = [
    {
      sessions: 0,
      ...base,
      heapRightAfter: base.heapUsed,
      queueSize: side.queueSize(),
      summariesInFlight: side.summariesInFlight(),
      redisUsedMemory: await redisUsedMemory(ctx.admin),
      turnsPerSecond: 0,
    },
  ];
  for (const target of checkpoints) {
    const sessions = freshSessions(ctx, target - all.length);
    all.push(...sessions);
    const result = await load(
      side,
      sessions,
      1,
      concurrency,
      ctx.texts.shortQuestion.bind(ctx.texts),
    );
    if (result.outcomes.ok !== sessions.length) {
      throw new Error(
        `process-memory run: ${sessions.length - result.outcomes.ok} turns not stored`,
      );
    }
    const rightAfter = await settledMemory();
    ctx.log(
      `  ${all.length} sessions: heap ${(rightAfter.heapUsed / 2 ** 20).toFixed(1)} MiB right ` +
        `after; waiting ${((budgetMs + 1000) / 1000).toFixed(0)} s for the turns' timers`,
    );
    await new Promise((resolve) => setTimeout(resolve, budgetMs + 1000));
    const memory = await settledMemory();
    points.push({
      sessions: all.length,
      ...memory,
      heapRightAfter: rightAfter.heapUsed,
      queueSize: side.queueSize(),
      summariesInFlight: side.summariesInFlight(),
      redisUsedMemory: await redisUsedMemory(ctx.admin),
      turnsPerSecond: (sessions.length / result.wallMs) * 1000,
    });
    ctx.log(`  ${all.length} sessions: heap ${(memory.heapUsed / 2 ** 20).toFixed(1)} MiB`);
  }
  return { points, sessions: all };
}

/** Deletes the keys of the given sessions in pipelines of 500 sessions. */
export async function deleteSessionKeys(
  admin: Redis,
  side: Side,
  sessions: readonly number[],
): Promise<void> {
  for (let i = 0; i < sessions.length; i += 500) {
    const keys = sessions.slice(i, i + 500).flatMap((s) => side.keysOf(s));
    await admin.unlink(...keys);
  }
}

// ---------------------------------------------------------------------------------------------
// Where the CPU goes: a profiled load run per side

export const PROFILE_CONVERSATIONS = 100;

export interface CpuProfileResult {
  readonly shares: readonly CpuShare[];
  /** Busy CPU time of this process (not Redis) per turn, under the profiler. */
  readonly msPerTurn: number;
}

export async function measureCpu(
  ctx: BenchContext,
  side: Side,
  categories: readonly Category[],
): Promise<CpuProfileResult> {
  const sessions = freshSessions(ctx, PROFILE_CONVERSATIONS);
  const question = ctx.texts.question.bind(ctx.texts);
  const { profile: data } = await profile(() =>
    load(side, sessions, LOAD_TURNS_EACH, 50, question),
  );
  const { shares, busyMs } = cpuShares(data, categories);
  return { shares, msPerTurn: busyMs / (sessions.length * LOAD_TURNS_EACH) };
}

// ---------------------------------------------------------------------------------------------
// Where a turn of ours spends its CPU: micro-measurements of two steps named in the report

export interface StepCost {
  readonly step: string;
  readonly microseconds: number;
  readonly note: string;
}

/** Mean µs per call: after a warm-up, at least 5 calls and 200 ms, at most `maxIterations`. */
function timeIt(maxIterations: number, body: () => void): number {
  for (let i = 0; i < Math.min(50, maxIterations); i++) body();
  const started = performance.now();
  let n = 0;
  while (n < maxIterations && (n < 5 || performance.now() - started < 200)) {
    body();
    n += 1;
  }
  return ((performance.now() - started) / n) * 1000;
}

/**
 * Stored entries as our store keeps them (stored-message JSON with a token count and a sequence
 * ID): turns of `question` until `until` says stop.
 */
function storedHistory(
  ctx: BenchContext,
  question: Question,
  until: (entries: readonly StoredEntry[]) => boolean,
): StoredEntry[] {
  const entries: StoredEntry[] = [];
  for (let turn = 1; !until(entries); turn++) {
    const human = new HumanMessage(question(1, turn));
    const ai = new AIMessage(ctx.texts.answerTo([human]));
    const [h, a] = mapChatMessagesToStoredMessages([human, ai]);
    entries.push({ id: entries.length + 1, tokens: ctx.tokens.countMessage(human), message: h! });
    entries.push({ id: entries.length + 1, tokens: ctx.tokens.countMessage(ai), message: a! });
  }
  return entries;
}

const tokensOf = (entries: readonly StoredEntry[]) => entries.reduce((s, e) => s + e.tokens, 0);

/** The candidate rewrite of `trimHistory`: walk back over the stored counts, convert only what is kept. */
function trimByStoredCounts(entries: readonly StoredEntry[], windowTokens: number): BaseMessage[] {
  let start = entries.length;
  let total = 0;
  while (start > 0 && total + entries[start - 1]!.tokens <= windowTokens) {
    total += entries[--start]!.tokens;
  }
  while (start < entries.length && entries[start]!.message.type !== 'human') start += 1;
  return mapStoredMessagesToChatMessages(entries.slice(start).map((e) => e.message));
}

async function timeAsync(maxIterations: number, body: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(5, maxIterations); i++) await body();
  const started = performance.now();
  let n = 0;
  while (n < maxIterations && (n < 5 || performance.now() - started < 200)) {
    await body();
    n += 1;
  }
  return ((performance.now() - started) / n) * 1000;
}

export async function measureStepCosts(ctx: BenchContext): Promise<StepCost[]> {
  const window = OUR_SETTINGS.windowTokens;
  const question = ctx.texts.question.bind(ctx.texts);
  // Right before a fold: just over the window.
  const full = storedHistory(ctx, question, (e) => tokensOf(e) > window);
  // The hard cap (4 × window, 400 messages) reached with short messages: the list our store
  // keeps when summaries keep failing, e.g. while the summary model is down.
  const cap = hardCapFor(window);
  const capped = storedHistory(
    ctx,
    ctx.texts.shortQuestion.bind(ctx.texts),
    (e) => e.length >= cap.maxMessages || tokensOf(e) >= cap.maxTokens - 100,
  );
  for (const history of [full, capped]) {
    const kept = await trimHistory(history, window, ctx.tokens);
    const candidate = trimByStoredCounts(history, window);
    const same =
      kept.length === candidate.length &&
      kept.every((m, i) => m.type === candidate[i]!.type && m.content === candidate[i]!.content);
    if (!same) throw new Error('trimByStoredCounts disagrees with trimHistory');
  }

  const human = new HumanMessage(ctx.texts.question(7, 7));
  const ai = new AIMessage(ctx.texts.answerTo([human]));
  const prompt: BaseMessage[] = [
    new SystemMessage(OUR_SETTINGS.systemPrompt),
    ...(await trimHistory(full, window, ctx.tokens)),
    human,
  ];
  const promptTokens = prompt.reduce((s, m) => s + ctx.tokens.countMessage(m), 0);

  return [
    {
      step: 'count the new turn (question + answer), TiktokenCounter',
      microseconds: timeIt(
        1000,
        () => ctx.tokens.countMessage(human) + ctx.tokens.countMessage(ai),
      ),
      note: 'conversation.ts runTurn, every turn',
    },
    {
      step: `usage fallback: count the whole prompt (${promptTokens} tokens), TiktokenCounter`,
      microseconds: timeIt(100, () => prompt.reduce((s, m) => s + ctx.tokens.countMessage(m), 0)),
      note: 'conversation.ts runTurn, when the endpoint reports no usage',
    },
    {
      step: `trimHistory, ${full.length} stored messages (${tokensOf(full)} tokens, before a fold)`,
      microseconds: await timeAsync(300, () => trimHistory(full, window, ctx.tokens)),
      note: 'prompt.ts, every turn',
    },
    {
      step: '↳ same trim from the stored counts (bench candidate)',
      microseconds: timeIt(300, () => trimByStoredCounts(full, window)),
      note: 'same messages kept',
    },
    {
      step: `trimHistory, ${capped.length} stored messages (${tokensOf(capped)} tokens, hard cap)`,
      microseconds: await timeAsync(1000, () => trimHistory(capped, window, ctx.tokens)),
      note: 'prompt.ts, every turn while summaries fail',
    },
    {
      step: '↳ same trim from the stored counts (bench candidate)',
      microseconds: timeIt(300, () => trimByStoredCounts(capped, window)),
      note: 'same messages kept',
    },
  ];
}
