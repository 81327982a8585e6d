import { Bot, GrammyError } from 'grammy';
import { afterEach, expect, it } from 'vitest';
import {
  groupChat,
  makeUser,
  privateChat,
  startFakeTelegramServer,
  type FakeTelegramServer,
} from './fake-telegram-server.js';

const alice = makeUser(111_222_333, 'Alice');
const bob = makeUser(444_555_666, 'Bob');
const group = groupChat(-100_200, 'Friends');
let server: FakeTelegramServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

it('answers getChatMember with the status a test set, else member once they wrote, else left', async () => {
  server = await startFakeTelegramServer();
  const bot = new Bot(server.token, { client: { apiRoot: server.apiRoot } });
  server.sendMessage(alice, group, 'hello');
  server.sendMessage(bob, privateChat(bob), 'hi');
  expect(await bot.api.getChatMember(group.id, alice.id)).toEqual({
    status: 'member',
    user: alice,
  });
  expect((await bot.api.getChatMember(group.id, bob.id)).status).toBe('left');
  expect((await bot.api.getChatMember(bob.id, bob.id)).status).toBe('member');

  server.setMemberStatus(group.id, alice.id, 'administrator');
  expect(await bot.api.getChatMember(group.id, alice.id)).toMatchObject({
    status: 'administrator',
    user: alice,
    can_manage_chat: true,
  });
  server.setMemberStatus(group.id, bob.id, 'creator');
  expect(await bot.api.getChatMember(group.id, bob.id)).toMatchObject({ status: 'creator' });

  const unknownChat = await bot.api.getChatMember(-999, alice.id).catch((e: unknown) => e);
  expect(unknownChat).toBeInstanceOf(GrammyError);
  expect((unknownChat as GrammyError).description).toBe('Bad Request: chat not found');
  const unknownUser = await bot.api.getChatMember(group.id, 777).catch((e: unknown) => e);
  expect((unknownUser as GrammyError).description).toBe('Bad Request: user not found');
  expect(server.callsTo('getChatMember')).toHaveLength(7);
});
