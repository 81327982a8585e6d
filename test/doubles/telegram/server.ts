/** Starting the fake Telegram: the bot, its state, the HTTP server and the handle tests hold. */
import type { UserFromGetMe } from 'grammy/types';
import { listenOnFreePort } from '../shared/http.js';
import { waitUntil } from '../shared/wait-until.js';
import { LongPoll } from './long-poll.js';
import { commandsFor } from './methods/commands.js';
import { apiMethods } from './methods/method-table.js';
import { userCreatesTopic, userEdits, userSends } from './simulated-users.js';
import { TelegramState } from './state.js';
import { createTelegramHttpServer, isWellFormedToken } from './transport.js';
import type { FakeTelegramServer, FakeTelegramServerOptions } from './types.js';

const DEFAULT_TOKEN = '1234567:AAFakeTokenForTests-0123456789abcdefghij';
const DEFAULT_WAIT_MS = 5_000;

/**
 * Starts the server on `options.host` (default 127.0.0.1) and an ephemeral port, so parallel test
 * files never collide.
 *
 * Routes: `POST`/`GET /bot<token>/<method>` (method names case-insensitive, as in Telegram).
 * Implemented: getMe, getFile, getUpdates (real long polling), sendMessage, editMessageText,
 * deleteMessage, sendChatAction, setMyCommands, getMyCommands, deleteMyCommands, setWebhook,
 * deleteWebhook, getWebhookInfo, answerCallbackQuery, getChatMember. Any other method is 404 "Not Found" (the
 * self-hosted Bot API says "Not Found: method not found"); a path without `/bot` is 404 too.
 *
 * Known simplifications: no anti-flood rules (the Bot API stretches a repeated short poll to 3 s
 * and delays a second 409 by 3 s), no admin rights (any known message may be deleted), no
 * webhook delivery (setWebhook only records, and blocks getUpdates as Telegram does); files are
 * downloaded (`addFile`, `getFile`, `/file/bot<token>/<path>`) but the bot cannot send any.
 */
export async function startFakeTelegramServer(
  options: FakeTelegramServerOptions = {},
): Promise<FakeTelegramServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? DEFAULT_TOKEN;
  const botId = Number(token.slice(0, token.indexOf(':')));
  if (!isWellFormedToken(token) || !Number.isSafeInteger(botId)) {
    throw new Error(
      `Telegram tokens look like "<bot id>:<secret>", e.g. "${DEFAULT_TOKEN}"; got "${token}".`,
    );
  }
  const botUser: UserFromGetMe = {
    id: botId,
    is_bot: true,
    first_name: options.botFirstName ?? 'Fake ChatMem',
    username: options.botUsername ?? 'fake_chatmem_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };

  const state = new TelegramState(botUser, options.firstUpdateId ?? 100_000_001);
  const poll = new LongPoll(state);
  let closing = false;
  const server = createTelegramHttpServer({
    token,
    state,
    poll,
    methods: apiMethods(state, poll),
    isClosing: () => closing,
  });
  if (options.keepAliveTimeoutMs !== undefined)
    server.keepAliveTimeout = options.keepAliveTimeoutMs;
  const port = await listenOnFreePort(server, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const { calls, sent } = state;

  let closed: Promise<void> | undefined;
  return {
    apiRoot: `http://${urlHost}:${port}`,
    token,
    botUser,
    calls,
    callsTo(method) {
      const wanted = method.toLowerCase();
      return calls.filter((call) => call.method.toLowerCase() === wanted);
    },
    sendMessage: (from, chat, text, extra) => userSends(state, from, chat, text, extra),
    editMessage: (chatId, messageId, text) => userEdits(state, chatId, messageId, text),
    createForumTopic: (from, chat, name) => userCreatesTopic(state, from, chat, name),
    pushUpdate: (update) => state.enqueue(update),
    addFile: (bytes, name) => state.files.add(bytes, name),
    setMemberStatus: (chatId, userId, status) =>
      state.memberStatuses.set(`${chatId}:${userId}`, status),
    downloads: () => [...state.files.downloads],
    pendingUpdates() {
      return [...state.queue];
    },
    sentMessages(chatId) {
      return chatId === undefined ? [...sent] : sent.filter((m) => m.chat_id === chatId);
    },
    waitFor(predicate, timeoutMs = DEFAULT_WAIT_MS) {
      return waitUntil(predicate, {
        timeoutMs,
        intervalMs: 5,
        failure: () => {
          const last = calls
            .slice(-5)
            .map((c) => `${c.method} → ${c.status ?? 'held'}`)
            .join(', ');
          return `waitFor: condition not met within ${timeoutMs} ms (last calls: ${last})`;
        },
      });
    },
    failNext(method, failure, times = 1) {
      const key = method.toLowerCase();
      const list = state.failures.get(key) ?? [];
      for (let k = 0; k < times; k++) list.push(failure);
      state.failures.set(key, list);
    },
    get webhook() {
      return { ...state.webhook };
    },
    commands(scope, languageCode) {
      return commandsFor(state, scope, languageCode);
    },
    close() {
      closed ??= (async () => {
        closing = true;
        await poll.close();
        const stopped = new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}
