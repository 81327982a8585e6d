import { expect, it } from 'vitest';
import { discordSession, telegramSession } from '../../src/core/session-id.js';
import type { SessionRef } from '../../src/core/types.js';
import type { FactChanges, NewFact } from '../../src/core/memory-port.js';
import {
  alice,
  aliceDiscord,
  aliceDm,
  aliceTopic,
  bob,
  turn,
  type ContractContext,
} from './contract-fixtures.js';

const T0 = 1_700_000_000_000;

const fact = (id: string, text = `fact ${id}`, tokens = 3): NewFact => ({ id, text, tokens });

/** Long-term facts: stored per person per platform, loaded where the privacy rule allows. */
export function factsContract({ store, open, advance }: ContractContext): void {
  const add = (session: SessionRef, ids: string[], at = T0) =>
    store().applyFacts(session, { at, add: ids.map((id) => fact(id)) });
  const ids = async (session: SessionRef) =>
    (await store().load(session)).facts.map((f) => f.id).sort();
  const aliceOtherGroup = telegramSession({ chatId: -200, userId: 1 });

  it('stores a fact with where and when it was learned, and loads it with the session', async () => {
    const text = 'Ann is allergic to peanuts; quotes " \\ {"id":1} 🦜';
    const result = await store().applyFacts(aliceDm, { at: T0, add: [fact('f1', text, 12)] });
    expect(result).toEqual({ status: 'applied', added: 1, updated: 0, removed: 0, evicted: 0 });
    const memory = await store().load(aliceDm);
    expect(memory.facts).toEqual([
      { id: 'f1', text, tokens: 12, sessionId: aliceDm.id, learnedAt: T0, confirmedAt: T0 },
    ]);
    expect(memory.factLearning).toBe(true);
    // Adding an ID that exists changes nothing.
    expect((await add(aliceDm, ['f1'], T0 + 5)).added).toBe(0);
    expect((await store().load(aliceDm)).facts[0]!.text).toBe(text);
  });

  it('uses a fact learned in a private chat only in the person’s private chats', async () => {
    await add(aliceDm, ['private']);
    expect(await ids(aliceDm)).toEqual(['private']);
    for (const elsewhere of [alice, aliceTopic, aliceOtherGroup, bob, aliceDiscord]) {
      expect(await ids(elsewhere), elsewhere.id).toEqual([]);
    }
  });

  it('uses a fact learned in a group only in that group (any topic) and in private chats', async () => {
    await add(alice, ['group']);
    expect(await ids(alice)).toEqual(['group']);
    expect(await ids(aliceTopic)).toEqual(['group']);
    expect(await ids(aliceDm)).toEqual(['group']);
    for (const elsewhere of [aliceOtherGroup, bob, aliceDiscord]) {
      expect(await ids(elsewhere), elsewhere.id).toEqual([]);
    }
  });

  it('on Discord, keeps a server’s facts to that server and DMs, and DM facts to DMs', async () => {
    const channel1 = discordSession({ guildId: '10', channelId: '11', userId: '1' });
    const channel2 = discordSession({ guildId: '10', channelId: '12', userId: '1' });
    const otherServer = discordSession({ guildId: '20', channelId: '21', userId: '1' });
    const dm = discordSession({ guildId: null, channelId: '5', userId: '1' });
    await add(channel1, ['server']);
    await add(dm, ['dm']);
    expect(await ids(channel1)).toEqual(['server']);
    expect(await ids(channel2)).toEqual(['server']);
    expect(await ids(dm)).toEqual(['dm', 'server']);
    expect(await ids(otherServer)).toEqual([]);
    expect(await ids(alice)).toEqual([]);
    expect(await ids(aliceDm)).toEqual([]);
  });

  it('updates, deletes and confirms only facts visible in the session', async () => {
    await add(aliceDm, ['private'], T0);
    await add(alice, ['group'], T0);
    const fromGroup: FactChanges = {
      at: T0 + 10,
      update: [fact('private', 'changed')],
      remove: ['private'],
      confirm: ['private'],
    };
    expect(await store().applyFacts(alice, fromGroup)).toMatchObject({ updated: 0, removed: 0 });
    expect((await store().load(aliceDm)).facts.find((f) => f.id === 'private')).toMatchObject({
      text: 'fact private',
      confirmedAt: T0,
    });
    // From the group: the group's fact is confirmed, then updated with a new text.
    await store().applyFacts(alice, { at: T0 + 20, confirm: ['group'] });
    expect((await store().load(alice)).facts[0]).toMatchObject({
      learnedAt: T0,
      confirmedAt: T0 + 20,
    });
    const updated = await store().applyFacts(aliceTopic, {
      at: T0 + 30,
      update: [fact('group', 'moved to Lyon', 4)],
    });
    expect(updated).toMatchObject({ status: 'applied', updated: 1 });
    expect((await store().load(alice)).facts[0]).toMatchObject({
      text: 'moved to Lyon',
      tokens: 4,
      sessionId: aliceTopic.id,
      learnedAt: T0 + 30,
      confirmedAt: T0 + 30,
    });
  });

  it('a fact updated in a private chat becomes private: the new value stays out of the group', async () => {
    await add(alice, ['city']);
    await store().applyFacts(aliceDm, { at: T0 + 1, update: [fact('city', 'secret address')] });
    expect(await ids(alice)).toEqual([]);
    expect((await store().load(aliceDm)).facts[0]).toMatchObject({ text: 'secret address' });
    const removed = await store().applyFacts(aliceDm, { at: T0 + 2, remove: ['city', 'nope'] });
    expect(removed).toMatchObject({ removed: 1 });
    expect(await ids(aliceDm)).toEqual([]);
  });

  it('keeps the stored cap by evicting the least recently confirmed', async () => {
    await open({ maxFacts: 3 });
    await add(aliceDm, ['a'], T0 + 1);
    await add(aliceDm, ['b'], T0 + 2);
    await add(aliceDm, ['c'], T0 + 3);
    await store().applyFacts(aliceDm, { at: T0 + 4, confirm: ['a'] });
    const result = await add(aliceDm, ['d'], T0 + 5);
    expect(result).toMatchObject({ added: 1, evicted: 1 });
    expect(await ids(aliceDm)).toEqual(['a', 'c', 'd']);
  });

  it('refuses changes decided before the session or the user was forgotten', async () => {
    await store().appendTurn(alice, (await store().load(alice)).generations, turn('q', 'a'));
    const before = (await store().load(alice)).generations;
    await store().forget(alice);
    const late = await store().applyFacts(alice, { expect: before, at: T0, add: [fact('late')] });
    expect(late.status).toBe('stale');
    expect(await ids(alice)).toEqual([]);

    const fresh = (await store().load(aliceDm)).generations;
    await store().forgetUser('telegram', '1');
    const afterAll = await store().applyFacts(aliceDm, { expect: fresh, at: T0, add: [fact('x')] });
    expect(afterAll.status).toBe('stale');
    const now = (await store().load(aliceDm)).generations;
    expect(
      (await store().applyFacts(aliceDm, { expect: now, at: T0, add: [fact('y')] })).status,
    ).toBe('applied');
  });

  it('forget deletes the facts learned in that chat; forgetUser every fact on the platform', async () => {
    await add(alice, ['group']);
    await add(aliceTopic, ['topic']);
    await add(aliceDm, ['dm']);
    await add(aliceDiscord, ['discord']);
    await add(bob, ['bob']);
    await store().forget(alice);
    expect(await ids(aliceDm)).toEqual(['dm', 'topic']);
    await store().forgetUser('telegram', '1');
    expect(await ids(aliceDm)).toEqual([]);
    expect(await ids(aliceTopic)).toEqual([]);
    expect(await ids(aliceDiscord)).toEqual(['discord']);
    expect(await ids(bob)).toEqual(['bob']);
  });

  it('turns fact learning off and on per person and platform, and keeps the choice through forgetUser', async () => {
    await store().setFactLearning('telegram', '1', false);
    expect((await store().load(alice)).factLearning).toBe(false);
    expect((await store().load(aliceDm)).factLearning).toBe(false);
    expect((await store().load(bob)).factLearning).toBe(true);
    expect((await store().load(aliceDiscord)).factLearning).toBe(true);
    await store().forgetUser('telegram', '1');
    expect((await store().load(aliceDm)).factLearning).toBe(false);
    await store().setFactLearning('telegram', '1', true);
    expect((await store().load(aliceDm)).factLearning).toBe(true);
  });

  it('a refused turn reads no facts', async () => {
    await add(aliceDm, ['f']);
    await store().load(aliceDm, { owner: 'turn-1', ttlMs: 10_000 });
    const busy = await store().load(aliceDm, { owner: 'turn-2', ttlMs: 10_000 });
    expect(busy.lease?.held).toBe(false);
    expect(busy.facts).toEqual([]);
  });

  it('facts expire with the memory TTL, and every turn of the person slides it', async () => {
    await open({ ttlSeconds: 1 });
    await add(aliceDm, ['f']);
    await advance(700);
    await store().appendTurn(alice, (await store().load(alice)).generations, turn('q', 'a'));
    await advance(700);
    expect(await ids(aliceDm)).toEqual(['f']);
    await advance(1300);
    expect(await ids(aliceDm)).toEqual([]);
  });

  it('rejects fact IDs that are not short tokens', async () => {
    for (const id of ['', 'has space', 'x'.repeat(33), 'a}b']) {
      await expect(store().applyFacts(aliceDm, { at: T0, add: [fact(id)] })).rejects.toThrow(
        /fact ID/,
      );
      await expect(store().applyFacts(aliceDm, { at: T0, remove: [id] })).rejects.toThrow(
        /fact ID/,
      );
    }
  });
}
