import { Session } from 'node:inspector/promises';

/**
 * Where the CPU time of a run goes, from V8's sampling profiler (the same data as
 * `node --cpu-prof`). Each sample is charged to the first category of the list that matches any
 * frame of its stack, so categories do not overlap and add up to 100 % with "other". Code that
 * resumes after an `await` has only the resumed function on its stack, hence categories by
 * package as well as by function.
 */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

export interface Category {
  readonly label: string;
  readonly matches: (frame: CallFrame) => boolean;
}

export interface CpuShare {
  readonly label: string;
  readonly share: number;
}

export async function profile<T>(
  run: () => Promise<T>,
): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const result = await run();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

/** Shares of busy time (idle excluded) per category, largest first, then "other". */
export function cpuShares(
  data: CpuProfile,
  categories: readonly Category[],
): { shares: CpuShare[]; busyMs: number } {
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of data.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const memo = new Map<number, string>();
  const categoryOf = (id: number): string => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    let best = categories.length;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      if (frame.url.startsWith('node:inspector')) {
        memo.set(id, PROFILER);
        return PROFILER;
      }
      const index = categories.findIndex((c) => c.matches(frame));
      if (index >= 0 && index < best) best = index;
    }
    const label = categories[best]?.label ?? 'other';
    memo.set(id, label);
    return label;
  };
  const time = new Map<string, number>();
  let busy = 0;
  data.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') return;
    const delta = data.timeDeltas[i] ?? 0;
    const label =
      frame.functionName === '(garbage collector)' ? 'garbage collection' : categoryOf(id);
    if (label === PROFILER) return;
    busy += delta;
    time.set(label, (time.get(label) ?? 0) + delta);
  });
  const shares = [...time].map(([label, t]) => ({ label, share: t / busy }));
  const other = shares.filter((s) => s.label === 'other');
  return {
    shares: [
      ...shares.filter((s) => s.label !== 'other').sort((a, b) => b.share - a.share),
      ...other,
    ],
    busyMs: busy / 1000,
  };
}

/** The profiler's own work (stopping, serialising the profile) is left out. */
const PROFILER = '(profiler)';

const fn = (name: string, urlPart: string) => (f: CallFrame) =>
  f.functionName === name && f.url.includes(urlPart);
const url = (part: string) => (f: CallFrame) => f.url.includes(part);

const langchain = (dir: string) => url(`@langchain/core/dist/${dir}/`);

/** Our turn, in priority order. */
export const OUR_CATEGORIES: readonly Category[] = [
  {
    label: 'token counting (TiktokenCounter, BytePairEncoder)',
    matches: (f) =>
      url('js-tiktoken')(f) ||
      url('src/core/token-counter')(f) ||
      url('src/core/byte-pair-encoder')(f),
  },
  { label: 'Redis client (ioredis), socket writes', matches: url('/ioredis/') },
  {
    label: 'trimHistory (trimMessages, message.text)',
    matches: fn('trimHistory', 'src/core/prompt'),
  },
  { label: 'store: parse replies, build commands', matches: url('src/memory/redis-memory-store') },
  {
    label: 'LangChain model call (invoke, callbacks; fake model)',
    matches: (f) =>
      fn('callModel', 'src/core/model-call')(f) ||
      langchain('language_models')(f) ||
      langchain('callbacks')(f) ||
      langchain('runnables')(f) ||
      langchain('singletons')(f) ||
      langchain('utils')(f) ||
      url('bench/fake-models')(f),
  },
  { label: 'LangChain messages (create, convert, .text)', matches: langchain('messages') },
  { label: 'summary (other work)', matches: fn('summarizeOnce', 'src/core/conversation') },
  { label: 'turn, queue (other work)', matches: url('src/core/') },
];

/** The reference chain, in priority order. */
export const REFERENCE_CATEGORIES: readonly Category[] = [
  { label: 'Redis client (node-redis), socket writes', matches: url('@redis/client') },
  {
    label: 'tracers and run trees (RunnableWithMessageHistory listeners)',
    matches: (f) => f.url.includes('langsmith') || langchain('tracers')(f),
  },
  {
    label: 'RedisChatMessageHistory: read, parse, write',
    matches: url('@langchain/redis'),
  },
  { label: 'prompt template', matches: langchain('prompts') },
  {
    label: 'LangChain model call (invoke; fake model)',
    matches: (f) => langchain('language_models')(f) || url('bench/fake-models')(f),
  },
  { label: 'LangChain messages (create, convert, .text)', matches: langchain('messages') },
  {
    label: 'LangChain runnables and callbacks (chain, config, async context)',
    matches: (f) =>
      ['runnables', 'callbacks', 'singletons', 'utils', 'load'].some((dir) => langchain(dir)(f)),
  },
];
