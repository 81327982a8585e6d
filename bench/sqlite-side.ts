import { pino } from 'pino';
import { ConversationService, type ConversationSettings } from '../src/core/conversation.js';
import { hardCapFor, type MemoryStore } from '../src/core/memory-port.js';
import type { TokenCounter } from '../src/core/token-counter.js';
import { BufferedMemoryStore } from '../src/memory/buffered-memory-store.js';
import { SqliteMemoryStore } from '../src/memory/sqlite/sqlite-memory-store.js';
import { FakeChatModel, FakeSummaryModel, type Texts } from './fake-models.js';
import { OUR_SETTINGS, OursSide, ourTurn } from './ours.js';
import { TTL_SECONDS, type Side, type StoredMessageView, type TurnOutcome } from './side.js';

/**
 * `ConversationService` over `SqliteMemoryStore` in a file of its own (WAL, as `src/app.ts` opens
 * it), with the fake models of the other sides. `buffered`: inside the `BufferedMemoryStore`
 * `src/app.ts` wraps every store in; without it, wired like the Redis side of section 2.
 */
export class SqliteSide implements Side {
  readonly name = 'ours';
  readonly chatModel: FakeChatModel;
  readonly summaryModel: FakeSummaryModel;
  readonly service: ConversationService;

  private constructor(
    readonly store: SqliteMemoryStore,
    private readonly outer: MemoryStore,
    texts: Texts,
    tokens: TokenCounter,
    settings: ConversationSettings,
  ) {
    this.chatModel = new FakeChatModel(texts, true);
    this.summaryModel = new FakeSummaryModel(texts);
    this.service = new ConversationService({
      store: outer,
      chatModel: this.chatModel,
      summaryModel: this.summaryModel,
      tokens,
      logger: pino({ level: 'silent' }),
      settings,
    });
  }

  static async create(
    path: string,
    texts: Texts,
    tokens: TokenCounter,
    options: { buffered: boolean },
  ): Promise<SqliteSide> {
    const settings = OUR_SETTINGS;
    const store = new SqliteMemoryStore({
      path,
      ttlSeconds: TTL_SECONDS,
      ...hardCapFor(settings.windowTokens),
    });
    const outer = options.buffered ? new BufferedMemoryStore(store) : store;
    await outer.init();
    return new SqliteSide(store, outer, texts, tokens, settings);
  }

  turn(session: number, text: string): Promise<TurnOutcome> {
    return ourTurn(this.service, session, text);
  }

  idle(): Promise<void> {
    return this.service.idle();
  }

  /** None: this side keeps nothing in Redis. */
  keysOf(): string[] {
    return [];
  }

  async stored(session: number): Promise<StoredMessageView[]> {
    const memory = await this.outer.load(OursSide.session(session));
    return memory.entries.map((e) => ({
      type: e.message.type,
      text: String(e.message.data.content),
    }));
  }

  clientAddress(): Promise<string> {
    return Promise.reject(new Error('the SQLite side has no Redis connection'));
  }

  async close(): Promise<void> {
    await this.service.close(5000);
    await this.outer.close();
  }
}
