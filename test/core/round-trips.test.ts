import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { telegramSession } from '../../src/core/session-id.js';
import { RedisMemoryStore } from '../../src/memory/redis-memory-store.js';
import { makeService } from '../support/core.js';
import { connectTestRedis, deleteKeys, uniquePrefix } from '../support/redis.js';
import { ScriptedChatModel, lastQuestion } from '../support/scripted-chat-model.js';

let redis: Redis;
let monitorClient: Redis;
const prefix = uniquePrefix('round-trips');

beforeAll(() => {
  redis = connectTestRedis();
});
afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
  monitorClient?.disconnect();
});

it('a whole turn through ConversationService costs 2 requests at the Redis server in steady state', async () => {
  const store = new RedisMemoryStore(redis, {
    keyPrefix: prefix,
    ttlSeconds: 600,
    maxTokens: 100_000,
    maxMessages: 1000,
  });
  await store.init();
  const model = new ScriptedChatModel((m) => `echo: ${lastQuestion(m)}`);
  const service = makeService({ store, chatModel: model });
  const session = telegramSession({ chatId: 77, userId: 77 });

  monitorClient = await redis.duplicate().monitor();
  const port = (redis as unknown as { stream: { localPort: number } }).stream.localPort;
  const requests: string[] = [];
  monitorClient.on('monitor', (_time: string, args: string[], source: string) => {
    // Commands run inside a script show up with source "lua": they are not round trips.
    if (source.endsWith(`:${port}`)) requests.push(args[0]!.toLowerCase());
  });
  await new Promise((r) => setTimeout(r, 100));

  const turns = 8;
  for (let i = 0; i < turns; i++) {
    await service.reply({ session, text: `question ${i}` });
  }
  await service.idle();
  await redis.ping();
  await new Promise((r) => setTimeout(r, 200));

  const perTurn = requests.slice(0, requests.lastIndexOf('ping'));
  // The chat's persona is read with the first load (alongside it), then served from the process.
  expect(perTurn.filter((command) => command === 'get')).toHaveLength(1);
  expect(perTurn.filter((command) => command !== 'get')).toHaveLength(2 * turns);
  expect((await service.memory(session)).messageCount).toBe(2 * turns);
  await service.close();
});
