import { int, mib, table } from '../stats.js';
import { shareOf, srcFindings } from './findings-e2e.js';
import type { BotFigures } from './report-e2e.js';
import { PROFILE_PLAN, type E2eResults, type ProfiledBot } from './run-e2e.js';

/** Part 1's evidence: the CPU profiles, Redis's own accounting, what each library weighs. */

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
/** A table cell from a function name: RegExp names hold `|` and backticks. */
const cell = (text: string) => text.slice(0, 48).replace(/`/g, "'").replace(/\|/g, '\\|');

export function renderDetails(e2e: E2eResults, ours: BotFigures, recipe: BotFigures): string[] {
  return [
    '## Where the CPU goes',
    ...profileSection(e2e, ours, recipe),
    '## Redis commands per turn (`INFO commandstats`)',
    'Server-side execution time as Redis counts it, per turn, in the first throughput run. ' +
      'Commands run by a Lua script are counted on their own line too (their time is part of the ' +
      "script's `evalsha`).",
    table(
      ['bot', 'command', 'calls per turn', 'µs per turn'],
      (['ours', 'recipe'] as const).flatMap((bot) =>
        e2e.throughput[bot][0]!.redisCommands.slice(0, 8).map((c) => [
          bot,
          c.command,
          c.callsPerTurn.toFixed(2),
          c.usPerTurn.toFixed(1),
        ]),
      ),
    ),
    `Probe on the same Redis: a list of ${e2e.redisProbe.messages} messages of ` +
      `${e2e.redisProbe.bytesEach} bytes (a session after 10 turns) read with \`LRANGE\` costs ` +
      `${e2e.redisProbe.plainLrangeUs.toFixed(1)} µs per call; returned by a Lua script ` +
      `(\`return redis.call('LRANGE', …)\`) ${e2e.redisProbe.scriptLrangeUs.toFixed(1)} µs; an empty ` +
      `script ${e2e.redisProbe.emptyScriptUs.toFixed(1)} µs.`,
    '## What each library adds to a process',
    `A bare \`node\`, started with ours' flags (${e2e.startFlags.join(' ') || 'none'}), imports the ` +
      'library (our tokenizer also counts a word) and reports `VmRSS` after `gc()`; "added" is the ' +
      'difference to a bare `node`. Libraries share dependencies, so the rows do not add up.',
    table(
      ['imported', 'RSS MiB', 'added MiB'],
      e2e.footprints.map((f) => [f.what, mib(f.rss), f.what === 'bare node' ? '–' : mib(f.added)]),
    ),
    '## What is left to cut',
    ...srcFindings(e2e, ours, recipe),
  ];
}

function profileSection(e2e: E2eResults, oursFig: BotFigures, recipeFig: BotFigures): string[] {
  const { ours, recipe } = e2e.profiles;
  if (!ours || !recipe) return ['(no profile was written)'];
  // Sampled wall time overstates CPU on a busy machine: shares × the CPU /proc measured.
  const perTurn = (bot: ProfiledBot, figures: BotFigures, category: string) =>
    int(shareOf(bot, category) * figures.cpuMsPerTurn * 1000);
  const categories = [
    ...new Set(
      [...ours.breakdown.categories, ...recipe.breakdown.categories].map((c) => c.category),
    ),
  ].filter((c) => shareOf(ours, c) >= 0.003 || shareOf(recipe, c) >= 0.003);
  return [
    `Each bot once more under \`node --cpu-prof\` (${PROFILE_PLAN.sessions} sessions × ` +
      `${PROFILE_PLAN.turnsEach} turns, otherwise as the throughput runs), only the samples from ` +
      'the first message to the end of the run (start-up excluded), analysed by ' +
      '`bench/cpu-profile.ts`. "Self": the sampled function\'s own file (built-ins such as ' +
      '`JSON.parse` count for the code that called them). "With Node": Node\'s internal http, net ' +
      'and stream code counts for the library or file of ours above it on the stack; what starts ' +
      "in Node itself (socket reads, timers) stays Node's. µs per turn = share × the bot's CPU per " +
      `turn in the throughput runs (ours ${oursFig.cpuMsPerTurn.toFixed(2)} ms, recipe ` +
      `${recipeFig.cpuMsPerTurn.toFixed(2)} ms): the profiler's wall-clock samples overstate CPU ` +
      `when the machine is busy, and it slows a bot down (ours ${ours.run.cpuMsPerTurn.toFixed(2)} ` +
      `ms, recipe ${recipe.run.cpuMsPerTurn.toFixed(2)} ms per turn under it).`,
    table(
      [
        'category',
        'ours self',
        'ours with Node',
        'ours µs/turn',
        'recipe with Node',
        'recipe µs/turn',
      ],
      categories.map((c) => [
        c,
        pct(shareOf(ours, c, true)),
        pct(shareOf(ours, c)),
        perTurn(ours, oursFig, c),
        pct(shareOf(recipe, c)),
        perTurn(recipe, recipeFig, c),
      ]),
    ),
    'Functions of ours with the most self time:',
    table(
      ['function', 'where', 'category', 'share'],
      ours.breakdown.topFunctions
        .slice(0, 12)
        .map((f) => [cell(f.name), f.where, f.category, pct(f.selfMs / ours.breakdown.totalMs)]),
    ),
  ];
}

/** What the README's small-heap option saves and costs, for ours and for the recipe. */
export function flagSection(e2e: E2eResults, ours: BotFigures, recipe: BotFigures): string[] {
  const flags = e2e.smallHeapFlags.map((f) => `\`${f}\``).join(' ');
  const small = e2e.smallHeapRuns;
  const line = (
    name: string,
    f: Pick<BotFigures, 'idleRss' | 'rssAfter' | 'rssIdleAfter' | 'peakRss' | 'cpuMsPerTurn'>,
  ) => [
    name,
    mib(f.idleRss),
    mib(f.peakRss),
    mib(f.rssAfter),
    mib(f.rssIdleAfter),
    f.cpuMsPerTurn.toFixed(2),
  ];
  return [
    '## Trading CPU for memory: a smaller young generation',
    `The README offers ${flags} for machines short of memory: V8's young generation stays at ` +
      '1 MiB per semi-space instead of growing to 32, so the peak under a burst is lower and ' +
      'each turn costs more CPU (more, smaller collections, more objects promoted). Both bots ' +
      'ran once more with it; the usual rows are the medians of the throughput runs above.',
    table(
      ['bot, start', 'idle RSS', 'peak RSS', 'RSS at end', 'RSS quiet', 'CPU ms/turn'],
      [
        line('ours, as started (`npm start`)', ours),
        line(`ours, ${flags}`, small.ours),
        line('recipe, plain `node`', recipe),
        line(`recipe, ${flags}`, small.recipe),
      ],
    ),
  ];
}
