import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../doubles/fake-openai-server.js';
import {
  startFakeDiscordServer,
  type FakeChannel,
  type FakeDiscordServer,
  type FakeUser,
} from '../doubles/fake-discord-server.js';
import { startProgram, type RunningProgram } from '../support/program.js';
import { connectTestRedis, deleteKeys, testRedisUrl, uniquePrefix } from '../support/redis.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.sharded-token_for-tests';

/** A guild ID that Discord routes to `shard` of `count`: (id >> 22) % count. */
function guildIdOnShard(shard: number, count: number): string {
  const base = 300_000_000_000n;
  return (
    (base + BigInt((shard - Number(base % BigInt(count)) + count) % count)) <<
    22n
  ).toString();
}

/**
 * `npm run start:sharded` for real: discord.js's ShardingManager starts two processes of our
 * program against the fake Discord (which routes each guild to its shard), sharing one Redis.
 */
describe('Discord sharding, end to end', () => {
  let discord: FakeDiscordServer;
  let openai: FakeOpenAIServer;
  let redis: Redis;
  let manager: RunningProgram;
  let output: () => string = () => '';
  let alice: FakeUser;
  let channelA: FakeChannel;
  let channelB: FakeChannel;
  const prefix = uniquePrefix('shards');
  let env: Record<string, string>;

  beforeAll(async () => {
    discord = await startFakeDiscordServer({ token: TOKEN, shards: 2, maxConcurrency: 2 });
    openai = await startFakeOpenAIServer();
    redis = connectTestRedis();
    channelA = discord.addGuild({ id: guildIdOnShard(0, 2), name: 'A' }).channels[0]!;
    channelB = discord.addGuild({ id: guildIdOnShard(1, 2), name: 'B' }).channels[0]!;
    alice = discord.addUser({ username: 'alice', globalName: 'Alice' });
    env = {
      PATH: process.env.PATH ?? '',
      OPENAI_BASE_URL: openai.baseURL,
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_SHARDS: 'auto',
      STREAM_REPLIES: 'false',
      LOG_LEVEL: 'info',
    };
    manager = startProgram('shard.ts', env);
    output = () => manager.stdout() + manager.stderr();
    await discord.waitFor(() => output().includes('all shards ready'), 60_000);
  }, 90_000);

  afterAll(async () => {
    if (manager.child.exitCode === null) manager.child.kill('SIGKILL');
    await discord.close();
    await openai.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  const botMessages = (channelId: string) =>
    discord.messagesIn(channelId).filter((m) => m.author.id === discord.botUser.id);

  async function say(channelId: string | undefined, content: string) {
    const channel = channelId ?? discord.dmChannelFor(alice).id;
    const before = botMessages(channel).length;
    discord.createMessage({ channelId, author: alice, content });
    await discord.waitFor(() => botMessages(channel).length > before, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    return botMessages(channel).slice(before);
  }

  it('starts one process per shard, each identifying with its own shard', () => {
    const shards = discord.identifyPayloads().map((p) => p.shard);
    expect(shards).toEqual(
      expect.arrayContaining([
        [0, 2],
        [1, 2],
      ]),
    );
    expect(output()).toContain('"msg":"shard started"');
  });

  it('answers every guild and DMs exactly once, with memory per session across processes', async () => {
    const at = `<@${discord.botUser.id}>`;
    expect((await say(channelA.id, `${at} in guild A`)).map((m) => m.content)).toEqual([
      'echo: in guild A',
    ]);
    expect((await say(channelB.id, `${at} in guild B`)).map((m) => m.content)).toEqual([
      'echo: in guild B',
    ]);
    expect((await say(undefined, 'in a DM')).map((m) => m.content)).toEqual(['echo: in a DM']);
    // Three quick turns in one session: handled by one shard, in order, each seeing the last.
    const before = openai.requests.length;
    for (const n of [1, 2, 3])
      discord.createMessage({ channelId: channelB.id, author: alice, content: `${at} quick ${n}` });
    await discord.waitFor(
      () => openai.requests.length === before + 3 && botMessages(channelB.id).length === 4,
      10_000,
    );
    const last = openai.requests.at(-1)!.body!.messages.map((m) => String(m.content));
    expect(last).toEqual(expect.arrayContaining(['in guild B', 'quick 1', 'quick 2', 'quick 3']));
    expect(last.join(' ')).not.toContain('guild A');
    expect(
      botMessages(channelB.id)
        .slice(1)
        .map((m) => m.content),
    ).toEqual(['echo: quick 1', 'echo: quick 2', 'echo: quick 3']);
  });

  it('stops every shard and exits 0 on SIGTERM', async () => {
    manager.child.kill('SIGTERM');
    expect(await manager.exited).toBe(0);
    expect(output()).toContain('all shards stopped');
  });

  it('registers the slash commands with npm run register-commands', async () => {
    const program = startProgram('register-commands.ts', env);
    const run = { code: await program.exited, out: program.stdout() };
    expect(run.code).toBe(0);
    expect(run.out).toBe('Slash commands already up to date.\n');
  });
});
