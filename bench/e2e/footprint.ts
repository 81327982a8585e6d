import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * What each library adds to a process's resident memory: a bare `node`, started with the flags
 * ours runs with, imports it (and, for the tokenizer, counts one word) and reports VmRSS after
 * `gc()`, less the same for a bare `node` that imports nothing. Explains the idle RSS of the bots.
 */

export interface FootprintRow {
  readonly what: string;
  /** RSS after import and gc(), in bytes. */
  readonly rss: number;
  /** Less a bare node's. */
  readonly added: number;
}

const ROOT = new URL('../../', import.meta.url);

/** Creates the counter as the built bot does (the tables file `npm run build` writes), counts a word. */
const TOKENIZER_INIT = `m.createTokenCounter({ warn() {} }).countText('hello world');`;

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
      what: 'our tokenizer (its tables file, as the built bot reads it; after counting a word)',
      imports: [built('token-tables.js')],
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

function measure(imports: readonly string[], flags: readonly string[], init = ''): number {
  const body =
    imports.map((spec, i) => `const m${i} = await import(${JSON.stringify(spec)});`).join('\n') +
    (init ? `\nconst m = m${imports.length - 1};\n${init}` : '') +
    `
for (let i = 0; i < 3; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
const status = (await import('node:fs')).readFileSync('/proc/self/status', 'utf8');
process.stdout.write(/VmRSS:\\s+(\\d+)/.exec(status)[1]);`;
  const args = [...flags, '--expose-gc', '--input-type=module', '-e', body];
  const out = execFileSync(process.execPath, args, {
    cwd: fileURLToPath(ROOT),
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  return Number(out.trim()) * 1024;
}

/** One process per subject, one after the other; `ourBuild` is the built dist/ of ours, `flags` its start flags. */
export function measureFootprints(ourBuild: string, flags: readonly string[]): FootprintRow[] {
  const rows = subjects(ourBuild).map((s) => ({
    what: s.what,
    rss: measure(s.imports, flags, s.init),
  }));
  const bare = rows[0]!.rss;
  return rows.map((r) => ({ ...r, added: r.rss - bare }));
}
