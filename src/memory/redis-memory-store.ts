import { readFileSync } from 'node:fs';
import type { StoredMessage } from '@langchain/core/messages';
import type { Cluster, Redis } from 'ioredis';
import { assertSessionRef } from '../core/session-id.js';
import type { SessionRef } from '../core/types.js';
import {
  FORGET_MARK_SECONDS,
  type AppendResult,
  type Generations,
  type MemoryPolicy,
  type MemoryStore,
  type NewMessage,
  type SessionMemory,
  type StoredEntry,
  type SummaryFold,
} from './memory-store.js';
import { assertKeyPrefix, sessionKeys, userKeyBase } from './redis-keys.js';

type Reply = string | number | null | Reply[];

/** The scripts, registered with `defineCommand`: ioredis sends EVALSHA, or EVAL once per connection. */
interface ScriptCommands {
  chatmemLoad(meta: string, messages: string, userGeneration: string): Promise<Reply>;
  chatmemAppend(...args: (string | number)[]): Promise<Reply>;
  chatmemCommitSummary(...args: (string | number)[]): Promise<Reply>;
  chatmemForgetSession(...args: (string | number)[]): Promise<Reply>;
  chatmemForgetUser(...args: (string | number)[]): Promise<Reply>;
}

const SCRIPTS = {
  chatmemLoad: { file: 'load.lua', keys: 3 },
  chatmemAppend: { file: 'append-turn.lua', keys: 4 },
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
    // Loading the scripts up front keeps the first turn at two round trips, like every other.
    await Promise.all(
      Object.values(SCRIPTS).map(({ file }) => this.redis.script('LOAD', readScript(file))),
    );
  }

  async load(session: SessionRef): Promise<SessionMemory> {
    const keys = this.keysOf(session);
    const reply = await this.commands.chatmemLoad(keys.meta, keys.messages, keys.userGeneration);
    const [metaList, messageList, userGeneration] = reply as [string[], string[], string | null];
    const meta = new Map<string, string>();
    for (let i = 0; i + 1 < metaList.length; i += 2) meta.set(metaList[i]!, metaList[i + 1]!);
    const entries = messageList.map(parseEntry);
    return {
      summary: meta.get('summary') ?? '',
      summaryTokens: Number(meta.get('summaryTokens') ?? 0),
      entries,
      totalTokens: Number(meta.get('tokens') ?? 0),
      generations: { session: Number(meta.get('gen') ?? 0), user: Number(userGeneration ?? 0) },
      dropped: Number(meta.get('dropped') ?? 0),
    };
  }

  async appendTurn(
    session: SessionRef,
    expect: Generations,
    messages: readonly NewMessage[],
  ): Promise<AppendResult> {
    const keys = this.keysOf(session);
    const args: (string | number)[] = [
      keys.meta,
      keys.messages,
      keys.index,
      keys.userGeneration,
      expect.session,
      expect.user,
      this.options.ttlSeconds,
      session.id,
      this.options.maxTokens,
      this.options.maxMessages,
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

function parseEntry(raw: string): StoredEntry {
  const parsed = JSON.parse(raw) as { id: number; t: number; m: StoredMessage };
  return { id: parsed.id, tokens: parsed.t, message: parsed.m };
}
