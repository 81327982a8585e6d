import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MemoryPolicy } from '../../src/core/memory-port.js';

/** Helpers for the SQLite store's tests: file states, and opening the store as another user. */

export const POLICY: MemoryPolicy = { ttlSeconds: 3600, maxTokens: 10_000, maxMessages: 100 };

export const isRoot = process.getuid?.() === 0;

/** The same bytes before and after: the store did not touch the file. */
export function bytesOf(path: string): Buffer {
  return readFileSync(path);
}

/**
 * Takes the write permission away from a file or directory (and gives it back afterwards). Root
 * writes whatever the permissions say, so as root the store is then opened by
 * {@link initAsNobody}, in a process of the unprivileged user 65534.
 */
export function readOnly(path: string, directory = false): () => void {
  chmodSync(path, directory ? 0o555 : 0o444);
  return () => chmodSync(path, directory ? 0o755 : 0o644);
}

/** Whether this process can write `dir` (false for a read-only directory unless root). */
export function canWrite(dir: string): boolean {
  const probe = join(dir, '.write-probe');
  try {
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
    return true;
  } catch {
    return false;
  }
}

const PROBE = fileURLToPath(new URL('./sqlite-init-probe.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/**
 * Runs `SqliteMemoryStore.init()` on `path` in a child process, as the unprivileged user 65534
 * when this one is root (else as this user), and returns the start-up error's name and message,
 * or undefined when it started. The directories on the way must be readable by that user.
 */
export function initAsNobody(path: string): { name: string; message: string } | undefined {
  const output = execFileSync(process.execPath, ['--import', TSX, PROBE, path], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
    ...(isRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  const result = JSON.parse(output) as { error?: { name: string; message: string } };
  return result.error;
}

export function garbage(path: string, bytes = 8192): void {
  writeFileSync(path, Buffer.alloc(bytes, 'not a database, just some garbage. '));
}

export function remove(path: string): void {
  rmSync(path, { recursive: true, force: true });
}
