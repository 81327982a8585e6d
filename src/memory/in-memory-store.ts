import {
  FORGET_MARK_SECONDS,
  emptyMemory,
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
  assertUsageDay,
  type SessionRef,
} from '../core/memory-port.js';
import {
  appendMessages,
  memoryOf,
  newSession,
  stale,
  written,
  type SessionState,
} from './in-memory-session.js';
import { InMemoryFacts, NOTHING_APPLIED } from './in-memory-facts.js';
import { takeLease, type LeaseTaken, type UserState } from './in-memory-lease.js';
import { InMemorySettings } from './in-memory-settings.js';

export interface InMemoryStoreOptions extends MemoryPolicy {
  /** Clock in milliseconds; tests inject one to move time. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * How often expired sessions are swept, besides being dropped when touched. Default 60 s: the
   * store must not grow without bound even if nobody comes back.
   */
  readonly sweepIntervalMs?: number;
}

/**
 * The embedded store used when no `REDIS_URL` is set: the same semantics as `RedisMemoryStore`
 * (sliding TTL, hard cap, generations, user index), kept in this process and lost on restart.
 * Every method completes its change synchronously, which makes each one atomic, as a script is.
 */
export class InMemoryMemoryStore implements MemoryStore {
  private readonly sessions = new Map<string, SessionState>();
  private readonly users = new Map<string, UserState>();
  private readonly facts: InMemoryFacts;
  private readonly settings: InMemorySettings;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: InMemoryStoreOptions) {
    this.now = options.now ?? Date.now;
    this.facts = new InMemoryFacts(this.now, options);
    this.settings = new InMemorySettings(this.now, options);
    this.sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    this.sweeper.unref();
  }

  async init(): Promise<void> {}

  async load(session: SessionRef, lease?: TurnLease): Promise<SessionMemory> {
    assertSessionRef(session);
    const generations = this.generationsOf(session);
    const turn = lease ? this.takeLease(session, lease) : {};
    const state = this.liveSession(session.id);
    // A refused turn (busy, over the budget or the rate limit: no lease then) reads nothing.
    const refused = lease && turn.lease?.held !== true;
    const factLearning = this.facts.learning(session);
    const model = this.settings.model(session);
    const chosen = model === undefined ? {} : { model };
    if (refused) return { ...emptyMemory(generations), factLearning, ...chosen, ...turn };
    const facts = this.facts.visible(session);
    const memory = state ? memoryOf(state, generations) : emptyMemory(generations);
    const persona = this.settings.persona(session);
    return {
      ...memory,
      facts,
      factLearning,
      ...chosen,
      ...(persona === undefined ? {} : { persona }),
      ...turn,
    };
  }

  private takeLease(session: SessionRef, lease: TurnLease): LeaseTaken {
    const user = this.liveUser(session) ?? this.newUser(session);
    const spent = lease.budget ? this.settings.today(session, lease.budget.day) : undefined;
    return takeLease(user, lease, this.now(), spent);
  }

  async releaseLease(session: SessionRef, owner: string): Promise<void> {
    assertSessionRef(session);
    const user = this.liveUser(session);
    if (user?.lease?.owner === owner) user.lease = undefined;
  }

  async appendTurn(
    session: SessionRef,
    expect: Generations,
    messages: readonly NewMessage[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    assertSessionRef(session);
    assertTurnId(options.turnId);
    const user = this.liveUser(session);
    if (options.leaseOwner) await this.releaseLease(session, options.leaseOwner);
    const existing = this.liveSession(session.id);
    if (options.turnId && existing?.turnIds.includes(options.turnId)) {
      return { ...written(existing, 0), duplicate: true };
    }
    this.settings.add(session, options.usage);
    if (expect.session >= 0) {
      if (existing && existing.generation !== expect.session) return stale();
      if (user && user.generationExpiresAt > this.now() && user.generation !== expect.user) {
        return stale();
      }
    } else {
      // Answered without memory (its generations unknown): a forget after it wins, by time.
      const answeredAt = options.answeredAt ?? this.now();
      if ((existing?.forgottenAt ?? 0) > answeredAt || (user?.forgottenAt ?? 0) > answeredAt) {
        return stale();
      }
    }
    const state = existing ?? newSession(Math.max(expect.session, 0));
    const dropped = appendMessages(state, messages, options.turnId, this.options);

    const now = this.now();
    const ttlMs = this.options.ttlSeconds * 1000;
    state.expiresAt = ttlMs > 0 ? now + ttlMs : Infinity;
    this.sessions.set(session.id, state);
    const index = user ?? this.newUser(session);
    for (const [id, expiresAt] of index.sessions) if (expiresAt <= now) index.sessions.delete(id);
    index.sessions.set(session.id, state.expiresAt);
    this.facts.touch(session);
    this.settings.touch(session);
    return written(state, dropped);
  }

  async commitSummary(session: SessionRef, fold: SummaryFold): Promise<boolean> {
    assertSessionRef(session);
    this.settings.add(session, fold.usage);
    const state = this.liveSession(session.id);
    if (!state || state.generation !== fold.expect.session) return false;
    const user = this.liveUser(session);
    if (user && user.generationExpiresAt > this.now() && user.generation !== fold.expect.user) {
      return false;
    }
    const head = state.entries.slice(0, fold.count);
    if (head.length !== fold.count || head.some((e, i) => e.id !== fold.firstId + i)) return false;
    state.entries.splice(0, fold.count);
    state.tokens -= head.reduce((sum, e) => sum + e.tokens, 0);
    state.summary = fold.summary;
    state.summaryTokens = fold.summaryTokens;
    return true;
  }

  async forget(session: SessionRef): Promise<void> {
    assertSessionRef(session);
    const previous = this.liveSession(session.id);
    // The mark: an empty session with the next generation, living long enough to outlast replies
    // in flight, exactly as the Redis store leaves a hash holding only `gen`.
    const mark = newSession(
      (previous?.generation ?? 0) + 1,
      this.now() + FORGET_MARK_SECONDS * 1000,
    );
    mark.forgottenAt = this.now();
    this.sessions.set(session.id, mark);
    this.liveUser(session)?.sessions.delete(session.id);
    this.facts.forgetSession(session);
    this.settings.forgetSession(session);
  }

  async forgetUser(platform: string, userId: string): Promise<number> {
    const probe = { platform, userId, id: `${platform}:u${userId}` };
    assertSessionRef(probe);
    const user = this.liveUser(probe) ?? this.newUser(probe);
    const now = this.now();
    let live = 0;
    for (const [id, expiresAt] of user.sessions) {
      if (expiresAt > now) live += 1;
      this.sessions.delete(id);
    }
    user.sessions.clear();
    user.generation += 1;
    user.generationExpiresAt = now + FORGET_MARK_SECONDS * 1000;
    user.forgottenAt = now;
    this.facts.forgetUser(probe);
    this.settings.forgetUser(probe);
    return live;
  }

  async applyFacts(session: SessionRef, changes: FactChanges): Promise<FactsApplied> {
    assertSessionRef(session);
    this.settings.add(session, changes.usage);
    if (changes.expect) {
      // As a turn's write: a forget since the extraction loaded the session wins.
      const state = this.liveSession(session.id);
      const user = this.liveUser(session);
      const userForgot =
        user && user.generationExpiresAt > this.now() && user.generation !== changes.expect.user;
      if ((state && state.generation !== changes.expect.session) || userForgot) {
        return { status: 'stale', ...NOTHING_APPLIED };
      }
    }
    return this.facts.apply(session, changes);
  }

  async setFactLearning(platform: string, userId: string, enabled: boolean): Promise<void> {
    assertSessionRef({ platform, userId, id: `${platform}:u${userId}` });
    this.facts.setLearning({ platform, userId }, enabled);
  }

  async setPersona(session: SessionRef, persona: string | undefined): Promise<void> {
    assertSessionRef(session);
    this.settings.setPersona(session, persona);
  }

  async setModel(session: SessionRef, model: string | undefined): Promise<void> {
    assertSessionRef(session);
    this.settings.setModel(session, model);
  }

  async usage(platform: string, userId: string, day: string): Promise<UsageTotals> {
    assertSessionRef({ platform, userId, id: `${platform}:u${userId}` });
    assertUsageDay(day);
    return this.settings.usage({ platform, userId }, day);
  }

  async addUsage(session: SessionRef, charge: UsageCharge): Promise<void> {
    assertSessionRef(session);
    this.settings.add(session, charge);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  /** Number of sessions held, marks included; for tests. */
  get size(): number {
    return this.sessions.size;
  }

  /** Drops everything expired. Runs on a timer; public so tests need not wait for it. */
  sweep(): void {
    const now = this.now();
    this.facts.sweep();
    this.settings.sweep();
    for (const [id, state] of this.sessions) if (state.expiresAt <= now) this.sessions.delete(id);
    for (const [key, user] of this.users) {
      for (const [id, expiresAt] of user.sessions) if (expiresAt <= now) user.sessions.delete(id);
      const idle =
        user.sessions.size === 0 &&
        user.generationExpiresAt <= now &&
        (user.lease?.expiresAt ?? 0) <= now &&
        (user.rate?.resetAt ?? 0) <= now;
      if (idle) this.users.delete(key);
    }
  }

  private generationsOf(session: SessionRef): Generations {
    const user = this.liveUser(session);
    const userGeneration = user && user.generationExpiresAt > this.now() ? user.generation : 0;
    return { session: this.liveSession(session.id)?.generation ?? 0, user: userGeneration };
  }

  private liveSession(id: string): SessionState | undefined {
    const state = this.sessions.get(id);
    if (state && state.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return state;
  }

  private liveUser(session: Pick<SessionRef, 'platform' | 'userId'>): UserState | undefined {
    return this.users.get(`${session.platform}:${session.userId}`);
  }

  private newUser(session: Pick<SessionRef, 'platform' | 'userId'>): UserState {
    const user: UserState = {
      sessions: new Map(),
      generation: 0,
      generationExpiresAt: 0,
      forgottenAt: 0,
    };
    this.users.set(`${session.platform}:${session.userId}`, user);
    return user;
  }
}
