import { expect, it } from 'vitest';
import type { SessionRef } from '../../src/core/types.js';
import type { NewMessage, TurnLease } from '../../src/core/memory-port.js';
import {
  alice,
  aliceDm,
  reorderedTurn,
  texts,
  turn,
  type ContractContext,
} from './contract-fixtures.js';

/** Writes: idempotent by turn ID, and the hard cap finding turns by role, not by JSON layout. */
export function writeContract({ store, open }: ContractContext): void {
  const append = async (session: SessionRef, messages: NewMessage[], turnId?: string) =>
    store().appendTurn(session, (await store().load(session)).generations, messages, { turnId });

  it('stores a turn once however often it is written with the same turn ID', async () => {
    await append(alice, turn('q1', 'a1'), 'turn-1');
    const expect1 = (await store().load(alice)).generations;
    const first = await store().appendTurn(alice, expect1, turn('q2', 'a2'), { turnId: 'turn-2' });
    expect(first).toEqual({ status: 'written', totalTokens: 40, messageCount: 4, dropped: 0 });
    // A replay (the client gave up, the outage buffer writes it again): nothing changes.
    const again = await store().appendTurn(alice, expect1, turn('q2', 'a2'), { turnId: 'turn-2' });
    expect(again).toEqual({
      status: 'written',
      duplicate: true,
      totalTokens: 40,
      messageCount: 4,
      dropped: 0,
    });
    expect(texts((await store().load(alice)).entries)).toEqual(['q1', 'a1', 'q2', 'a2']);
    // IDs are per session: the same ID elsewhere is another turn.
    expect((await append(aliceDm, turn('dm', 'x'), 'turn-2')).duplicate).toBeUndefined();
    expect(texts((await store().load(aliceDm)).entries)).toEqual(['dm', 'x']);
    // Without an ID every write is a new turn, as before.
    await append(alice, turn('q3', 'a3'));
    await append(alice, turn('q3', 'a3'));
    expect((await store().load(alice)).entries).toHaveLength(8);
  });

  it('recognises a replay among many later turns, and a replay after a forget stays out', async () => {
    for (let i = 1; i <= 20; i++) await append(alice, turn(`q${i}`, `a${i}`), `turn-${i}`);
    expect((await append(alice, turn('q1', 'a1'), 'turn-1')).duplicate).toBe(true);
    expect((await store().load(alice)).entries).toHaveLength(40);
    const before = await store().load(alice);
    await store().forget(alice);
    const late = await store().appendTurn(alice, before.generations, turn('q20', 'a20'), {
      turnId: 'turn-20',
    });
    expect(late.status).toBe('stale');
    expect((await store().load(alice)).entries).toEqual([]);
  });

  it('refuses a turn ID that is not a short token', async () => {
    const generations = (await store().load(alice)).generations;
    for (const turnId of ['', 'has space', 'x'.repeat(65), 'a}b']) {
      await expect(
        store().appendTurn(alice, generations, turn('q', 'a'), { turnId }),
      ).rejects.toThrow(/turn ID/);
    }
    expect((await store().load(alice)).entries).toEqual([]);
  });

  it('caps by whole turns whatever the key order of the stored messages', async () => {
    await open({ maxMessages: 6, maxTokens: 1000 });
    for (let i = 1; i <= 5; i++) await append(alice, reorderedTurn(`q${i}`, `a${i}`, 10));
    const memory = await store().load(alice);
    expect(texts(memory.entries)).toEqual(['q3', 'a3', 'q4', 'a4', 'q5', 'a5']);
    expect(memory.entries.map((e) => e.message.type)).toEqual([
      'human',
      'ai',
      'human',
      'ai',
      'human',
      'ai',
    ]);
    expect(memory.totalTokens).toBe(60);
    expect(memory.dropped).toBe(4);
  });
}

/** A refused turn (user busy or over the rate limit) reads nothing and holds nothing. */
export function refusalContract({ store }: ContractContext): void {
  const seed = async (session: SessionRef) => {
    for (let i = 1; i <= 2; i++) {
      const { generations } = await store().load(session);
      await store().appendTurn(session, generations, turn(`q${i}`, `a${i}`));
    }
    const memory = await store().load(session);
    await store().commitSummary(session, {
      expect: memory.generations,
      firstId: memory.entries[0]!.id,
      count: 2,
      summary: 'private summary',
      summaryTokens: 3,
    });
  };
  const lease = (owner: string, more: Partial<TurnLease> = {}): TurnLease => ({
    owner,
    ttlMs: 60_000,
    ...more,
  });

  it('a busy user’s load reads no history and takes no lease', async () => {
    await seed(alice);
    const first = await store().load(alice, lease('turn-1'));
    expect(first.lease).toEqual({ held: true, retryAfterMs: 0 });
    expect(texts(first.entries)).toEqual(['q2', 'a2']);
    expect(first.summary).toBe('private summary');

    const busy = await store().load(aliceDm, lease('turn-2'));
    expect(busy.lease?.held).toBe(false);
    expect(busy.lease!.retryAfterMs).toBeGreaterThan(0);
    expect(busy).toMatchObject({ summary: '', summaryTokens: 0, entries: [], totalTokens: 0 });
    const busySame = await store().load(alice, lease('turn-3'));
    expect(busySame).toMatchObject({ summary: '', entries: [], totalTokens: 0, dropped: 0 });
    expect(busySame.lease?.held).toBe(false);

    await store().releaseLease(alice, 'turn-1');
    const next = await store().load(alice, lease('turn-3'));
    expect(next.lease?.held).toBe(true);
    expect(texts(next.entries)).toEqual(['q2', 'a2']);
  });

  it('a turn over the rate limit reads no history and keeps no lease', async () => {
    await seed(alice);
    const limited = (owner: string) =>
      store().load(alice, lease(owner, { rateWindowMs: 60_000, rateLimit: 2 }));
    for (const owner of ['turn-1', 'turn-2']) {
      const admitted = await limited(owner);
      expect(admitted.lease?.held).toBe(true);
      expect(admitted.rate?.count).toBeLessThanOrEqual(2);
      expect(texts(admitted.entries)).toEqual(['q2', 'a2']);
      await store().releaseLease(alice, owner);
    }
    const refused = await limited('turn-3');
    expect(refused.rate?.count).toBe(3);
    expect(refused.rate!.resetInMs).toBeGreaterThan(0);
    expect(refused.lease).toBeUndefined();
    expect(refused).toMatchObject({ summary: '', summaryTokens: 0, entries: [], totalTokens: 0 });
    // No lease was kept: another turn takes it at once (a plain lease, not counted).
    expect((await store().load(alice, lease('turn-4'))).lease?.held).toBe(true);
  });

  it('without a rate limit counts the turn and reads as before', async () => {
    await seed(alice);
    for (let i = 1; i <= 3; i++) {
      const memory = await store().load(alice, lease(`turn-${i}`, { rateWindowMs: 60_000 }));
      expect(memory.rate?.count).toBe(i);
      expect(texts(memory.entries)).toEqual(['q2', 'a2']);
      await store().releaseLease(alice, `turn-${i}`);
    }
  });
}
