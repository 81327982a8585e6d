import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TSX = import.meta.resolve('tsx');

export interface RunningProgram {
  readonly child: ChildProcessWithoutNullStreams;
  /** Standard output and error so far. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code once the process has exited (and its directory is removed). */
  readonly exited: Promise<number | null>;
}

/**
 * Runs one of the program's entry points (`src/<entry>`, the code `npm start` builds) from source
 * with tsx, with only the given environment (plus PATH), from an empty directory so no
 * developer's `.env` leaks in: a new one removed at exit, or `options.cwd` (kept: the caller's).
 */
export function startProgram(
  entry: string,
  env: Record<string, string>,
  options: { cwd?: string } = {},
): RunningProgram {
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'chatmem-program-'));
  const child = spawn(
    process.execPath,
    ['--import', TSX, fileURLToPath(new URL(`../../src/${entry}`, import.meta.url))],
    { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (!options.cwd) rmSync(cwd, { recursive: true, force: true });
      resolve(code);
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}
