import { setTimeout as sleep } from 'node:timers/promises';
import { autoRetry } from '@grammyjs/auto-retry';
import { run } from '@grammyjs/runner';
import { Bot, GrammyError, HttpError } from 'grammy';
import type { Message, Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import {
  formatMessageText,
  groupChat,
  makeUser,
  privateChat,
  startFakeTelegramServer,
  supergroupChat,
} from './fake-telegram-server.js';
import type { FakeTelegramServer, FakeTelegramServerOptions } from './fake-telegram-server.js';

/*
 * How grammY 1.46, @grammyjs/runner 2.0 and @grammyjs/auto-retry 2.0 talk to the Bot API — what
 * these tests pin down against the fake:
 *
 * - Every call is `POST ${apiRoot}/bot${token}/${method}` with a JSON body (multipart only when an
 *   InputFile is in the payload); `null`/`undefined` fields are left out. grammY reads the JSON body
 *   whatever the HTTP status: `ok: false` becomes a `GrammyError` (`error_code`, `description`,
 *   `parameters`); a body that is not JSON, or no answer, becomes an `HttpError`.
 * - `bot.start()` calls getMe and `deleteWebhook` first, then long-polls with `timeout: 30` and
 *   `allowed_updates: []` on the first call only (omitted later: Telegram keeps the last setting).
 *   `bot.stop()` aborts the held poll (the socket closes) and confirms with one more
 *   `getUpdates({ offset, limit: 1 })` without a timeout. 401 and 409 end polling with an error;
 *   other errors are retried after 3 s.
 * - The runner never calls deleteWebhook; it polls with `{ timeout: 30, offset, limit }` (limit 100
 *   at first) and its `stop()` only aborts the held poll, with no confirming call: updates of the
 *   last batch stay unconfirmed unless a later poll (sent as soon as the batch is handed to the
 *   sink, before handlers finish) carried the new offset.
 * - autoRetry waits `parameters.retry_after` seconds on any error carrying it, backs off 3 s, 6 s, …
 *   on 5xx and on `HttpError`s, and retries without limit by default.
 */

const alice = makeUser(111_222_333, 'Alice', { username: 'alice', language_code: 'en' });
const bob = makeUser(444_555_666, 'Bob');

/** Servers, bots and runners a test started, stopped after it in reverse order even on failure. */
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(options?: FakeTelegramServerOptions): Promise<FakeTelegramServer> {
  const server = await startFakeTelegramServer(options);
  cleanups.push(() => server.close());
  return server;
}

function botFor(server: FakeTelegramServer, token = server.token): Bot {
  return new Bot(token, { client: { apiRoot: server.apiRoot } });
}

/** Starts simple long polling and resolves once it runs; errors from handlers are collected. */
async function startPolling(bot: Bot): Promise<{ errors: unknown[]; done: Promise<void> }> {
  const errors: unknown[] = [];
  bot.catch((error) => {
    errors.push(error.error);
  });
  let done: Promise<void> = Promise.resolve();
  await new Promise<void>((resolve, reject) => {
    done = bot.start({ onStart: () => resolve() });
    done.catch(reject);
  });
  cleanups.push(() => bot.stop());
  return { errors, done };
}

/** The rejection reason of `promise`; fails the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

async function grammyErrorOf(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

/** Alice writes to the bot, so her private chat is known to Telegram (the bot may answer). */
function aliceSaysHello(server: FakeTelegramServer): Update {
  return server.sendMessage(alice, privateChat(alice), 'hello');
}

function messageOf(update: Update): Message {
  expect(update.message).toBeDefined();
  return update.message as Message;
}

function isHeld(server: FakeTelegramServer): boolean {
  return server.callsTo('getUpdates').some((call) => call.status === undefined);
}

describe('fake Telegram server with the real grammY Bot', () => {
  it('answers getMe, so bot.init() learns who the bot is', async () => {
    const server = await startServer({ botUsername: 'memory_test_bot' });
    const bot = botFor(server);

    await bot.init();

    expect(bot.botInfo).toEqual(server.botUser);
    expect(bot.botInfo.username).toBe('memory_test_bot');
    expect(bot.botInfo.id).toBe(Number(server.token.split(':')[0]));
    expect(server.callsTo('getMe')).toMatchObject([{ method: 'getMe', status: 200 }]);
  });

  it('answers 401 to other tokens, so bot.init() rejects, and 404 to unknown methods', async () => {
    const server = await startServer();

    const wrong = await grammyErrorOf(botFor(server, '987654:not-the-right-secret').init());
    expect(wrong.error_code).toBe(401);
    expect(wrong.description).toBe('Unauthorized');
    const malformed = await grammyErrorOf(botFor(server, 'not-a-token').api.getMe());
    expect(malformed.description).toBe('Unauthorized: invalid token specified');

    const unknown = await fetch(`${server.apiRoot}/bot${server.token}/frobnicate`, {
      method: 'POST',
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
    // Method names are case-insensitive and GET with a query string works, as on Telegram.
    const me = await fetch(`${server.apiRoot}/bot${server.token}/GETME`);
    expect(await me.json()).toEqual({ ok: true, result: server.botUser });
    expect(server.callsTo('getme').map((call) => call.status)).toEqual([401, 401, 200]);
  });

  it('delivers an injected private message to bot.on("message:text") and records the reply', async () => {
    const server = await startServer();
    const bot = botFor(server);
    bot.on('message:text', (ctx) =>
      ctx.reply(`echo: ${ctx.msg.text}`, { reply_parameters: { message_id: ctx.msg.message_id } }),
    );
    const { errors, done } = await startPolling(bot);

    const incoming = messageOf(aliceSaysHello(server));
    await server.waitFor(() => server.sentMessages(alice.id).length === 1);

    const [reply] = server.sentMessages(alice.id);
    expect(reply).toMatchObject({
      chat_id: alice.id,
      message_id: incoming.message_id + 1,
      text: 'echo: hello',
      reply_to_message_id: incoming.message_id,
      reply_parameters: { message_id: incoming.message_id },
      deleted: false,
      edits: [],
    });
    expect(reply?.message.from).toEqual({
      id: server.botUser.id,
      is_bot: true,
      first_name: server.botUser.first_name,
      username: server.botUser.username,
    });
    expect(reply?.message.chat).toEqual(privateChat(alice));
    expect(reply?.message.reply_to_message?.text).toBe('hello');

    await bot.stop();
    await done;
    expect(errors).toEqual([]);
    expect(server.callsTo('deleteWebhook')).toHaveLength(1);
    expect(server.callsTo('getUpdates')[0]?.params).toMatchObject({
      timeout: 30,
      allowed_updates: [],
    });
    // bot.stop() confirmed the offset, so Telegram would not deliver the message again.
    expect(server.pendingUpdates()).toEqual([]);
  });

  it('answers a held long poll as soon as an update arrives, and forgets confirmed updates', async () => {
    const server = await startServer();
    const bot = botFor(server);

    const started = Date.now();
    const poll = bot.api.getUpdates({ timeout: 10 });
    await server.waitFor(() => isHeld(server));
    await sleep(150);
    expect(isHeld(server)).toBe(true);
    const update = aliceSaysHello(server);

    expect(await poll).toEqual([update]);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(1_000);
    expect(update.update_id).toBe(100_000_001);

    // Not confirmed yet: offset 0 gets it again; an offset past it confirms it.
    expect(await bot.api.getUpdates({ offset: 0 })).toEqual([update]);
    expect(await bot.api.getUpdates({ offset: update.update_id + 1 })).toEqual([]);
    expect(server.pendingUpdates()).toEqual([]);
    expect(await bot.api.getUpdates({ offset: 0, timeout: 0 })).toEqual([]);
  });

  it('hands every update to grammY exactly once, in order, across polls and a restart', async () => {
    const server = await startServer();
    const bot = botFor(server);
    const seen: number[] = [];
    bot.on('message', (ctx) => {
      seen.push(ctx.update.update_id);
    });
    const before = [1, 2, 3].map((n) => server.sendMessage(alice, privateChat(alice), `m${n}`));
    const { done } = await startPolling(bot);
    await server.waitFor(() => seen.length === 3);
    await server.waitFor(() => isHeld(server));
    const during = server.sendMessage(alice, privateChat(alice), 'm4');
    await server.waitFor(() => seen.length === 4);
    await bot.stop();
    await done;

    const after = server.sendMessage(alice, privateChat(alice), 'm5');
    const restarted = await startPolling(bot);
    await server.waitFor(() => seen.length === 5);
    await bot.stop();
    await restarted.done;

    expect(seen).toEqual([...before, during, after].map((u) => u.update_id));
    expect(server.pendingUpdates()).toEqual([]);
  });

  it('answers the older of two concurrent long polls with 409 Conflict', async () => {
    const server = await startServer();
    const bot = botFor(server);

    const older = grammyErrorOf(bot.api.getUpdates({ timeout: 10 }));
    await server.waitFor(() => isHeld(server));
    const newer = bot.api.getUpdates({ timeout: 10 });

    const conflict = await older;
    expect(conflict.error_code).toBe(409);
    expect(conflict.description).toBe(
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
    await server.waitFor(() => isHeld(server));
    const update = aliceSaysHello(server);
    expect(await newer).toEqual([update]);
  });

  it('blocks getUpdates while a webhook is set, like Telegram', async () => {
    const server = await startServer();
    const bot = botFor(server);

    const http = await grammyErrorOf(bot.api.setWebhook('http://example.com/hook'));
    expect(http.description).toBe(
      'Bad Request: bad webhook: An HTTPS URL must be provided for webhook',
    );
    expect(await bot.api.setWebhook('https://example.com/hook', { secret_token: 's3cr3t' })).toBe(
      true,
    );
    expect(server.webhook).toMatchObject({
      url: 'https://example.com/hook',
      secret_token: 's3cr3t',
    });
    expect((await bot.api.getWebhookInfo()).url).toBe('https://example.com/hook');

    const blocked = await grammyErrorOf(bot.api.getUpdates());
    expect(blocked.error_code).toBe(409);
    expect(blocked.description).toBe(
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );

    aliceSaysHello(server);
    expect(await bot.api.deleteWebhook({ drop_pending_updates: true })).toBe(true);
    expect(server.webhook).toEqual({});
    expect(await bot.api.getUpdates()).toEqual([]);
  });

  it('rejects texts over 4096 characters with 400 and counts them after parsing', async () => {
    const server = await startServer();
    const bot = botFor(server);

    const unknownChat = await grammyErrorOf(bot.api.sendMessage(alice.id, 'hi'));
    expect(unknownChat.description).toBe('Bad Request: chat not found');
    aliceSaysHello(server);

    const tooLong = await grammyErrorOf(bot.api.sendMessage(alice.id, 'x'.repeat(4097)));
    expect(tooLong.error_code).toBe(400);
    expect(tooLong.description).toBe('Bad Request: message is too long');
    expect((await bot.api.sendMessage(alice.id, 'x'.repeat(4096))).text).toHaveLength(4096);
    // Tags do not count, and the limit is in characters: 4096 emoji are 8192 UTF-16 units.
    await bot.api.sendMessage(alice.id, `<b>${'y'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
    await bot.api.sendMessage(alice.id, '🙂'.repeat(4096));

    expect((await grammyErrorOf(bot.api.sendMessage(alice.id, ''))).description).toBe(
      'Bad Request: message text is empty',
    );
    expect((await grammyErrorOf(bot.api.sendMessage(alice.id, ' \n '))).description).toBe(
      'Bad Request: message must be non-empty',
    );
    expect(server.sentMessages(alice.id)).toHaveLength(3);
  });

  it('validates HTML like Telegram and stores the parsed text and entities', async () => {
    const server = await startServer();
    const bot = botFor(server);
    aliceSaysHello(server);
    const html = (text: string): Promise<Message.TextMessage> =>
      bot.api.sendMessage(alice.id, text, { parse_mode: 'HTML' });
    const failure = async (text: string): Promise<string> =>
      (await grammyErrorOf(html(text))).description;

    expect(await failure('<b>unclosed')).toBe(
      "Bad Request: can't parse entities: Can't find end tag corresponding to start tag b",
    );
    expect(await failure('<foo>bar</foo>')).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0',
    );
    expect(await failure('if 1 < 2')).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 5',
    );
    // Offsets count UTF-8 bytes: "é" is two.
    expect(await failure('é <br>')).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 3',
    );
    expect(await failure('<b><i>x</b></i>')).toBe(
      'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
    );
    expect(await failure('<span class="x">s</span>')).toBe(
      'Bad Request: can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset 0',
    );

    const source =
      '<b>bold <i>both</i></b> &lt;3 <a href="https://example.com/a?b=1">link</a>\n' +
      '<pre><code class="language-ts">a &amp;&amp; b</code></pre>' +
      '<tg-spoiler>s</tg-spoiler><blockquote expandable>q</blockquote>';
    const sent = await html(source);
    expect(sent.text).toBe('bold both <3 link\na && bsq');
    expect(sent.entities).toEqual([
      { type: 'bold', offset: 0, length: 9 },
      { type: 'italic', offset: 5, length: 4 },
      { type: 'text_link', offset: 13, length: 4, url: 'https://example.com/a?b=1' },
      { type: 'pre', offset: 18, length: 6, language: 'ts' },
      { type: 'spoiler', offset: 24, length: 1 },
      { type: 'expandable_blockquote', offset: 25, length: 1 },
    ]);
    expect(server.sentMessages().at(-1)).toMatchObject({
      text: sent.text,
      source,
      parse_mode: 'HTML',
    });
    // Like Telegram, a bare "&" and ">" are text; only "<" must be escaped.
    expect((await html('a & b > c')).text).toBe('a & b > c');
    expect(server.sentMessages()).toHaveLength(2);
  });

  it('rejects unescaped MarkdownV2 reserved characters and parses valid MarkdownV2', async () => {
    const server = await startServer();
    const bot = botFor(server);
    aliceSaysHello(server);

    const reserved = await grammyErrorOf(
      bot.api.sendMessage(alice.id, 'Version 1.0', { parse_mode: 'MarkdownV2' }),
    );
    expect(reserved.description).toBe(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    const unclosed = await grammyErrorOf(
      bot.api.sendMessage(alice.id, 'ok *bold', { parse_mode: 'MarkdownV2' }),
    );
    expect(unclosed.description).toBe(
      "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 3",
    );

    const sent = await bot.api.sendMessage(alice.id, '*bold* v1\\.0 _it_ [x](https://t.me/a)', {
      parse_mode: 'MarkdownV2',
    });
    expect(sent.text).toBe('bold v1.0 it x');
    expect(sent.entities).toEqual([
      { type: 'bold', offset: 0, length: 4 },
      { type: 'italic', offset: 10, length: 2 },
      { type: 'text_link', offset: 13, length: 1, url: 'https://t.me/a' },
    ]);
    const mode = await grammyErrorOf(
      bot.api.sendMessage(alice.id, 'x', { parse_mode: 'BBCode' as 'HTML' }),
    );
    expect(mode.description).toBe('Bad Request: unsupported parse_mode');
  });

  it('retries a 429 with retry_after=1 through autoRetry, and the message arrives once', async () => {
    const server = await startServer();
    const bot = botFor(server);
    bot.api.config.use(autoRetry());
    aliceSaysHello(server);
    server.failNext('sendMessage', { error_code: 429, retry_after: 1 });

    const started = Date.now();
    const sent = await bot.api.sendMessage(alice.id, 'after the flood');

    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sent.text).toBe('after the flood');
    expect(server.sentMessages(alice.id).map((m) => m.text)).toEqual(['after the flood']);
    const calls = server.callsTo('sendMessage');
    expect(calls.map((call) => call.status)).toEqual([429, 200]);
    expect(calls[0]?.response).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
  });

  it('surfaces injected failures the way grammY reports them without retries', async () => {
    const server = await startServer();
    const bot = botFor(server);
    aliceSaysHello(server);
    server.failNext('sendMessage', { error_code: 429, retry_after: 7 });
    server.failNext('sendMessage', { error_code: 500 });
    server.failNext('sendMessage', { error_code: 403 });
    server.failNext('sendMessage', { httpStatus: 502, body: '<html>502 Bad Gateway</html>' });
    server.failNext('SENDMESSAGE', { dropConnection: true });

    const flood = await grammyErrorOf(bot.api.sendMessage(alice.id, 'a'));
    expect(flood.parameters.retry_after).toBe(7);
    const internal = await grammyErrorOf(bot.api.sendMessage(alice.id, 'b'));
    expect([internal.error_code, internal.description]).toEqual([500, 'Internal Server Error']);
    const blocked = await grammyErrorOf(bot.api.sendMessage(alice.id, 'c'));
    expect(blocked.description).toBe('Forbidden: bot was blocked by the user');
    expect(await rejectionOf(bot.api.sendMessage(alice.id, 'd'))).toBeInstanceOf(HttpError);
    expect(await rejectionOf(bot.api.sendMessage(alice.id, 'e'))).toBeInstanceOf(HttpError);

    expect(server.sentMessages()).toEqual([]);
    expect((await bot.api.sendMessage(alice.id, 'f')).text).toBe('f');
  });

  it('edits, reports "not modified" and unknown messages, and deletes', async () => {
    const server = await startServer();
    const bot = botFor(server);
    const incoming = messageOf(aliceSaysHello(server));
    const draft = await bot.api.sendMessage(alice.id, 'draft…');

    const edited = await bot.api.editMessageText(alice.id, draft.message_id, '<b>final</b>', {
      parse_mode: 'HTML',
    });
    expect(edited).toMatchObject({
      message_id: draft.message_id,
      text: 'final',
      entities: [{ type: 'bold', offset: 0, length: 5 }],
    });
    expect(typeof (edited as Message).edit_date).toBe('number');
    expect(server.sentMessages(alice.id)[0]).toMatchObject({
      text: 'final',
      source: '<b>final</b>',
      edits: ['final'],
    });

    const same = await grammyErrorOf(
      bot.api.editMessageText(alice.id, draft.message_id, '<b>final</b>', { parse_mode: 'HTML' }),
    );
    expect(same.description).toBe(
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
    // Same text, different entities: that is a modification.
    await bot.api.editMessageText(alice.id, draft.message_id, 'final');
    const missing = await grammyErrorOf(bot.api.editMessageText(alice.id, 999, 'x'));
    expect(missing.description).toBe('Bad Request: message to edit not found');
    const foreign = await grammyErrorOf(
      bot.api.editMessageText(alice.id, incoming.message_id, 'x'),
    );
    expect(foreign.description).toBe("Bad Request: message can't be edited");

    expect(await bot.api.deleteMessage(alice.id, draft.message_id)).toBe(true);
    expect(server.sentMessages(alice.id)[0]).toMatchObject({
      deleted: true,
      edits: ['final', 'final'],
    });
    const again = await grammyErrorOf(bot.api.deleteMessage(alice.id, draft.message_id));
    expect(again.description).toBe('Bad Request: message to delete not found');
  });

  it('records chat actions and checks them', async () => {
    const server = await startServer();
    const bot = botFor(server);
    aliceSaysHello(server);

    expect(await bot.api.sendChatAction(alice.id, 'typing')).toBe(true);
    const wrong = await grammyErrorOf(bot.api.sendChatAction(alice.id, 'dancing' as 'typing'));
    expect(wrong.description).toBe('Bad Request: wrong parameter action in request');
    expect(server.callsTo('sendChatAction').map((call) => call.params.action)).toEqual([
      'typing',
      'dancing',
    ]);
  });

  it('stores the commands of setMyCommands per scope and language', async () => {
    const server = await startServer();
    const bot = botFor(server);
    const everywhere = [{ command: 'forget', description: 'Forget our conversation' }];
    const groupsInGerman = [{ command: 'vergessen', description: 'Unterhaltung vergessen' }];

    await bot.api.setMyCommands(everywhere);
    await bot.api.setMyCommands(groupsInGerman, {
      scope: { type: 'all_group_chats' },
      language_code: 'de',
    });

    expect(server.commands()).toEqual(everywhere);
    expect(server.commands({ type: 'all_group_chats' }, 'de')).toEqual(groupsInGerman);
    expect(server.commands({ type: 'all_group_chats' })).toEqual([]);
    expect(await bot.api.getMyCommands()).toEqual(everywhere);
    expect(
      await bot.api.getMyCommands({ scope: { type: 'all_group_chats' }, language_code: 'de' }),
    ).toEqual(groupsInGerman);

    const invalid = await grammyErrorOf(
      bot.api.setMyCommands([{ command: 'Forget', description: 'x' }]),
    );
    expect(invalid.description).toBe('Bad Request: BOT_COMMAND_INVALID');
    const empty = await grammyErrorOf(bot.api.setMyCommands([{ command: 'x', description: ' ' }]));
    expect(empty.description).toBe('Bad Request: command description must be non-empty');

    expect(await bot.api.deleteMyCommands()).toBe(true);
    expect(server.commands()).toEqual([]);
    expect(server.commands({ type: 'all_group_chats' }, 'de')).toEqual(groupsInGerman);
  });

  it('routes topic messages in forum supergroups, with mentions and commands as entities', async () => {
    const server = await startServer();
    const bot = botFor(server);
    const forum = supergroupChat(-1_001_234_567_890, 'Team', { isForum: true });
    const { message_thread_id: topic } = server.createForumTopic(alice, forum, 'Ideas');
    bot.command('start', (ctx) => ctx.reply('started'));
    bot.on('message:text', (ctx) => ctx.reply(`topic ${String(ctx.msg.message_thread_id)}`));
    const { errors, done } = await startPolling(bot);

    const mention = messageOf(
      server.sendMessage(alice, forum, '🙂 @fake_chatmem_bot hi', { message_thread_id: topic }),
    );
    const command = messageOf(
      server.sendMessage(alice, forum, '/start@fake_chatmem_bot now', { message_thread_id: topic }),
    );
    await server.waitFor(() => server.sentMessages(forum.id).length === 2);
    await bot.stop();
    await done;

    // UTF-16 offsets: the emoji is two code units.
    expect(mention.entities).toEqual([{ type: 'mention', offset: 3, length: 17 }]);
    expect(command.entities).toEqual([{ type: 'bot_command', offset: 0, length: 23 }]);
    expect(mention).toMatchObject({ message_thread_id: topic, is_topic_message: true });
    // Telegram makes topic messages replies to the topic's creation message.
    expect(mention.reply_to_message?.forum_topic_created?.name).toBe('Ideas');
    const replies = server.sentMessages(forum.id);
    expect(replies.map((m) => m.text)).toEqual([`topic ${topic}`, 'started']);
    for (const reply of replies) {
      expect(reply.message_thread_id).toBe(topic);
      expect(reply.message.is_topic_message).toBe(true);
      expect(reply.message.reply_to_message?.message_id).toBe(topic);
    }
    expect(errors).toEqual([]);

    const general = await grammyErrorOf(
      bot.api.sendMessage(forum.id, 'x', { message_thread_id: 1 }),
    );
    expect(general.description).toBe('Bad Request: message thread not found');
    // Outside forums Telegram ignores message_thread_id.
    const group = groupChat(-4_012_345_678, 'Friends');
    server.sendMessage(bob, group, 'hi all');
    const inGroup = await bot.api.sendMessage(group.id, 'hello', { message_thread_id: 42 });
    expect(inGroup.message_thread_id).toBeUndefined();
    expect(() => server.sendMessage(alice, privateChat(bob), 'x')).toThrow(/private chat/);
  });

  it('accepts application/x-www-form-urlencoded parameters and rejects multipart', async () => {
    const server = await startServer();
    const incoming = messageOf(aliceSaysHello(server));
    const endpoint = `${server.apiRoot}/bot${server.token}/sendMessage`;

    const form = await fetch(endpoint, {
      method: 'POST',
      body: new URLSearchParams({
        chat_id: String(alice.id),
        text: '<i>hi</i>',
        parse_mode: 'html',
        reply_parameters: JSON.stringify({ message_id: incoming.message_id }),
      }),
    });
    const body = (await form.json()) as { ok: boolean; result: Message };
    expect(body.ok).toBe(true);
    expect(body.result).toMatchObject({
      text: 'hi',
      entities: [{ type: 'italic', offset: 0, length: 2 }],
      reply_to_message: { message_id: incoming.message_id },
    });

    const multipart = new FormData();
    multipart.set('chat_id', String(alice.id));
    multipart.set('text', 'x');
    const rejected = await fetch(endpoint, { method: 'POST', body: multipart });
    expect(rejected.status).toBe(400);
  });

  it('honours allowed_updates and answers callback queries once', async () => {
    const server = await startServer();
    const bot = botFor(server);
    const incoming = messageOf(aliceSaysHello(server));
    await bot.api.getUpdates({ offset: -1, allowed_updates: ['callback_query'] });

    const dropped = server.sendMessage(alice, privateChat(alice), 'not delivered');
    expect(dropped.update_id).toBe(0);
    const query = server.pushUpdate({
      callback_query: {
        id: 'cb-1',
        from: alice,
        chat_instance: '42',
        data: 'forget',
        message: incoming,
      },
    });
    expect(await bot.api.getUpdates({ offset: -1 })).toEqual([query]);
    expect(await bot.api.answerCallbackQuery('cb-1', { text: 'Done' })).toBe(true);
    const twice = await grammyErrorOf(bot.api.answerCallbackQuery('cb-1'));
    expect(twice.description).toBe(
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );

    await bot.api.getUpdates({ allowed_updates: [] });
    expect(server.sendMessage(alice, privateChat(alice), 'back').update_id).toBeGreaterThan(0);
  });

  it('lets close() resolve while a long poll is held, releasing the poll', async () => {
    const server = await startServer();
    const bot = botFor(server);
    const poll = bot.api.getUpdates({ timeout: 30 });
    await server.waitFor(() => isHeld(server));

    const started = Date.now();
    await server.close();

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await poll).toEqual([]);
  });

  it('stops promptly with bot.stop() and with the runner', async () => {
    const server = await startServer();
    const simple = botFor(server);
    const { done } = await startPolling(simple);
    await server.waitFor(() => isHeld(server));

    let started = Date.now();
    await simple.stop();
    await done;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(server.callsTo('getUpdates').at(-1)).toMatchObject({
      params: { offset: 1, limit: 1 },
      status: 200,
    });

    const bot = botFor(server);
    bot.on('message:text', (ctx) => ctx.reply(`runner: ${ctx.msg.text}`));
    const runner = run(bot);
    cleanups.push(async () => {
      if (runner.isRunning()) await runner.stop();
    });
    aliceSaysHello(server);
    await server.waitFor(() => server.sentMessages(alice.id).length === 1);
    await server.waitFor(() => isHeld(server));

    started = Date.now();
    await runner.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(runner.isRunning()).toBe(false);
    expect(server.sentMessages(alice.id)[0]?.text).toBe('runner: hello');
    expect(server.callsTo('getUpdates').at(-1)?.params).toMatchObject({ timeout: 30, limit: 100 });
    // No confirming call on stop; the poll held after the batch had confirmed it by its offset.
    expect(server.callsTo('getUpdates').at(-1)?.params).toMatchObject({ offset: 100_000_002 });
    expect(server.pendingUpdates()).toEqual([]);
  });
});

describe('formatMessageText', () => {
  it('parses the way tdlib does (cases from its test suite)', () => {
    const cases: [string, string, { text: string; entities: unknown[] } | string][] = [
      [
        'HTML',
        '🏟 🏟&lt;<i>🏟 &lt🏟</i>',
        { text: '🏟 🏟<🏟 <🏟', entities: [{ type: 'italic', offset: 6, length: 6 }] },
      ],
      ['HTML', '🏟 🏟&lt;<i    aba  =  190azAz-.,', 'Unexpected end of name token at byte offset 27'],
      [
        'HTML',
        '&lt;&gt;&amp;&quot;&laquo;&#12345678;',
        { text: '<>&"&laquo;&#12345678;', entities: [] },
      ],
      ['MarkdownV2', '🏟 🏟_abac * asd ', "Can't find end of Bold entity at byte offset 15"],
      ['MarkdownV2', '[telegram\\.org](asd\\)', "Can't find end of a URL at byte offset 16"],
      [
        'MarkdownV2',
        '>asd\n>q||e||w||\nasdad',
        {
          text: 'asd\nqew\nasdad',
          entities: [
            { type: 'expandable_blockquote', offset: 0, length: 8 },
            { type: 'spoiler', offset: 5, length: 1 },
          ],
        },
      ],
      ['Markdown', '*bold _x', "Can't find end of the entity starting at byte offset 0"],
      [
        'Markdown',
        '_a_ [t](t.me)',
        {
          text: 'a t',
          entities: [
            { type: 'italic', offset: 0, length: 1 },
            { type: 'text_link', offset: 2, length: 1, url: 'http://t.me/' },
          ],
        },
      ],
    ];
    for (const [mode, text, expected] of cases) {
      const result = formatMessageText(text, { parse_mode: mode });
      if (typeof expected === 'string') {
        expect(result).toEqual({
          ok: false,
          description: `Bad Request: can't parse entities: ${expected}`,
        });
      } else expect(result).toEqual({ ok: true, ...expected });
    }
  });

  it('trims like Telegram and detects entities the bot did not mark up', () => {
    expect(
      formatMessageText('  \n<b> hi</b> see https://example.com.  \n', { parse_mode: 'HTML' }),
    ).toEqual({
      ok: true,
      text: 'hi see https://example.com.',
      entities: [
        { type: 'bold', offset: 0, length: 2 },
        { type: 'url', offset: 7, length: 19 },
      ],
    });
    expect(formatMessageText('a\tb\r\nc')).toEqual({ ok: true, text: 'a b\nc', entities: [] });
    expect(formatMessageText('x', { entities: [{ type: 'bold', offset: 0, length: 2 }] })).toEqual({
      ok: false,
      description:
        'Bad Request: entity beginning at UTF-16 offset 0 ends after the end of the text at UTF-16 offset 2',
    });
  });
});

describe('fake Telegram server keep-alive', () => {
  it('announces 1 s by default and keepAliveTimeoutMs when given, so benchmarks can keep connections', async () => {
    const announced = async (options: FakeTelegramServerOptions) => {
      const server = await startFakeTelegramServer(options);
      try {
        const response = await fetch(`${server.apiRoot}/bot${server.token}/getMe`);
        await response.text();
        return response.headers.get('keep-alive');
      } finally {
        await server.close();
      }
    };
    expect(await announced({})).toBe('timeout=1');
    expect(await announced({ keepAliveTimeoutMs: 60_000 })).toBe('timeout=60');
  });
});
