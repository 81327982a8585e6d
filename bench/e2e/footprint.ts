import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * What each library adds to a process's resident memory: a bare `node` imports it (and, for the
 * tokenizer, counts one word, so its ranks are built) and reports VmRSS after `gc()`, less the
 * same for a bare `node` that imports nothing. Explains the idle RSS of the bots.
 */

export interface FootprintRow {
  readonly what: string;
  /** RSS after import and gc(), in bytes. */
  readonly rss: number;
  /** Less a bare node's. */
  readonly added: number;
}

const ROOT = new URL('../../', import.meta.url);

/** Finds the exported class with `countText` in our built token-counter module and counts a word. */
const TOKENIZER_INIT = `
for (const value of Object.values(m)) {
  if (typeof value === 'function' && typeof value.prototype?.countText === 'function') {
    new value().countText('hello world');
    break;
  }
}`;

function subjects(ourBuild: string): readonly { what: string; imports: string[]; init?: string }[] {
  const built = (path: string) => pathToFileURL(`${ourBuild}/${path}`).href;
  return [
    { what: 'bare node', imports: [] },
    {
      what: 'grammY + @grammyjs/runner + auto-retry',
      imports: ['grammy', '@grammyjs/runner', '@grammyjs/auto-retry'],
    },
    {
      what: 'ChatOpenAI (@langchain/openai, @langchain/core, openai)',
      imports: ['@langchain/openai'],
    },
    { what: 'ioredis', imports: ['ioredis'] },
    { what: 'pino', imports: ['pino'] },
    { what: 'marked', imports: ['marked'] },
    { what: 'discord.js (loaded only with DISCORD_TOKEN)', imports: ['discord.js'] },
    {
      what: 'our tokenizer (src/core/token-counter.ts, after counting a word)',
      imports: [built('core/token-counter.js')],
      init: TOKENIZER_INIT,
    },
    {
      what: 'our app without a platform (src/app.ts and all it imports)',
      imports: [built('app.js')],
    },
    {
      what: "the recipe's RunnableWithMessageHistory + @langchain/redis (node-redis)",
      imports: ['@langchain/core/runnables', '@langchain/redis'],
    },
  ];
}

function measure(imports: readonly string[], init = ''): number {
  const body =
    imports.map((spec, i) => `const m${i} = await import(${JSON.stringify(spec)});`).join('\n') +
    (init ? `\nconst m = m${imports.length - 1};\n${init}` : '') +
    `
for (let i = 0; i < 3; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
const status = (await import('node:fs')).readFileSync('/proc/self/status', 'utf8');
process.stdout.write(/VmRSS:\\s+(\\d+)/.exec(status)[1]);`;
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', body], {
    cwd: fileURLToPath(ROOT),
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  return Number(out.trim()) * 1024;
}

/** One process per subject, one after the other; `ourBuild` is the built dist/ of ours. */
export function measureFootprints(ourBuild: string): FootprintRow[] {
  const rows = subjects(ourBuild).map((s) => ({ what: s.what, rss: measure(s.imports, s.init) }));
  const bare = rows[0]!.rss;
  return rows.map((r) => ({ ...r, added: r.rss - bare }));
}
