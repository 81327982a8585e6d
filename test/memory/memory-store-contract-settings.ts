import { expect, it } from 'vitest';
import { discordSession, telegramSession } from '../../src/core/session-id.js';
import type { SessionRef } from '../../src/core/types.js';
import type { TurnLease } from '../../src/core/memory-port.js';
import {
  alice,
  aliceDiscord,
  aliceDm,
  aliceTopic,
  bob,
  turn,
  type ContractContext,
} from './contract-fixtures.js';

const DAY = '2025-03-14';
const NEXT_DAY = '2025-03-15';
const NEXT_MONTH = '2025-04-01';

const lease = (owner: string, budget?: TurnLease['budget'], extra: Partial<TurnLease> = {}) => ({
  owner,
  ttlMs: 5000,
  ...(budget ? { budget } : {}),
  ...extra,
});

/**
 * Chat settings and usage: a chat's persona shared by its people, a person's model choice per
 * session, and per person per platform token counters by day and month, with the daily budget
 * refused by the load itself.
 */
export function settingsContract({ store, open, advance }: ContractContext): void {
  const append = async (session: SessionRef, day: string, tokens: number, turnId?: string) =>
    store().appendTurn(session, (await store().load(session)).generations, turn('q', 'a'), {
      usage: { day, tokens },
      turnId,
    });
  const usage = (session: SessionRef, day = DAY) =>
    store().usage(session.platform, session.userId, day);

  it('keeps a persona per chat, shared by its people, apart from other chats', async () => {
    const persona = 'You are Captain Hook. Quotes " \\ {"id":1} and\nnew lines 🦜';
    await store().setPersona(alice, persona);
    expect((await store().load(alice)).persona).toBe(persona);
    // Bob is in the same group; a forum topic, another group and private chats are other chats.
    expect((await store().load(bob)).persona).toBe(persona);
    for (const elsewhere of [aliceTopic, aliceDm, aliceDiscord]) {
      expect((await store().load(elsewhere)).persona, elsewhere.id).toBeUndefined();
    }
    // A forget of a person's memory leaves the chat's persona.
    await store().forget(alice);
    await store().forgetUser('telegram', '1');
    expect((await store().load(bob)).persona).toBe(persona);
    await store().setPersona(bob, undefined);
    expect((await store().load(alice)).persona).toBeUndefined();
  });

  it('keeps a Discord channel’s persona to that channel, and a DM’s to the DM', async () => {
    const channel = discordSession({ guildId: '10', channelId: '11', userId: '1' });
    const sameChannel = discordSession({ guildId: '10', channelId: '11', userId: '2' });
    const otherChannel = discordSession({ guildId: '10', channelId: '12', userId: '1' });
    const dm = discordSession({ channelId: '13', userId: '1' });
    await store().setPersona(channel, 'pirate');
    await store().setPersona(dm, 'butler');
    expect((await store().load(sameChannel)).persona).toBe('pirate');
    expect((await store().load(otherChannel)).persona).toBeUndefined();
    expect((await store().load(dm)).persona).toBe('butler');
    expect((await store().load(discordSession({ channelId: '13', userId: '2' }))).persona).toBe(
      undefined,
    );
  });

  it('keeps a person’s model choice per session; forget and forgetUser remove it', async () => {
    await store().setModel(alice, 'big-model');
    await store().setModel(aliceDm, 'small-model');
    expect((await store().load(alice)).model).toBe('big-model');
    expect((await store().load(aliceDm)).model).toBe('small-model');
    for (const elsewhere of [bob, aliceTopic, aliceDiscord]) {
      expect((await store().load(elsewhere)).model, elsewhere.id).toBeUndefined();
    }
    // With a lease, refused or not, the choice comes along.
    expect((await store().load(alice, lease('t1'))).model).toBe('big-model');
    await store().forget(alice);
    expect((await store().load(alice)).model).toBeUndefined();
    expect((await store().load(aliceDm)).model).toBe('small-model');
    await store().setModel(alice, 'big-model');
    await store().forgetUser('telegram', '1');
    expect((await store().load(alice)).model).toBeUndefined();
    expect((await store().load(aliceDm)).model).toBeUndefined();
    await store().setModel(aliceDm, 'small-model');
    await store().setModel(aliceDm, undefined);
    expect((await store().load(aliceDm)).model).toBeUndefined();
  });

  it('lets model choices expire with the person’s memory, each turn sliding them', async () => {
    await open({ ttlSeconds: 1 });
    await store().setModel(alice, 'big-model');
    await advance(700);
    await append(alice, DAY, 0);
    await advance(700);
    expect((await store().load(alice)).model).toBe('big-model');
    await advance(1300);
    expect((await store().load(alice)).model).toBeUndefined();
  });

  it('counts a person’s tokens per day and month on one platform, whatever the chat', async () => {
    expect(await usage(alice)).toEqual({ day: 0, month: 0 });
    await append(alice, DAY, 100);
    await append(aliceDm, DAY, 50);
    await append(alice, NEXT_DAY, 7);
    await append(alice, NEXT_MONTH, 1000);
    expect(await usage(alice)).toEqual({ day: 150, month: 157 });
    expect(await usage(aliceDm, NEXT_DAY)).toEqual({ day: 7, month: 157 });
    expect(await usage(alice, NEXT_MONTH)).toEqual({ day: 1000, month: 1000 });
    expect(await usage(bob)).toEqual({ day: 0, month: 0 });
    expect(await usage(aliceDiscord)).toEqual({ day: 0, month: 0 });
  });

  it('counts summaries, fact changes and lone calls, even when their change is refused', async () => {
    await append(alice, DAY, 10);
    const memory = await store().load(alice);
    await store().forget(alice);
    const fold = {
      expect: memory.generations,
      firstId: memory.entries[0]!.id,
      count: 2,
      summary: 's',
      summaryTokens: 1,
      usage: { day: DAY, tokens: 20 },
    };
    expect(await store().commitSummary(alice, fold)).toBe(false);
    const applied = await store().applyFacts(alice, {
      expect: memory.generations,
      at: 1,
      add: [{ id: 'f1', text: 'x', tokens: 1 }],
      usage: { day: DAY, tokens: 30 },
    });
    expect(applied.status).toBe('stale');
    await store().addUsage(alice, { day: DAY, tokens: 40 });
    expect(await usage(alice)).toEqual({ day: 100, month: 100 });
  });

  it('counts a turn forgotten mid-write, but a replayed turn only once; forget keeps counters', async () => {
    const before = await store().load(alice);
    await store().forget(alice);
    const stale = await store().appendTurn(alice, before.generations, turn('q', 'a'), {
      usage: { day: DAY, tokens: 11 },
    });
    expect(stale.status).toBe('stale');
    await append(aliceDm, DAY, 5, 'turn-1');
    const replay = await append(aliceDm, DAY, 5, 'turn-1');
    expect(replay.duplicate).toBe(true);
    await store().forgetUser('telegram', '1');
    expect(await usage(alice)).toEqual({ day: 16, month: 16 });
  });

  it('refuses a turn of a person who spent the day’s budget in the load, until the next day', async () => {
    await append(alice, DAY, 60);
    const under = await store().load(alice, lease('t1', { day: DAY, tokens: 100 }));
    expect(under.lease?.held).toBe(true);
    expect(under.usageToday).toBe(60);
    expect(under.entries).toHaveLength(2);
    await store().appendTurn(alice, under.generations, turn('q2', 'a2'), {
      leaseOwner: 't1',
      usage: { day: DAY, tokens: 40 },
    });

    const over = await store().load(
      alice,
      lease('t2', { day: DAY, tokens: 100 }, { rateWindowMs: 60_000, rateLimit: 1 }),
    );
    expect(over.lease).toBeUndefined();
    expect(over.rate).toBeUndefined();
    expect(over.usageToday).toBe(100);
    expect(over).toMatchObject({ entries: [], summary: '', facts: [] });
    // No lease was taken, and the refused turn was not counted in the rate window.
    const nextDay = await store().load(
      aliceDm,
      lease('t3', { day: NEXT_DAY, tokens: 100 }, { rateWindowMs: 60_000, rateLimit: 1 }),
    );
    expect(nextDay.lease?.held).toBe(true);
    expect(nextDay.usageToday).toBe(0);
    expect(nextDay.rate?.count).toBe(1);
    // Without a budget nothing is read or refused.
    expect((await store().load(bob, lease('t4'))).usageToday).toBeUndefined();
  });

  it('rejects days that are not YYYY-MM-DD', async () => {
    await expect(store().usage('telegram', '1', '2025-3-1')).rejects.toThrow(/invalid usage day/);
    await expect(store().addUsage(alice, { day: 'today}', tokens: 1 })).rejects.toThrow(
      /invalid usage day/,
    );
    const otherGroup = telegramSession({ chatId: -5, userId: 1 });
    await expect(store().load(otherGroup, lease('t', { day: '*', tokens: 1 }))).rejects.toThrow(
      /invalid usage day/,
    );
  });
}
