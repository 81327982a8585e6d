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
  type UsageCharge,
  type UsageTotals,
  assertSessionRef,
  assertTurnId,
  chatOf,
  type SessionRef,
} from '../core/memory-port.js';
import { ChatSettingsCache } from './chat-settings-cache.js';
import { assertKeyPrefix, personaKey, sessionKeys, usageKeys, userKeyBase } from './redis-keys.js';
import { encodeChanges, factsApplied } from './redis-facts.js';
import { parseLoadReply, usageParts } from './redis-replies.js';
import { defineScripts, loadScripts, type ScriptCommands } from './redis-scripts.js';
import { roleOf } from './stored-entry.js';

export interface RedisMemoryStoreOptions extends MemoryPolicy {
  /** Namespace of every key, so several bots or test runs can share one Redis. */
  readonly keyPrefix: string;
  /**
   * How long a chat's persona, once read, is served from this process. Default 30 s
   * (`CHAT_SETTINGS_MAX_AGE_MS`): a turn stays at two round trips, and a change made in another
   * process shows within that time (at once in the process that made it).
   */
  readonly chatSettingsMaxAgeMs?: number;
}

/**
 * The production store. The client is injected (standalone, Sentinel or Cluster) and owned by the
 * caller; `close()` does not quit it. Load is one round trip, each write one atomic script.
 */
export class RedisMemoryStore implements MemoryStore {
  private readonly commands: ScriptCommands;
  private readonly personas: ChatSettingsCache;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly options: RedisMemoryStoreOptions,
  ) {
    assertKeyPrefix(options.keyPrefix);
    this.commands = defineScripts(redis);
    this.personas = new ChatSettingsCache({ maxAgeMs: options.chatSettingsMaxAgeMs });
  }

  init(): Promise<void> {
    return loadScripts(this.redis);
  }

  async load(session: SessionRef, lease?: TurnLease): Promise<SessionMemory> {
    const keys = this.keysOf(session);
    const budget = lease?.budget;
    const usage = usageKeys(this.options.keyPrefix, session, budget?.day ?? '1970-01-01');
    // The chat's persona lives apart (another slot): cached, else read alongside the script.
    const [reply, persona] = await Promise.all([
      this.commands.chatmemLoad(
        keys.meta,
        keys.messages,
        keys.userGeneration,
        keys.lease,
        keys.rate,
        keys.facts,
        keys.prefs,
        keys.models,
        usage.day,
        lease?.owner ?? '',
        lease?.ttlMs ?? 0,
        lease?.rateWindowMs ?? 0,
        lease?.rateLimit ?? 0,
        factScope(session.id),
        budget && budget.tokens > 0 ? budget.tokens : 0,
        session.id,
      ),
      this.persona(session),
    ]);
    return parseLoadReply(reply, lease, persona);
  }

  async appendTurn(
    session: SessionRef,
    expect: Generations,
    messages: readonly NewMessage[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const keys = this.keysOf(session);
    assertTurnId(options.turnId);
    const usage = usageParts(this.options.keyPrefix, session, options.usage);
    const args: (string | number)[] = [
      keys.meta,
      keys.messages,
      keys.index,
      keys.userGeneration,
      keys.lease,
      keys.facts,
      keys.models,
      ...usage.keys,
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
      ...usage.args,
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
    const usage = usageParts(this.options.keyPrefix, session, fold.usage);
    const committed = await this.commands.chatmemCommitSummary(
      keys.meta,
      keys.messages,
      keys.userGeneration,
      ...usage.keys,
      fold.expect.session,
      fold.expect.user,
      fold.firstId,
      fold.count,
      fold.summary,
      fold.summaryTokens,
      ...usage.args,
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
      keys.models,
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
      keys.models,
      userKeyBase(this.options.keyPrefix, platform, userId),
      FORGET_MARK_SECONDS,
    );
    return Number(live);
  }

  async applyFacts(session: SessionRef, changes: FactChanges): Promise<FactsApplied> {
    const keys = this.keysOf(session);
    const usage = usageParts(this.options.keyPrefix, session, changes.usage);
    const reply = await this.commands.chatmemApplyFacts(
      keys.facts,
      keys.meta,
      keys.userGeneration,
      ...usage.keys,
      changes.expect ? 1 : 0,
      changes.expect?.session ?? 0,
      changes.expect?.user ?? 0,
      session.id,
      factScope(session.id),
      changes.at,
      this.options.ttlSeconds,
      this.options.maxFacts ?? DEFAULT_MAX_FACTS,
      encodeChanges(changes),
      ...usage.args,
    );
    return factsApplied(reply as number[]);
  }

  async setFactLearning(platform: string, userId: string, enabled: boolean): Promise<void> {
    const { prefs } = this.keysOf({ platform, userId, id: `${platform}:u${userId}` });
    if (enabled) await this.redis.hdel(prefs, 'facts');
    else await this.redis.hset(prefs, 'facts', 'off');
  }

  async setPersona(session: SessionRef, persona: string | undefined): Promise<void> {
    const key = personaKey(this.options.keyPrefix, this.checked(session));
    if (persona === undefined) await this.redis.del(key);
    else await this.redis.set(key, persona);
    this.personas.set(chatOf(session), persona);
  }

  async setModel(session: SessionRef, model: string | undefined): Promise<void> {
    const { models } = this.keysOf(session);
    await this.commands.chatmemSetModel(models, session.id, model ?? '', this.options.ttlSeconds);
  }

  async usage(platform: string, userId: string, day: string): Promise<UsageTotals> {
    const person = this.checked({ platform, userId, id: `${platform}:u${userId}` });
    const keys = usageKeys(this.options.keyPrefix, person, day);
    const [today, month] = await this.redis.mget(keys.day, keys.month);
    return { day: Number(today ?? 0), month: Number(month ?? 0) };
  }

  async addUsage(session: SessionRef, charge: UsageCharge): Promise<void> {
    const usage = usageParts(this.options.keyPrefix, this.checked(session), charge);
    await this.commands.chatmemAddUsage(...usage.keys, ...usage.args);
  }

  /** The chat's persona, from this process's cache while fresh. */
  private persona(session: SessionRef): Promise<string | undefined> {
    return this.personas.get(chatOf(session), async () => {
      const persona = await this.redis.get(personaKey(this.options.keyPrefix, session));
      return persona ?? undefined;
    });
  }

  private checked(session: SessionRef): SessionRef {
    assertSessionRef(session);
    return session;
  }

  async close(): Promise<void> {
    // The client belongs to whoever injected it.
  }

  private keysOf(session: SessionRef) {
    assertSessionRef(session);
    return sessionKeys(this.options.keyPrefix, session);
  }
}
