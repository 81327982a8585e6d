import { afterEach, beforeEach } from 'vitest';
import type { App, AppOptions } from '../../src/app.js';
import {
  startFakeTelegramServer,
  type FakeTelegramServer,
  type SentMessage,
} from '../doubles/fake-telegram-server.js';
import { useE2EApp, type E2EApp } from './e2e-app.js';

type From = Parameters<FakeTelegramServer['sendMessage']>[0];
type Chat = Parameters<FakeTelegramServer['sendMessage']>[1];
type Extra = NonNullable<Parameters<FakeTelegramServer['sendMessage']>[3]>;
type Update = ReturnType<FakeTelegramServer['sendMessage']>;

export interface TelegramE2EOptions {
  /** The bot's username, as mentions in groups must spell it. */
  readonly botUsername: string;
  /** The model's API key; tests that look for it in logs pick their own. */
  readonly apiKey: string;
  /** More of the app's environment for every test of the suite, e.g. `LLM_TIMEOUT_MS`. */
  readonly env?: Record<string, string>;
}

export interface TelegramE2E {
  readonly e2e: E2EApp;
  /** This test's fake Bot API server. */
  readonly telegram: FakeTelegramServer;
  /** This test's environment: the model, Redis, the bot's token and API root, no streaming. */
  readonly env: Record<string, string>;
  /** Starts the app on `env` with `overrides`; an `undefined` override removes the variable. */
  start(
    overrides?: Record<string, string | undefined>,
    options?: Pick<AppOptions, 'now'>,
  ): Promise<App>;
  /** Messages the bot sent since `before`, in order. */
  sentSince(before: number, chatId?: number): SentMessage[];
  /**
   * A person writes; resolves once the bot answered, plus 150 ms for a multi-part answer to
   * finish, with the update and every message the bot sent since.
   */
  say(
    from: From,
    chat: Chat,
    text: string,
    extra?: Extra,
  ): Promise<{ update: Update; replies: SentMessage[] }>;
  /** A person writes; resolves with the bot's first message after it, as soon as it is sent. */
  firstReply(from: From, chat: Chat, text: string): Promise<SentMessage>;
  /** The contents of the messages of the model request at `index`. */
  promptOf(index: number): string[];
}

/**
 * The shared set-up of the Telegram end-to-end suites, on top of `useE2EApp`: a fresh fake
 * Telegram per test (no update of one test can reach the bot of the next), the app's base
 * environment, and after each test the app stopped before its fake is closed.
 */
export function useTelegramE2E(name: string, options: TelegramE2EOptions): TelegramE2E {
  const e2e = useE2EApp(name);
  let telegram: FakeTelegramServer | undefined;
  let env: Record<string, string> = {};

  beforeEach(async () => {
    telegram = await startFakeTelegramServer({ botUsername: options.botUsername });
    env = {
      ...e2e.baseEnv(options.apiKey),
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      STREAM_REPLIES: 'false',
      ...options.env,
    };
  });
  afterEach(async () => {
    await e2e.stop(5000);
    await telegram!.close();
  });

  const sentSince = (before: number, chatId?: number): SentMessage[] =>
    telegram!.sentMessages(chatId).slice(before);

  return {
    e2e,
    get telegram() {
      return telegram!;
    },
    get env() {
      return env;
    },
    start(overrides = {}, appOptions) {
      const merged: Record<string, string> = { ...env };
      for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) delete merged[key];
        else merged[key] = value;
      }
      return e2e.start(merged, undefined, appOptions);
    },
    sentSince,
    async say(from, chat, text, extra = {}) {
      const before = telegram!.sentMessages().length;
      const update = telegram!.sendMessage(from, chat, text, extra);
      await telegram!.waitFor(() => telegram!.sentMessages().length > before, 8000);
      await new Promise((r) => setTimeout(r, 150));
      return { update, replies: sentSince(before) };
    },
    async firstReply(from, chat, text) {
      const before = telegram!.sentMessages().length;
      telegram!.sendMessage(from, chat, text);
      await telegram!.waitFor(() => telegram!.sentMessages().length > before, 8000);
      return telegram!.sentMessages()[before]!;
    },
    promptOf: (index) => e2e.openai.requests[index]!.body!.messages.map((m) => String(m.content)),
  };
}
