import { readFileSync } from 'node:fs';
import type { StoredMessage } from '@langchain/core/messages';
import type { Cluster, Redis } from 'ioredis';
import {
  FORGET_MARK_SECONDS,
  type AppendOptions,
  type AppendResult,
  type Generations,
  type MemoryPolicy,
  type MemoryStore,
  type NewMessage,
  type SessionMemory,
  type StoredEntry,
  type SummaryFold,
  type TurnLease,
  assertSessionRef,
  type SessionRef,
} from '../core/memory-port.js';
import { assertKeyPrefix, sessionKeys, userKeyBase } from './redis-keys.js';

type Reply = string | number | null | Reply[];

/** The scripts, registered with `defineCommand`: ioredis sends EVALSHA, or EVAL once per connection. */
interface ScriptCommands {
  chatmemLoad(...args: (string | number)[]): Promise<Reply>;
  chatmemReleaseLease(lease: string, owner: string): Promise<Reply>;
  chatmemAppend(...args: (string | number)[]): Promise<Reply>;
  chatmemCommitSummary(...args: (string | number)[]): Promise<Reply>;
  chatmemForgetSession(...args: (string | number)[]): Promise<Reply>;
  chatmemForgetUser(...args: (string | number)[]): Promise<Reply>;
}

const SCRIPTS = {
  chatmemLoad: { file: 'load.lua', keys: 5 },
  chatmemReleaseLease: { file: 'release-lease.lua', keys: 1 },
  chatmemAppend: { file: 'append-turn.lua', keys: 5 },
  chatmemCommitSummary: { file: 'commit-summary.lua', keys: 3 },
  chatmemForgetSession: { file: 'forget-session.lua', keys: 3 },
  chatmemForgetUser: { file: 'forget-user.lua', keys: 2 },
} as const;

function readScript(file: string): string {
  return readFileSync(new URL(`./scripts/${file}`, import.meta.url), 'utf8');
}

export interface RedisMemoryStoreOptions extends MemoryPolicy {
  /** Namespace of every key, so several bots or test runs can share one Redis. */
  readonly keyPrefix: string;
}

/**
 * The production store. The client is injected (standalone, Sentinel or Cluster) and owned by the
 * caller; `close()` does not quit it. Load is one round trip, each write one atomic script.
 */
