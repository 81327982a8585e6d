import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { WITHOUT_MEMORY } from '../../src/core/conversation.js';
import { UNKNOWN_GENERATIONS } from '../../src/core/memory-port.js';
import { BufferedMemoryStore } from '../../src/memory/buffered-memory-store.js';
import { SqliteMemoryStore } from '../../src/memory/sqlite/sqlite-memory-store.js';
import { isStoreUnreachable } from '../../src/memory/write-errors.js';
import { makeService } from '../support/core.js';
import { ScriptedChatModel } from '../support/scripted-chat-model.js';
import { alice, bob, texts, turn } from './contract-fixtures.js';
import { POLICY, remove } from './sqlite-files.js';

const root = mkdtempSync(join(tmpdir(), 'chatmem-sqlite-outage-'));
afterAll(() => remove(root));
let files = 0;
const stores: SqliteMemoryStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function openStore(more: Partial<ConstructorParameters<typeof SqliteMemoryStore>[0]> = {}) {
  const path = more.path ?? join(root, `${++files}.db`);
  const store = new SqliteMemoryStore({ ...POLICY, path, busyTimeoutMs: 30, ...more });
  await store.init();
  stores.push(store);
  return store;
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('SqliteMemoryStore during a turn: a file that cannot take writes is an outage', () => {
  it('locked by another process: the write fails as unreachable, the buffer keeps it, then writes it', async () => {
    const inner = await openStore();
    const store = new BufferedMemoryStore(inner, { retryIntervalMs: 60_000 });
    await store.appendTurn(alice, (await store.load(alice)).generations, turn('before', 'x'));
    const holder = new DatabaseSync(inner.path);
    holder.exec('BEGIN IMMEDIATE');

    const error = await rejection(inner.appendTurn(alice, UNKNOWN_GENERATIONS, turn('q', 'a')));
    expect(error).toMatchObject({ code: 'ERR_SQLITE_ERROR', errcode: 5 });
    expect(isStoreUnreachable(error)).toBe(true);
    // A turn's load takes the lease: a write, so it fails too; a plain read still works (WAL).
    expect(
      isStoreUnreachable(await rejection(inner.load(alice, { owner: 't', ttlMs: 1000 }))),
    ).toBe(true);
    expect(texts((await inner.load(alice)).entries)).toEqual(['before', 'x']);

    const during = await store.appendTurn(alice, UNKNOWN_GENERATIONS, turn('during', 'x'), {
      turnId: 'turn-during',
    });
    expect(during.status).toBe('buffered');
    holder.exec('COMMIT');
    holder.close();
    await store.flush();
    expect(store.size).toBe(0);
    expect(texts((await store.load(alice)).entries)).toEqual(['before', 'x', 'during', 'x']);
  });

  it('full (its size limit reached): nothing half-written, the buffer keeps the turn until space is freed', async () => {
    const inner = await openStore({ maxSizeBytes: 96 * 1024 });
    const store = new BufferedMemoryStore(inner, { retryIntervalMs: 60_000 });
    const big = 'x'.repeat(3000);
    let full: unknown;
    for (let i = 0; i < 100 && !full; i++) {
      const { generations } = await inner.load(bob);
      full = await rejection(inner.appendTurn(bob, generations, turn(`bob ${i} ${big}`, big)));
    }
    expect(full).toMatchObject({ errcode: 13 });
    expect(isStoreUnreachable(full)).toBe(true);
    const bobBefore = await inner.load(bob);
    // Every stored turn is whole: the failed write left no half of itself.
    expect(bobBefore.entries.length % 2).toBe(0);

    const kept = await store.appendTurn(alice, UNKNOWN_GENERATIONS, turn(`alice ${big}`, big));
    expect(kept.status).toBe('buffered');
    await store.flush();
    expect(store.size).toBe(1);

    await store.forget(bob); // frees pages for reuse
    await store.flush();
    expect(store.size).toBe(0);
    expect((await store.load(alice)).entries).toHaveLength(2);
  });

  it('the bot answers without memory, says so, and writes the turn once the lock is gone', async () => {
    const inner = await openStore();
    const buffer = new BufferedMemoryStore(inner, { retryIntervalMs: 60_000 });
    const model = new ScriptedChatModel((messages) => `echo: ${messages.at(-1)!.text}`);
    const service = makeService({ store: buffer, chatModel: model });
    await service.reply({ session: alice, text: 'My name is Ann.' });

    const holder = new DatabaseSync(inner.path);
    holder.exec('BEGIN IMMEDIATE');
    const reply = await service.reply({ session: alice, text: 'Still there?' });
    expect(reply).toMatchObject({ text: 'echo: Still there?', notice: WITHOUT_MEMORY });
    expect(model.prompts.at(-1)!.map((m) => m.text)).not.toContain('My name is Ann.');
    expect(buffer.size).toBe(1);
    holder.exec('ROLLBACK');
    holder.close();

    await service.reply({ session: alice, text: 'And now?' });
    expect(model.prompts.at(-1)!.map((m) => m.text)).toEqual(
      expect.arrayContaining(['My name is Ann.', 'Still there?', 'echo: Still there?', 'And now?']),
    );
    await service.close();
  });
});

describe('SqliteMemoryStore: a crash', () => {
  it('loses no acknowledged turn when the process is killed mid-write', async () => {
    const path = join(root, 'crash.db');
    const writer = spawn(
      process.execPath,
      [
        '--import',
        import.meta.resolve('tsx'),
        fileURLToPath(new URL('./sqlite-crash-writer.ts', import.meta.url)),
        path,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let acknowledged = 0;
    writer.stdout.on('data', (chunk: Buffer) => {
      const lines = chunk.toString().trim().split('\n');
      acknowledged = Math.max(acknowledged, Number(lines.at(-1)));
      if (acknowledged >= 200) writer.kill('SIGKILL');
    });
    await new Promise((resolve) => writer.on('close', resolve));
    expect(acknowledged).toBeGreaterThanOrEqual(200);

    const store = await openStore({ path });
    const memory = await store.load(alice);
    // Every acknowledged turn is there, whole; the one in flight at the kill is all or nothing.
    expect(memory.entries.length % 2).toBe(0);
    expect(memory.entries.length / 2).toBeGreaterThanOrEqual(acknowledged);
    expect(texts(memory.entries.slice(0, 4))).toEqual(['q1', 'a1', 'q2', 'a2']);
  });
});

describe('SqliteMemoryStore: expiry', () => {
  it('hides an expired session at once, and the sweep deletes it from the file', async () => {
    let now = 1_700_000_000_000;
    const store = await openStore({ ttlSeconds: 60, now: () => now });
    for (const session of [alice, bob]) {
      await store.appendTurn(session, (await store.load(session)).generations, turn('q', 'a'));
    }
    const side = new DatabaseSync(store.path, { readOnly: true });
    const rowsIn = (table: string) =>
      Number(side.prepare(`SELECT count(*) AS n FROM ${table}`).get()?.n);
    expect([rowsIn('sessions'), rowsIn('messages'), rowsIn('users')]).toEqual([2, 4, 0]);
    await store.load(alice, { owner: 'turn-1', ttlMs: 1000, rateWindowMs: 60_000 });
    expect(rowsIn('users')).toBe(1);

    now += 61_000;
    expect((await store.load(alice)).entries).toEqual([]);
    expect(rowsIn('sessions')).toBe(2);
    expect(store.sweep()).toBe(2);
    expect([rowsIn('sessions'), rowsIn('messages'), rowsIn('users')]).toEqual([0, 0, 0]);
    side.close();
  });

  it('sweeps on a timer that does not keep the process alive, stopped by close', async () => {
    const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timeouts();
    const store = await openStore({ sweepIntervalMs: 20 });
    expect(timeouts()).toBe(before);
    const sweep = vi.spyOn(store, 'sweep');
    await vi.waitFor(() => expect(sweep).toHaveBeenCalled(), { timeout: 2000 });
    await store.close();
    const calls = sweep.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sweep.mock.calls.length).toBe(calls);
  });
});
