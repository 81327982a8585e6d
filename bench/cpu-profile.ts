import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where a bot's CPU goes, from a `.cpuprofile` (`node --cpu-prof`): every sample's time charged to
 * a category by the script URL of the function it was in, e.g. grammY, the HTTP clients,
 * LangChain, the openai SDK, the tokenizer, markdown, the Redis client, logging, our src/.
 *
 * Two views. **Self**: the sampled function's own file; built-ins without a file (JSON.parse, a
 * RegExp, Array.prototype.sort) count for the JavaScript that called them. **With the Node work
 * it causes**: Node's own JavaScript (node:internal/…, e.g. the http and stream code under a
 * request) counts for the nearest library or file of ours above it on the stack; work that starts
 * in Node itself (a socket read, a timer) stays Node's.
 *
 * Run alone: `npx tsx bench/cpu-profile.ts <file.cpuprofile> [turns]` prints both views.
 */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
export interface CpuProfile {
  /** µs of the monotonic clock (CLOCK_MONOTONIC on Linux, as `process.hrtime`). */
  readonly startTime: number;
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface CategoryRow {
  readonly category: string;
  /** Milliseconds of samples whose own function falls in the category. */
  readonly selfMs: number;
  /** Milliseconds once Node's internals are charged to the code that called them. */
  readonly attributedMs: number;
}

export interface FunctionRow {
  readonly name: string;
  readonly where: string;
  readonly category: string;
  readonly selfMs: number;
}

export interface ProfileBreakdown {
  /** Sampled time without idle, in ms. */
  readonly totalMs: number;
  readonly categories: readonly CategoryRow[];
  readonly topFunctions: readonly FunctionRow[];
}

export const GC = 'garbage collection';
export const NATIVE = 'V8 and native code (no JS frame)';
const NODE_PREFIX = 'Node: ';
const OURS = 'our src/: ';

/** Our build (dist/) is named after src/; a build under node_modules/.cache is still ours. */
const OUR_BUILD = /\/(?:dist|src)\/(.+?)\.[jt]s$/;

/** Packages by category; the first rule whose packages match wins. */
const PACKAGE_RULES: readonly [category: string, packages: readonly string[]][] = [
  ['grammY (+ runner, auto-retry)', ['grammy', '@grammyjs/']],
  ['HTTP client of grammY (node-fetch)', ['node-fetch', 'abort-controller', 'whatwg-url']],
  ['HTTP client of openai (undici, fetch)', ['undici']],
  ['openai SDK', ['openai']],
  ['LangChain: @langchain/openai', ['@langchain/openai']],
  ['LangChain: @langchain/core', ['@langchain/core', 'langsmith', 'p-queue', 'p-retry', 'uuid']],
  ['LangChain: @langchain/redis', ['@langchain/redis']],
  ['tokenizer', ['js-tiktoken', 'gpt-tokenizer']],
  ['markdown rendering', ['marked']],
  [
    'Redis client (ioredis)',
    ['ioredis', '@ioredis/', 'redis-parser', 'standard-as-callback', 'cluster-key-slot', 'denque'],
  ],
  ['Redis client (node-redis)', ['@redis/', 'redis', 'generic-pool']],
  [
    'logging (pino)',
    [
      'pino',
      'sonic-boom',
      'thread-stream',
      'fast-redact',
      '@pinojs/',
      'quick-format-unescaped',
      'safe-stable-stringify',
    ],
  ],
  ['zod', ['zod']],
];

/** Files of ours that belong to a library's category rather than to "our src/". */
const OUR_FILE_RULES: readonly [category: string, pattern: RegExp][] = [
  ['HTTP client of ours (keep-alive fetch on node:http)', /^http\/keep-alive-fetch$/],
  ['tokenizer', /^core\/(token-counter|byte-pair-encoder|bpe-tables)/],
  [
    'markdown rendering',
    /^platforms\/(telegram\/telegram-format|shared\/(markdown-chunks|markdown-escape|graphemes))/,
  ],
  ['logging (pino)', /^logger$/],
];

/** The category of a script URL ('' has none: a built-in). */
export function categoryOf(url: string): string | undefined {
  if (!url) return undefined;
  if (url.startsWith('node:')) {
    const path = url.slice('node:'.length).replace(/^internal\//, '');
    if (path.startsWith('deps/undici')) return 'HTTP client of openai (undici, fetch)';
    if (
      /^(_?http|https|net|stream|streams|tls|dns|dgram|socket|child_process|url|buffer|zlib)/.test(
        path,
      )
    ) {
      return `${NODE_PREFIX}http, net, streams, buffers`;
    }
    if (/^(timers|process|async_hooks|event_target|abort_controller|events|util)/.test(path)) {
      return `${NODE_PREFIX}timers, events, promises, AbortSignal`;
    }
    return `${NODE_PREFIX}other`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(url)?.[1];
  if (pkg && !url.includes('/.cache/chatmem-bench/')) {
    for (const [category, packages] of PACKAGE_RULES) {
      if (packages.some((p) => (p.endsWith('/') ? pkg.startsWith(p) : pkg === p))) return category;
    }
    return `other packages (${pkg})`;
  }
  const file = OUR_BUILD.exec(url)?.[1] ?? OUR_BUILD.exec(url.replace(/^file:\/\//, ''))?.[1];
  if (file) {
    for (const [category, pattern] of OUR_FILE_RULES) if (pattern.test(file)) return category;
    return `${OURS}${file.split('/')[0] === file ? 'wiring' : file.split('/')[0]}`;
  }
  return `other (${url.replace(/^file:\/\//, '').slice(-60)})`;
}

/**
 * The breakdown of the samples taken within `window` (µs of the profile's clock; default: all of
 * them, start-up and shutdown included), with the `topN` functions of most self time.
 */
export function analyzeProfile(
  profile: CpuProfile,
  window?: { readonly startUs: number; readonly endUs: number },
  topN = 15,
): ProfileBreakdown {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  const selfMemo = new Map<number, string>();
  const selfCategory = (id: number): string => {
    const known = selfMemo.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    let category: string;
    if (name === '(garbage collector)') category = GC;
    else if (name === '(idle)') category = 'idle';
    else if (name === '(program)' || name === '(root)') category = NATIVE;
    else {
      const up = parent.get(id);
      category = categoryOf(node.callFrame.url) ?? (up === undefined ? NATIVE : selfCategory(up));
    }
    selfMemo.set(id, category);
    return category;
  };
  const attributedMemo = new Map<number, string>();
  const attributed = (id: number): string => {
    const known = attributedMemo.get(id);
    if (known) return known;
    const own = selfCategory(id);
    let category = own;
    const up = parent.get(id);
    if (own.startsWith(NODE_PREFIX) && up !== undefined) {
      const above = attributed(up);
      if (!above.startsWith(NODE_PREFIX) && above !== NATIVE) category = above;
    }
    attributedMemo.set(id, category);
    return category;
  };

  const self = new Map<string, number>();
  const withNode = new Map<string, number>();
  const functions = new Map<number, number>();
  let totalUs = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    if (window && (at < window.startUs || at > window.endUs)) return;
    const category = selfCategory(id);
    if (category === 'idle') return;
    totalUs += us;
    self.set(category, (self.get(category) ?? 0) + us);
    const a = attributed(id);
    withNode.set(a, (withNode.get(a) ?? 0) + us);
    functions.set(id, (functions.get(id) ?? 0) + us);
  });

  const categories = [...new Set([...self.keys(), ...withNode.keys()])]
    .map((category) => ({
      category,
      selfMs: (self.get(category) ?? 0) / 1000,
      attributedMs: (withNode.get(category) ?? 0) / 1000,
    }))
    .sort((a, b) => b.attributedMs - a.attributedMs || b.selfMs - a.selfMs);

  // The same function appears under many stacks: add its nodes up by name and place.
  const perFunction = new Map<string, FunctionRow>();
  for (const [id, us] of functions) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '(built-in)';
    const key = `${functionName}@${where}`;
    const row = perFunction.get(key);
    perFunction.set(key, {
      name: functionName || '(anonymous)',
      where,
      category: selfCategory(id),
      selfMs: (row?.selfMs ?? 0) + us / 1000,
    });
  }
  const topFunctions = [...perFunction.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, topN);
  return { totalMs: totalUs / 1000, categories, topFunctions };
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const inModules = /.*node_modules\/(.*)$/.exec(path)?.[1];
  if (inModules && !path.includes('/.cache/chatmem-bench/')) return inModules;
  const ours = /\/(?:dist|src)\/(.+)$/.exec(path)?.[1];
  return ours ? `src/${ours.replace(/\.js$/, '.ts')}` : path;
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, turnsArg] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: npx tsx bench/cpu-profile.ts <file.cpuprofile> [turns]\n');
    process.exit(2);
  }
  const breakdown = analyzeProfile(readProfile(file));
  const turns = Number(turnsArg ?? 0);
  const per = (ms: number) =>
    turns > 0 ? ` ${((ms / turns) * 1000).toFixed(0).padStart(6)} µs/turn` : '';
  process.stdout.write(`sampled ${breakdown.totalMs.toFixed(0)} ms of CPU\n`);
  for (const c of breakdown.categories) {
    const share = (ms: number) => `${((ms / breakdown.totalMs) * 100).toFixed(1).padStart(5)} %`;
    process.stdout.write(
      `${c.category.padEnd(48)} self ${share(c.selfMs)}  with Node ${share(c.attributedMs)}${per(c.attributedMs)}\n`,
    );
  }
  process.stdout.write('\ntop functions by self time:\n');
  for (const f of breakdown.topFunctions) {
    process.stdout.write(
      `${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name} (${f.where}) [${f.category}]\n`,
    );
  }
}