export class RedisMemoryStore implements MemoryStore {
  private readonly commands: ScriptCommands;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly options: RedisMemoryStoreOptions,
  ) {
    assertKeyPrefix(options.keyPrefix);
    for (const [name, { file, keys }] of Object.entries(SCRIPTS)) {
      if (!(name in redis))
        redis.defineCommand(name, { numberOfKeys: keys, lua: readScript(file) });
    }
    this.commands = redis as unknown as ScriptCommands;
  }

  async init(): Promise<void> {
    const sources = Object.values(SCRIPTS).map(({ file }) => readScript(file));
    if (!isCluster(this.redis)) {
      // Loading the scripts up front keeps the first turn at two round trips, like every other.
      await Promise.all(sources.map((lua) => this.redis.script('LOAD', lua)));
      return;
    }
    // Scripts are cached per node, and a cluster client sends SCRIPT LOAD to one node only, so
    // load them on every master once the cluster is ready (its client queues nothing before).
    // A master added or promoted later gets a script by EVAL on first use, still one round trip.
    const cluster = this.redis;
    await clusterReady(cluster);
    await Promise.all(
      cluster.nodes('master').flatMap((node) => sources.map((lua) => node.script('LOAD', lua))),
    );
  }

  async load(session: SessionRef, lease?: TurnLease): Promise<SessionMemory> {
    const keys = this.keysOf(session);
    const reply = await this.commands.chatmemLoad(
      keys.meta,
      keys.messages,
      keys.userGeneration,
      keys.lease,
      keys.rate,
      lease?.owner ?? '',
      lease?.ttlMs ?? 0,
      lease?.rateWindowMs ?? 0,
    );
    const [metaList, messageList, userGeneration, leaseState, leaseWait, rate, rateWait] =
      reply as [string[], string[], string | null, number, number, number, number];
    const meta = new Map<string, string>();
    for (let i = 0; i + 1 < metaList.length; i += 2) meta.set(metaList[i]!, metaList[i + 1]!);
    return {
      summary: meta.get('summary') ?? '',
      summaryTokens: Number(meta.get('summaryTokens') ?? 0),
      entries: messageList.map(parseEntry),
      totalTokens: Number(meta.get('tokens') ?? 0),
      generations: { session: Number(meta.get('gen') ?? 0), user: Number(userGeneration ?? 0) },
      dropped: Number(meta.get('dropped') ?? 0),
      lease:
        leaseState < 0
          ? undefined
          : { held: leaseState === 1, retryAfterMs: Math.max(0, leaseWait) },
      rate:
        lease?.rateWindowMs && leaseState === 1
          ? { count: rate, resetInMs: Math.max(0, rateWait) }
          : undefined,
    };
  }

  async appendTurn(
    session: SessionRef,
    expect: Generations,
    messages: readonly NewMessage[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const keys = this.keysOf(session);
    const args: (string | number)[] = [
      keys.meta,
      keys.messages,
      keys.index,
      keys.userGeneration,
      keys.lease,
      expect.session,
      expect.user,
      this.options.ttlSeconds,
      session.id,
      this.options.maxTokens,
      this.options.maxMessages,
      options.answeredAt ?? Date.now(),
      options.leaseOwner ?? '',
    ];
    for (const { tokens, message } of messages) args.push(tokens, JSON.stringify(message));
    const [written, totalTokens, messageCount, dropped] = (await this.commands.chatmemAppend(
      ...args,
    )) as number[];
    return {
      status: written === 1 ? 'written' : 'stale',
      totalTokens: totalTokens ?? 0,
      messageCount: messageCount ?? 0,
      dropped: dropped ?? 0,
    };
  }

  async releaseLease(session: SessionRef, owner: string): Promise<void> {
    await this.commands.chatmemReleaseLease(this.keysOf(session).lease, owner);
  }

  async commitSummary(session: SessionRef, fold: SummaryFold): Promise<boolean> {
    const keys = this.keysOf(session);
    const committed = await this.commands.chatmemCommitSummary(
      keys.meta,
      keys.messages,
      keys.userGeneration,
      fold.expect.session,
      fold.expect.user,
      fold.firstId,
      fold.count,
      fold.summary,
      fold.summaryTokens,
    );
    return committed === 1;
  }

  async forget(session: SessionRef): Promise<void> {
    const keys = this.keysOf(session);
    await this.commands.chatmemForgetSession(
      keys.meta,
      keys.messages,
      keys.index,
      session.id,
      FORGET_MARK_SECONDS,
    );
  }

  async forgetUser(platform: string, userId: string): Promise<number> {
    // Any session of the user gives the user-level keys; the ID itself is not used.
    const keys = this.keysOf({ platform, userId, id: `${platform}:u${userId}` });
    const live = await this.commands.chatmemForgetUser(
      keys.index,
      keys.userGeneration,
      userKeyBase(this.options.keyPrefix, platform, userId),
      FORGET_MARK_SECONDS,
    );
    return Number(live);
  }

  async close(): Promise<void> {
    // The client belongs to whoever injected it.
  }

  private keysOf(session: SessionRef) {
    assertSessionRef(session);
    return sessionKeys(this.options.keyPrefix, session);
  }
}

function isCluster(redis: Redis | Cluster): redis is Cluster {
  return redis.isCluster;
}

/**
 * How long `init()` waits for a Redis Cluster to become ready: several of the client's 5 s
 * connection attempts, then start-up fails with the last error instead of waiting forever.
 */
const CLUSTER_READY_TIMEOUT_MS = 15_000;

function clusterReady(cluster: Cluster): Promise<void> {
  if (cluster.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (err: Error) => (lastError = err);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      cluster.off('ready', onReady);
      cluster.off('end', onEnd);
      cluster.off('error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => finish();
    const onEnd = () =>
      finish(new Error('the Redis Cluster client was closed before it was ready'));
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `Redis Cluster not ready after ${CLUSTER_READY_TIMEOUT_MS / 1000} s ` +
              `(status ${cluster.status}${lastError ? `, last error: ${lastError.message}` : ''}); ` +
              'check that the cluster nodes are reachable and report cluster_state:ok',
          ),
        ),
      CLUSTER_READY_TIMEOUT_MS,
    );
    cluster.on('ready', onReady);
    cluster.on('end', onEnd);
    cluster.on('error', onError);
    if (cluster.status === 'end') onEnd();
    // A lazily connecting client (`lazyConnect: true`) starts here; errors arrive as events.
    else if (cluster.status === 'wait') cluster.connect().catch(() => {});
  });
}

function parseEntry(raw: string): StoredEntry {
  const parsed = JSON.parse(raw) as { id: number; t: number; m: StoredMessage };
  return { id: parsed.id, tokens: parsed.t, message: parsed.m };
}
