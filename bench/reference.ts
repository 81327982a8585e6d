import { ChatPromptTemplate, MessagesPlaceholder } from '@langchain/core/prompts';
import { RunnableWithMessageHistory } from '@langchain/core/runnables';
import { RedisChatMessageHistory } from '@langchain/redis';
import { FakeChatModel, type Texts } from './fake-models.js';
import { addressFromClientInfo } from './redis-monitor.js';
import {
  SYSTEM_PROMPT,
  TTL_SECONDS,
  type Side,
  type StoredMessageView,
  type TurnOutcome,
} from './side.js';

type NodeRedisClient = RedisChatMessageHistory['client'];

/**
 * The recipe users would otherwise copy from LangChain's docs: `RunnableWithMessageHistory` over
 * `ChatPromptTemplate` [system, MessagesPlaceholder('history'), human], with
 * `RedisChatMessageHistory` (node-redis v4) and `sessionTTL`. To be fair it shares ONE connected
 * client across sessions, as ours shares one ioredis connection (passing a fresh `config` object
 * per session, as some examples do, would open a connection per session).
 */
export class ReferenceSide implements Side {
  readonly name = 'reference';
  readonly chatModel: FakeChatModel;
  private readonly chain: RunnableWithMessageHistory<{ question: string }, unknown>;

  private constructor(
    private readonly client: NodeRedisClient,
    private readonly keyPrefix: string,
    texts: Texts,
  ) {
    this.chatModel = new FakeChatModel(texts);
    const prompt = ChatPromptTemplate.fromMessages([
      ['system', SYSTEM_PROMPT],
      new MessagesPlaceholder('history'),
      ['human', '{question}'],
    ]);
    this.chain = new RunnableWithMessageHistory({
      runnable: prompt.pipe(this.chatModel),
      getMessageHistory: (sessionId: string) =>
        new RedisChatMessageHistory({ sessionId, sessionTTL: TTL_SECONDS, client: this.client }),
      inputMessagesKey: 'question',
      historyMessagesKey: 'history',
    });
  }

  /** Opens one node-redis client (through the package's own pool) for all sessions. */
  static async create(url: string, keyPrefix: string, texts: Texts): Promise<ReferenceSide> {
    const client = new RedisChatMessageHistory({ sessionId: 'unused', config: { url } }).client;
    await client.connect();
    return new ReferenceSide(client, keyPrefix, texts);
  }

  /** The history's Redis key: RedisChatMessageHistory has no key prefix, the session ID is the key. */
  sessionId(session: number): string {
    return `${this.keyPrefix}:telegram:c${session}:u${session}`;
  }

  async turn(session: number, text: string): Promise<TurnOutcome> {
    await this.chain.invoke(
      { question: text },
      { configurable: { sessionId: this.sessionId(session) } },
    );
    return 'ok';
  }

  async idle(): Promise<void> {}

  keysOf(session: number): string[] {
    return [this.sessionId(session)];
  }

  async stored(session: number): Promise<StoredMessageView[]> {
    const history = new RedisChatMessageHistory({
      sessionId: this.sessionId(session),
      client: this.client,
    });
    return (await history.getMessages()).map((m) => ({ type: m.type, text: m.text }));
  }

  async clientAddress(): Promise<string> {
    return addressFromClientInfo(String(await this.client.sendCommand(['CLIENT', 'INFO'])));
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
