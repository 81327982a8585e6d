/**
 * A fake Telegram Bot API server for end-to-end tests: real HTTP on 127.0.0.1, so the real grammY
 * `Bot` is exercised end to end — its node-fetch client, long polling, `bot.stop()`, transformers
 * such as @grammyjs/auto-retry, and @grammyjs/runner — while api.telegram.org stays unreachable.
 *
 * It simulates Telegram for ONE bot token. Behaviour and error texts follow the open-source Bot API
 * server (tdlib/telegram-bot-api, `Client.cpp`) and tdlib's text parsers (`MessageEntity.cpp`)
 * where that was practical; the doc comments name the places where it is simpler.
 *
 * Only `node:http`; no dependency beyond Node itself (grammY's types are imported as types only).
 * The parts live in `./telegram/`: `types.ts` (what tests see), `server.ts` (start-up),
 * `transport.ts` (HTTP), `state.ts`, `long-poll.ts`, `methods/` (the API methods by family),
 * `entities/` (Telegram's text parsers) and `simulated-users.ts` (what users do).
 */
export type {
  FakeTelegramServer,
  FakeTelegramServerOptions,
  IncomingMessageExtra,
  InjectedFailure,
  NonChannelChat,
  RecordedCall,
  SentMessage,
  TelegramResponse,
  WebhookState,
} from './telegram/types.js';
export type { UploadedFile } from './telegram/files.js';
export { groupChat, makeUser, privateChat, supergroupChat } from './telegram/builders.js';
export { formatMessageText } from './telegram/entities/format-message-text.js';
export { startFakeTelegramServer } from './telegram/server.js';
