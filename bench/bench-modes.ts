import { writeFileSync } from 'node:fs';
import { renderE2e } from './e2e/report-e2e.js';
import { runE2e, type E2eResults } from './e2e/run-e2e.js';
import { orchestrate } from './orchestrate.js';
import type { Results } from './report.js';
import { renderResults } from './report.js';
import { composeResults } from './results-file.js';

/**
 * `npm run bench`: Part 1, the end-to-end mode (both bots as processes through the fake
 * Telegram), then Part 2, the memory layer in one process; writes bench/RESULTS.md when both ran
 * in full. `-- --e2e` runs Part 1 only, `-- --memory` Part 2 only (with `--only=…` for some of
 * its sections); a partial run prints its part and leaves RESULTS.md alone.
 */
export async function runBench(args: readonly string[]): Promise<void> {
  const started = performance.now();
  const date = new Date().toISOString();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const e2eOnly = args.includes('--e2e');
  const memoryOnly = args.includes('--memory') || args.some((a) => a.startsWith('--only='));
  if (e2eOnly && memoryOnly) throw new Error('--e2e and --memory/--only exclude each other');

  let e2e: E2eResults | undefined;
  let memory: Results | undefined;
  if (!memoryOnly) {
    log('Part 1. End to end: both bots as processes, through the fake Telegram');
    e2e = await runE2e(log);
  }
  if (!e2eOnly) {
    log('\nPart 2. The memory layer in one process');
    memory = await orchestrate(args);
  }
  const seconds = (performance.now() - started) / 1000;
  if (e2e && memory) {
    const command = 'npm run bench';
    const markdown = composeResults({ date, command, seconds }, e2e, memory);
    writeFileSync(new URL('./RESULTS.md', import.meta.url), markdown);
    log(`\n${markdown}`);
  } else if (e2e) {
    log(`\n${renderE2e({ e2e }).join('\n')}`);
    log('(a partial run: bench/RESULTS.md is written by `npm run bench` without options)');
  } else if (memory) {
    log(`\n${renderResults(memory)}`);
    log('(a partial run: bench/RESULTS.md is written by `npm run bench` without options)');
  }
  log(`whole bench: ${seconds.toFixed(0)} s`);
}
