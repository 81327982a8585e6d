import { afterEach, beforeEach } from 'vitest';
import type { App, AppOptions } from '../../src/app.js';
import {
  startFakeDiscordServer,
  type CreateMessageInput,
  type FakeDiscordServer,
  type FakeGuild,
  type FakeUser,
  type MessageObject,
  type StoredMessage,
} from '../doubles/fake-discord-server.js';
import { useE2EApp, type E2EApp } from './e2e-app.js';

export interface DiscordE2EOptions {
  /** The bot's token; the fake checks it, and log tests look for it. */
  readonly token: string;
  /** The model's API key. */
  readonly apiKey: string;
  /** The bot user's name; default `parrot`. */
  readonly botUsername?: string;
  /** The guild every test starts in (channels, roles, locale); default one unnamed guild. */
  readonly guild?: Parameters<FakeDiscordServer['addGuild']>[0];
  /** More of the app's environment for every test of the suite, e.g. `LLM_TIMEOUT_MS`. */
  readonly env?: Record<string, string>;
}

export interface DiscordE2E {
  readonly e2e: E2EApp;
  /** This test's fake Discord (REST and gateway). */
  readonly discord: FakeDiscordServer;
  /** This test's guild, from `options.guild`. */
  readonly guild: FakeGuild;
  /** Users `alice` (Alice) and `bob` (Bob), added after the guild, and the bot itself. */
  readonly alice: FakeUser;
  readonly bob: FakeUser;
  readonly bot: FakeUser;
  /** This test's environment: the model, Redis, the bot's token and API URL, no streaming. */
  readonly env: Record<string, string>;
  /** Starts the app on `env` with `overrides`. */
  start(overrides?: Record<string, string>, options?: Pick<AppOptions, 'now'>): Promise<App>;
  /** The bot's messages in a channel, in order. */
  botMessages(channelId: string): StoredMessage[];
  /**
   * A user writes (in their DM unless a channel is given); resolves once the bot answered, plus
   * 200 ms for more messages to come, with the message and the bot's new messages there.
   */
  say(
    author: FakeUser,
    content: string,
    channelId?: string,
    extra?: Partial<CreateMessageInput>,
  ): Promise<{ sent: MessageObject; replies: StoredMessage[] }>;
  /** The bot's mention, `<@id>`. */
  at(): string;
  /** The contents of the messages of the model request at `index`. */
  promptOf(index: number): string[];
}

/**
 * The shared set-up of the Discord end-to-end suites, on top of `useE2EApp`: a fresh fake
 * Discord per test (no event of one test reaches the bot of the next) with a guild and two users,
 * the app's base environment, and after each test the app stopped before its fake is closed.
 */
export function useDiscordE2E(name: string, options: DiscordE2EOptions): DiscordE2E {
  const e2e = useE2EApp(name);
  let discord: FakeDiscordServer | undefined;
  let guild: FakeGuild | undefined;
  let alice: FakeUser | undefined;
  let bob: FakeUser | undefined;
  let env: Record<string, string> = {};

  beforeEach(async () => {
    discord = await startFakeDiscordServer({
      token: options.token,
      botUsername: options.botUsername ?? 'parrot',
    });
    guild = discord.addGuild(options.guild);
    alice = discord.addUser({ username: 'alice', globalName: 'Alice' });
    bob = discord.addUser({ username: 'bob', globalName: 'Bob' });
    env = {
      ...e2e.baseEnv(options.apiKey),
      DISCORD_TOKEN: options.token,
      DISCORD_API_URL: discord.apiUrl,
      STREAM_REPLIES: 'false',
      ...options.env,
    };
  });
  afterEach(async () => {
    await e2e.stop(5000);
    await discord!.close();
  });

  const botMessages = (channelId: string): StoredMessage[] =>
    discord!.messagesIn(channelId).filter((m) => m.author.id === discord!.botUser.id);

  return {
    e2e,
    get discord() {
      return discord!;
    },
    get guild() {
      return guild!;
    },
    get alice() {
      return alice!;
    },
    get bob() {
      return bob!;
    },
    get bot() {
      return discord!.botUser;
    },
    get env() {
      return env;
    },
    start: (overrides = {}, appOptions) =>
      e2e.start({ ...env, ...overrides }, undefined, appOptions),
    botMessages,
    async say(author, content, channelId, extra = {}) {
      const channel = channelId ?? discord!.dmChannelFor(author).id;
      const before = botMessages(channel).length;
      const sent = discord!.createMessage({ channelId, author, content, ...extra });
      await discord!.waitFor(() => botMessages(channel).length > before, 8000);
      await new Promise((r) => setTimeout(r, 200));
      return { sent, replies: botMessages(channel).slice(before) };
    },
    at: () => `<@${discord!.botUser.id}>`,
    promptOf: (index) => e2e.openai.requests[index]!.body!.messages.map((m) => String(m.content)),
  };
}
