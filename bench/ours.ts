import { Redis } from 'ioredis';
import { pino } from 'pino';
import { ConversationService, type ConversationSettings } from '../src/core/conversation.js';
import { SessionBusyError } from '../src/core/errors.js';
import type { UserGate } from '../src/core/user-gate.js';
import { telegramSession } from '../src/core/session-id.js';
import type { TokenCounter } from '../src/core/token-counter.js';
import type { SessionRef } from '../src/core/types.js';
import { hardCapFor } from '../src/core/memory-port.js';
import { sessionKeys } from '../src/memory/redis-keys.js';
import { RedisMemoryStore } from '../src/memory/redis-memory-store.js';
import { FakeChatModel, FakeSummaryModel, type Texts } from './fake-models.js';
import { addressFromClientInfo } from './redis-monitor.js';
import {
  SYSTEM_PROMPT,
  TTL_SECONDS,
  type Side,
  type StoredMessageView,
  type TurnOutcome,
} from './side.js';

/** Our defaults (`MEMORY_WINDOW_TOKENS`, `SUMMARY_MAX_TOKENS`, `MAX_INPUT_CHARS`, LLM budget). */
export const OUR_SETTINGS: ConversationSettings = {
  systemPrompt: SYSTEM_PROMPT,
  windowTokens: 2000,
  summaryMaxTokens: 400,
  maxInputChars: 4000,
  model: { timeoutMs: 25_000, maxRetries: 2 },
};

/**
 * Our connection, with the options `src/app.ts` gives it. `autoPipelining` is an option
 * the benchmark measures (ioredis writes every command with its own socket write otherwise).
 */
export function ourRedis(url: string, autoPipelining = false): Redis {
  return new Redis(url, {
    connectTimeout: 5000,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
    enableAutoPipelining: autoPipelining,
  });
}

/** One turn of session number `session` through our service, whatever its store. */
export async function ourTurn(
  service: ConversationService,
  session: number,
  text: string,
): Promise<TurnOutcome> {
  try {
    const reply = await service.reply({ session: OursSide.session(session), text });
    return reply.remembered ? 'ok' : 'not-stored';
  } catch (error) {
    if (error instanceof SessionBusyError) return 'refused';
    throw error;
  }
}

/** `ConversationService` over `RedisMemoryStore` (ioredis), summaries on, as `src/app.ts` wires it. */
export class OursSide implements Side {
  readonly name = 'ours';
  readonly chatModel: FakeChatModel;
  readonly summaryModel: FakeSummaryModel;
  readonly service: ConversationService;
  readonly store: RedisMemoryStore;

  private constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    texts: Texts,
    tokens: TokenCounter,
    options: { settings?: Partial<ConversationSettings>; modelReportsUsage?: boolean },
  ) {
    this.chatModel = new FakeChatModel(texts, options.modelReportsUsage ?? true);
    this.summaryModel = new FakeSummaryModel(texts);
    const settings = { ...OUR_SETTINGS, ...options.settings };
    this.store = new RedisMemoryStore(redis, {
      keyPrefix,
      ttlSeconds: TTL_SECONDS,
      ...hardCapFor(settings.windowTokens),
    });
    this.service = new ConversationService({
      store: this.store,
      chatModel: this.chatModel,
      summaryModel: this.summaryModel,
      tokens,
      logger: pino({ level: 'silent' }),
      settings,
    });
  }

  /** `redis` is a connection of this side's own; `close()` quits it. */
  static async create(
    redis: Redis,
    keyPrefix: string,
    texts: Texts,
    tokens: TokenCounter,
    options: { settings?: Partial<ConversationSettings>; modelReportsUsage?: boolean } = {},
  ): Promise<OursSide> {
    const side = new OursSide(redis, keyPrefix, texts, tokens, options);
    await side.store.init();
    return side;
  }

  static session(n: number): SessionRef {
    return telegramSession({ chatId: n, userId: n });
  }

  turn(session: number, text: string): Promise<TurnOutcome> {
    return ourTurn(this.service, session, text);
  }

  idle(): Promise<void> {
    return this.service.idle();
  }

  keysOf(session: number): string[] {
    const keys = sessionKeys(this.keyPrefix, OursSide.session(session));
    return [keys.meta, keys.messages, keys.index, keys.userGeneration];
  }

  async stored(session: number): Promise<StoredMessageView[]> {
    const memory = await this.store.load(OursSide.session(session));
    return memory.entries.map((e) => ({
      type: e.message.type,
      text: String(e.message.data.content),
    }));
  }

  async clientAddress(): Promise<string> {
    return addressFromClientInfo(String(await this.redis.call('CLIENT', 'INFO')));
  }

  /**
   * Sessions with turns queued or running: the size of the KeyedQueue of the service's UserGate
   * (a private field).
   */
  queueSize(): number {
    return (this.service as unknown as { gate: UserGate }).gate.size;
  }

  /** Summaries scheduled or running (a private field). */
  summariesInFlight(): number {
    return this.service.summariesRunning;
  }

  async close(): Promise<void> {
    await this.service.close(5000);
    await this.store.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
