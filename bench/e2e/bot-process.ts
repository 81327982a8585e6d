import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  cpSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The bots of the end-to-end runs as separate processes, measured from the outside through
 * /proc the same way for both: CPU (user + system of every thread) and resident memory.
 */

const ROOT = new URL('../../', import.meta.url);
/**
 * Builds go under node_modules/.cache: bare imports resolve from there (node_modules is an
 * ancestor), and the project's dist/ is left alone (others may be building or running it).
 */
const CACHE = new URL('node_modules/.cache/chatmem-bench/', ROOT);

/** `npm run build`'s steps into a directory of the bench's own; returns the path of main.js. */
export function buildOurs(): string {
  const outDir = fileURLToPath(new URL('dist/', CACHE));
  rmSync(outDir, { recursive: true, force: true });
  const tsc = fileURLToPath(new URL('node_modules/typescript/bin/tsc', ROOT));
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (error) {
    // tsc emits despite type errors (noEmitOnError is off): in-progress work elsewhere in src/
    // must not stop a benchmark of what compiles; a missing main.js does.
    const out = (error as { stdout?: string }).stdout ?? '';
    process.stdout.write(
      `  tsc reported errors (the build is used anyway):\n${out.slice(0, 2000)}\n`,
    );
  }
  cpSync(new URL('src/memory/scripts', ROOT), `${outDir}memory/scripts`, { recursive: true });
  // The same script as the build's last step: it writes the tokenizer's tables where the compiled
  // program reads them (core/o200k_base.bin next to its own compiled file), so ours runs with
  // the tables file as the image does, not with the ranks module.
  execFileSync(process.execPath, [`${outDir}write-token-tables.js`], { stdio: 'pipe' });
  return `${outDir}main.js`;
}

/**
 * bench/recipe-bot.ts compiled to plain JavaScript (types stripped by the TypeScript compiler), so
 * the recipe runs on bare `node` like ours: no tsx or type-stripping loader adds to its memory.
 */
export function compileRecipe(): string {
  const source = readFileSync(new URL('bench/recipe-bot.ts', ROOT), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  mkdirSync(CACHE, { recursive: true });
  const path = fileURLToPath(new URL('recipe-bot.mjs', CACHE));
  writeFileSync(path, outputText);
  return path;
}

const CLOCK_TICKS =
  Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const PAGE = 1024;

/** User + system CPU of a process (all its threads), in ms, from /proc/<pid>/stat. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Resident memory (VmRSS) of a process in bytes; `peak`: its high-water mark (VmHWM). */
export function processRss(pid: number, peak = false): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = peak ? /VmHWM:\s+(\d+) kB/ : /VmRSS:\s+(\d+) kB/;
  return Number(field.exec(status)?.[1] ?? NaN) * PAGE;
}

export interface BotProcess {
  readonly label: string;
  readonly pid: number;
  /** Where the bot's stdout and stderr go (its log). */
  readonly logPath: string;
  cpuMs(): number;
  rss(): number;
  /** The most resident memory the process has had (VmHWM), in bytes. */
  peakRss(): number;
  /** True until the process exits. */
  running(): boolean;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface BotSpec {
  readonly label: string;
  readonly script: string;
  /** Node flags before the script, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** The whole environment besides PATH: nothing of the caller's (REDIS_URL, DISCORD_TOKEN…) leaks in. */
  readonly env: Readonly<Record<string, string>>;
  /** Working directory: a directory without `.env`, so dotenv adds nothing. */
  readonly cwd: string;
}

export function startBot(spec: BotSpec): BotProcess {
  const logPath = `${spec.cwd}/${spec.label.replace(/\W+/g, '-')}.log`;
  const log = openSync(logPath, 'a');
  const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), spec.script], {
    cwd: spec.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...spec.env },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${spec.label}`);
  const pid = child.pid;
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  return {
    label: spec.label,
    pid,
    logPath,
    cpuMs: () => processCpuMs(pid),
    rss: () => processRss(pid),
    peakRss: () => processRss(pid, true),
    running: () => !exited,
    async stop(graceMs = 15_000) {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** The last lines of a bot's log, for error messages. */
export function logTail(bot: BotProcess, lines = 20): string {
  try {
    return readFileSync(bot.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Lines of a pino log at warn or above (level ≥ 40), plus anything that is not JSON. */
export function logProblems(bot: BotProcess): string[] {
  let text: string;
  try {
    text = readFileSync(bot.logPath, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((line) => {
    if (!line.trim()) return false;
    try {
      const level = (JSON.parse(line) as { level?: unknown }).level;
      return typeof level === 'number' ? level >= 40 : true;
    } catch {
      return true;
    }
  });
}
