import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: ours vs the LangChain recipe, end to end (both bots as processes) and in the
 * memory layer (bench/bench-modes.ts); writes bench/RESULTS.md. Process-memory figures need
 * `gc()`, so without `--expose-gc` the script runs itself again with it (and with tsx as loader),
 * passing on its exit code.
 */
if (typeof globalThis.gc === 'function') {
  const { runBench } = await import('./bench-modes.js');
  try {
    await runBench(process.argv.slice(2));
    process.exit(0);
  } catch (error) {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  }
} else {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      import.meta.resolve('tsx'),
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  // Ctrl+C reaches the child too (same process group); it cleans up and exits, then so do we.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => undefined);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
}
