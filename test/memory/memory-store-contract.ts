import { mapStoredMessagesToChatMessages } from '@langchain/core/messages';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { telegramSession } from '../../src/core/session-id.js';
import type { SessionRef } from '../../src/core/types.js';
import type { MemoryPolicy, MemoryStore, NewMessage } from '../../src/core/memory-port.js';
import {
  POLICY,
  alice,
  aliceDiscord,
  aliceDm,
  aliceTopic,
  bob,
  texts,
  turn,
  type ContractContext,
  type StoreFactory,
  type StoreHarness,
} from './contract-fixtures.js';
import { factsContract } from './memory-store-contract-facts.js';
import { settingsContract } from './memory-store-contract-settings.js';
import { refusalContract, writeContract } from './memory-store-contract-turns.js';

export { reorderedTurn, texts, turn } from './contract-fixtures.js';
export type { StoreFactory, StoreHarness } from './contract-fixtures.js';

/** The behaviour every MemoryStore must have; run by each implementation's test file. */
export function memoryStoreContract(name: string, factory: StoreFactory): void {
  describe(`MemoryStore contract: ${name}`, () => {
    let h: StoreHarness | undefined;
    let store: MemoryStore;
    const shut = async () => {
      await h?.close();
      h = undefined;
    };
    const open = async (policy: Partial<MemoryPolicy> = {}) => {
      await shut();
      h = await factory({ ...POLICY, ...policy });
      store = h.store;
      await store.init();
    };
    const advance = (ms: number) => h!.advance(ms);
    beforeEach(() => open());
    afterEach(() => shut());

    const append = async (session: SessionRef, messages: NewMessage[]) =>
      store.appendTurn(session, (await store.load(session)).generations, messages);

    it('loads an unknown session as empty', async () => {
      const memory = await store.load(alice);
      expect(memory).toMatchObject({ summary: '', entries: [], totalTokens: 0, dropped: 0 });
      expect(memory.generations).toEqual({ session: 0, user: 0 });
    });

    it('appends turns in order and round-trips them to LangChain messages', async () => {
      const tricky = 'quotes " \\ newline\n emoji 🦜 {"id":9,"t":9,} {braces}';
      expect((await append(alice, turn('q1', 'a1', 5))).status).toBe('written');
      const result = await append(alice, turn(tricky, 'a2', 7));
      expect(result).toEqual({ status: 'written', totalTokens: 24, messageCount: 4, dropped: 0 });

      const memory = await store.load(alice);
      expect(texts(memory.entries)).toEqual(['q1', 'a1', tricky, 'a2']);
      expect(memory.entries.map((e) => e.tokens)).toEqual([5, 5, 7, 7]);
      expect(memory.totalTokens).toBe(24);
      const ids = memory.entries.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(4);
      const messages = mapStoredMessagesToChatMessages(memory.entries.map((e) => e.message));
      expect(messages.map((m) => [m.type, m.text])).toEqual([
        ['human', 'q1'],
        ['ai', 'a1'],
        ['human', tricky],
        ['ai', 'a2'],
      ]);
    });

    it('keeps every user and every chat apart', async () => {
      await append(alice, turn('alice in group', 'x'));
      await append(bob, turn('bob in group', 'x'));
      await append(aliceDm, turn('alice in DM', 'x'));
      await append(aliceTopic, turn('alice in topic', 'x'));
      await append(aliceDiscord, turn('alice on discord', 'x'));
      expect(texts((await store.load(alice)).entries)).toEqual(['alice in group', 'x']);
      expect(texts((await store.load(bob)).entries)).toEqual(['bob in group', 'x']);
      expect(texts((await store.load(aliceDm)).entries)).toEqual(['alice in DM', 'x']);
      expect(texts((await store.load(aliceTopic)).entries)).toEqual(['alice in topic', 'x']);
      expect(texts((await store.load(aliceDiscord)).entries)).toEqual(['alice on discord', 'x']);
    });

    it('forget removes one session and refuses writes loaded before it', async () => {
      await append(alice, turn('secret', 'ok'));
      await append(aliceDm, turn('dm', 'ok'));
      const before = await store.load(alice);
      await store.forget(alice);

      expect((await store.load(alice)).entries).toEqual([]);
      expect(texts((await store.load(aliceDm)).entries)).toEqual(['dm', 'ok']);
      const late = await store.appendTurn(alice, before.generations, turn('late', 'late'));
      expect(late.status).toBe('stale');
      expect((await store.load(alice)).entries).toEqual([]);

      // A new conversation after forgetting works normally.
      expect((await append(alice, turn('again', 'hi'))).status).toBe('written');
      expect(texts((await store.load(alice)).entries)).toEqual(['again', 'hi']);
    });

    it('forget of a session in flight for the first time still wins', async () => {
      const before = await store.load(alice);
      await store.forget(alice);
      expect((await store.appendTurn(alice, before.generations, turn('a', 'b'))).status).toBe(
        'stale',
      );
    });

    it('forgetUser removes every session of the user on that platform only', async () => {
      await append(alice, turn('1', 'x'));
      await append(aliceDm, turn('2', 'x'));
      await append(aliceTopic, turn('3', 'x'));
      await append(bob, turn('bob', 'x'));
      await append(aliceDiscord, turn('discord', 'x'));
      const inFlightNew = await store.load(telegramSession({ chatId: 5, userId: 1 }));
      const inFlightOld = await store.load(aliceDm);

      expect(await store.forgetUser('telegram', '1')).toBe(3);

      for (const session of [alice, aliceDm, aliceTopic]) {
        expect((await store.load(session)).entries).toEqual([]);
      }
      expect(texts((await store.load(bob)).entries)).toEqual(['bob', 'x']);
      expect(texts((await store.load(aliceDiscord)).entries)).toEqual(['discord', 'x']);
      // Replies in flight for any of the user's sessions, even one never written, stay out.
      const fresh = telegramSession({ chatId: 5, userId: 1 });
      expect((await store.appendTurn(fresh, inFlightNew.generations, turn('a', 'b'))).status).toBe(
        'stale',
      );
      expect(
        (await store.appendTurn(aliceDm, inFlightOld.generations, turn('a', 'b'))).status,
      ).toBe('stale');
      expect(await store.forgetUser('telegram', '1')).toBe(0);
      expect((await append(aliceDm, turn('new', 'x'))).status).toBe('written');
    });

    it('commits a summary by removing exactly the folded head', async () => {
      for (let i = 1; i <= 3; i++) await append(alice, turn(`q${i}`, `a${i}`, 10));
      const memory = await store.load(alice);
      const firstId = memory.entries[0]!.id;
      const ok = await store.commitSummary(alice, {
        expect: memory.generations,
        firstId,
        count: 2,
        summary: 'The user asked q1.',
        summaryTokens: 5,
      });
      expect(ok).toBe(true);
      const after = await store.load(alice);
      expect(after.summary).toBe('The user asked q1.');
      expect(after.summaryTokens).toBe(5);
      expect(texts(after.entries)).toEqual(['q2', 'a2', 'q3', 'a3']);
      expect(after.totalTokens).toBe(40);

      // The same fold again: its head is gone, so nothing changes.
      const again = await store.commitSummary(alice, {
        expect: memory.generations,
        firstId,
        count: 2,
        summary: 'stale summary',
        summaryTokens: 2,
      });
      expect(again).toBe(false);
      expect((await store.load(alice)).summary).toBe('The user asked q1.');
    });

    it('refuses a summary when the head moved, the count is too large or the session was forgotten', async () => {
      for (let i = 1; i <= 2; i++) await append(alice, turn(`q${i}`, `a${i}`, 10));
      const memory = await store.load(alice);
      const firstId = memory.entries[0]!.id;
      const fold = { expect: memory.generations, summary: 's', summaryTokens: 1 };
      expect(await store.commitSummary(alice, { ...fold, firstId: firstId + 1, count: 1 })).toBe(
        false,
      );
      expect(await store.commitSummary(alice, { ...fold, firstId, count: 5 })).toBe(false);
      await store.forget(alice);
      expect(await store.commitSummary(alice, { ...fold, firstId, count: 1 })).toBe(false);
      expect(await store.load(alice)).toMatchObject({ summary: '', entries: [] });
    });

    it('enforces the hard cap on messages and tokens by whole turns, never dropping the new one', async () => {
      await open({ maxMessages: 6, maxTokens: 1000 });
      for (let i = 1; i <= 5; i++) await append(alice, turn(`q${i}`, `a${i}`, 10));
      let memory = await store.load(alice);
      expect(texts(memory.entries)).toEqual(['q3', 'a3', 'q4', 'a4', 'q5', 'a5']);
      expect(memory.totalTokens).toBe(60);
      expect(memory.dropped).toBe(4);

      await open({ maxMessages: 100, maxTokens: 50 });
      for (let i = 1; i <= 3; i++) await append(alice, turn(`q${i}`, `a${i}`, 10));
      const result = await append(alice, turn('huge', 'huge', 40));
      expect(result.status).toBe('written');
      memory = await store.load(alice);
      expect(texts(memory.entries)).toEqual(['huge', 'huge']);
      expect(memory.totalTokens).toBe(80);
      // Whole turns go: q1 and its answer at the third turn, the other two turns now.
      expect(result.dropped).toBe(4);
      expect(memory.dropped).toBe(6);
    });

    it('expires an idle session after the TTL, and each turn slides it', async () => {
      await open({ ttlSeconds: 1 });
      await append(alice, turn('first', 'x'));
      await advance(700);
      await append(alice, turn('second', 'x'));
      await advance(700);
      // 1.4 s after the first turn, 0.7 s after the second: still remembered, both turns.
      expect(texts((await store.load(alice)).entries)).toEqual(['first', 'x', 'second', 'x']);
      await advance(1300);
      expect(await store.load(alice)).toMatchObject({ entries: [], summary: '', totalTokens: 0 });
      expect(await store.forgetUser('telegram', '1')).toBe(0);
    });

    it('keeps memory without expiry when the TTL is 0', async () => {
      await open({ ttlSeconds: 0 });
      await append(alice, turn('forever', 'x'));
      await advance(1200);
      expect(texts((await store.load(alice)).entries)).toEqual(['forever', 'x']);
      expect(await store.forgetUser('telegram', '1')).toBe(1);
    });

    it('rejects session refs that could escape their keys', async () => {
      const evil: SessionRef = { platform: 'telegram', userId: '1}', id: 'telegram:c1:u1}' };
      await expect(store.load(evil)).rejects.toThrow(/invalid/);
      await expect(store.forgetUser('telegram', '*')).rejects.toThrow(/invalid/);
    });

    const ctx: ContractContext = { store: () => store, open, advance };
    writeContract(ctx);
    refusalContract(ctx);
    factsContract(ctx);
    settingsContract(ctx);
  });
}
