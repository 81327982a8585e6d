import type { Cluster, Redis } from 'ioredis';
import {
  DEFAULT_MAX_FACTS,
  FORGET_MARK_SECONDS,
  RECENT_TURN_IDS,
  factScope,
  type AppendOptions,
  type AppendResult,
  type FactChanges,
  type FactsApplied,
  type Generations,
  type MemoryPolicy,
  type MemoryStore,
  type NewMessage,
  type SessionMemory,
  type SummaryFold,
  type TurnLease,
  assertSessionRef,
  assertTurnId,
  type SessionRef,
} from '../core/memory-port.js';
import { assertKeyPrefix, sessionKeys, userKeyBase } from './redis-keys.js';
import { encodeChanges, factsApplied, parseFact } from './redis-facts.js';
import { defineScripts, loadScripts, type ScriptCommands } from './redis-scripts.js';
import { parseEntry, roleOf } from './stored-entry.js';

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
    this.commands = defineScripts(redis);
  }

  init(): Promise<void> {
    return loadScripts(this.redis);
  }

  async load(session: SessionRef, lease?: TurnLease): Promise<SessionMemory> {
    const keys = this.keysOf(session);
    const reply = await this.commands.chatmemLoad(
      keys.meta,
      keys.messages,
      keys.userGeneration,
      keys.lease,
      keys.rate,
      keys.facts,
      keys.prefs,
      lease?.owner ?? '',
      lease?.ttlMs ?? 0,
      lease?.rateWindowMs ?? 0,
      lease?.rateLimit ?? 0,
      factScope(session.id),
    );
    const [
      meta,
      messageList,
      userGeneration,
      leaseState,
      leaseWait,
      rate,
      rateWait,
      facts,
      learning,
    ] = reply as [
      (string | null)[],
      string[],
      string | null,
      number,
      number,
      number,
      number,
      string[],
      string | null,
    ];
    const [summary, summaryTokens, tokens, generation, dropped] = meta;
    return {
      summary: summary ?? '',
      summaryTokens: Number(summaryTokens ?? 0),
      entries: messageList.map(parseEntry),
      totalTokens: Number(tokens ?? 0),
      generations: { session: Number(generation ?? 0), user: Number(userGeneration ?? 0) },
      dropped: Number(dropped ?? 0),
      // -1: no lease asked for; 2: refused by the rate limit, no lease taken.
      lease:
        leaseState === 0 || leaseState === 1
          ? { held: leaseState === 1, retryAfterMs: Math.max(0, leaseWait) }
          : undefined,
      rate:
        lease?.rateWindowMs && leaseState >= 1
          ? { count: rate, resetInMs: Math.max(0, rateWait) }
          : undefined,
      facts: facts.map(parseFact),
      factLearning: learning !== 'off',
    };
  }

  async appendTurn(
    session: SessionRef,
    expect: Generations,
    messages: readonly NewMessage[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const keys = this.keysOf(session);
    assertTurnId(options.turnId);
    const args: (string | number)[] = [
      keys.meta,
      keys.messages,
      keys.index,
      keys.userGeneration,
      keys.lease,
      keys.facts,
      expect.session,
      expect.user,
      this.options.ttlSeconds,
      session.id,
      this.options.maxTokens,
      this.options.maxMessages,
      options.answeredAt ?? Date.now(),
      options.leaseOwner ?? '',
      options.turnId ?? '',
      RECENT_TURN_IDS,
    ];
    for (const { tokens, message } of messages) {
      args.push(tokens, roleOf(message), JSON.stringify(message));
    }
    const [written, totalTokens, messageCount, dropped] = (await this.commands.chatmemAppend(
      ...args,
    )) as number[];
    return {
      status: written === 0 ? 'stale' : 'written',
      ...(written === 2 ? { duplicate: true as const } : {}),
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
      keys.facts,
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
      keys.facts,
      userKeyBase(this.options.keyPrefix, platform, userId),
      FORGET_MARK_SECONDS,
    );
    return Number(live);
  }

  async applyFacts(session: SessionRef, changes: FactChanges): Promise<FactsApplied> {
    const keys = this.keysOf(session);
    const reply = await this.commands.chatmemApplyFacts(
      keys.facts,
      keys.meta,
      keys.userGeneration,
      changes.expect ? 1 : 0,
      changes.expect?.session ?? 0,
      changes.expect?.user ?? 0,
      session.id,
      factScope(session.id),
      changes.at,
      this.options.ttlSeconds,
      this.options.maxFacts ?? DEFAULT_MAX_FACTS,
      encodeChanges(changes),
    );
    return factsApplied(reply as number[]);
  }

  async setFactLearning(platform: string, userId: string, enabled: boolean): Promise<void> {
    const { prefs } = this.keysOf({ platform, userId, id: `${platform}:u${userId}` });
    if (enabled) await this.redis.hdel(prefs, 'facts');
    else await this.redis.hset(prefs, 'facts', 'off');
  }

  async close(): Promise<void> {
    // The client belongs to whoever injected it.
  }

  private keysOf(session: SessionRef) {
    assertSessionRef(session);
    return sessionKeys(this.options.keyPrefix, session);
  }
}
