import type { Logger } from 'pino';
import { memoryCall } from './memory-call.js';
import type { MemoryStore } from './memory-port.js';
import { assertSessionRef } from './session-id.js';
import type { SessionRef } from './types.js';
import { msUntilNextDay, usageDay } from './usage.js';

/** The models people may pick, and the one they get unless they pick another. */
export interface ModelSettings {
  /** `LLM_MODEL`: answers and, unless `SUMMARY_MODEL` says otherwise, summaries and facts. */
  readonly default: string;
  /** `LLM_MODELS`, the operator's allowlist; the default is always in it. */
  readonly allowed: readonly string[];
}

export interface PreferenceSettings {
  /** Longest persona, in characters (`PERSONA_MAX_CHARS`). Default {@link DEFAULT_PERSONA_MAX_CHARS}. */
  readonly personaMaxChars?: number;
  /** Absent: one model, `/model` only shows it. */
  readonly models?: ModelSettings;
  /** Tokens a person may spend per day (`USER_DAILY_TOKEN_BUDGET`); 0 or absent: no budget. */
  readonly dailyTokenBudget?: number;
}

/**
 * Default `PERSONA_MAX_CHARS`: a few paragraphs, enough for a character and a tone; it rides in
 * every prompt of the chat, so it is bounded.
 */
export const DEFAULT_PERSONA_MAX_CHARS = 1000;

export type PersonaResult =
  | { readonly status: 'set'; readonly persona: string }
  | { readonly status: 'empty' }
  | { readonly status: 'too_long'; readonly length: number; readonly limit: number };

export type ModelChoice =
  | { readonly status: 'chosen'; readonly model: string }
  | { readonly status: 'unknown'; readonly allowed: readonly string[] };

/** A person's tokens (`/usage`) and their budget. */
export interface UsageReport {
  readonly today: number;
  readonly month: number;
  /** 0: no budget. */
  readonly dailyBudget: number;
  /** Until the day's count starts again (midnight UTC). */
  readonly resetsInMs: number;
}

/** Control, format and other invisible characters, but line breaks and tabs. */
const INVISIBLE = /(?![\n\t])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

/**
 * A persona as kept: invisible characters removed, line breaks normalised, at most two in a
 * row, trimmed. It is the chat's members' text: the prompt quotes it (never unquoted).
 */
export function cleanPersona(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * What a person can set about a chat and see about themselves: the chat's persona (`/persona`;
 * who may change it is the platform's to decide), their model here (`/model`) and their tokens
 * (`/usage`). Store calls only, so they work while the model is down; a store failure becomes
 * a `MemoryUnavailableError`.
 */
export class ChatPreferences {
  constructor(
    private readonly deps: {
      readonly store: MemoryStore;
      readonly log: Logger;
      readonly settings: PreferenceSettings;
      /** Clock (ms) of the usage day. Default `Date.now`. */
      readonly now?: () => number;
    },
  ) {}

  get personaMaxChars(): number {
    return this.deps.settings.personaMaxChars ?? DEFAULT_PERSONA_MAX_CHARS;
  }

  /** The models people may pick, the default first. */
  get models(): readonly string[] {
    const { models } = this.deps.settings;
    return models ? modelList(models) : [];
  }

  get dailyTokenBudget(): number {
    return this.deps.settings.dailyTokenBudget ?? 0;
  }

  /** The chat's persona, or undefined. */
  async persona(session: SessionRef): Promise<string | undefined> {
    assertSessionRef(session);
    return (await this.call(() => this.deps.store.load(session))).persona;
  }

  /** Sets the chat's persona, refused when empty or over `PERSONA_MAX_CHARS` (never cut). */
  async setPersona(session: SessionRef, text: string): Promise<PersonaResult> {
    assertSessionRef(session);
    const persona = cleanPersona(text);
    if (!persona) return { status: 'empty' };
    const length = Array.from(persona).length;
    if (length > this.personaMaxChars) {
      return { status: 'too_long', length, limit: this.personaMaxChars };
    }
    await this.call(() => this.deps.store.setPersona(session, persona));
    return { status: 'set', persona };
  }

  async resetPersona(session: SessionRef): Promise<void> {
    assertSessionRef(session);
    await this.call(() => this.deps.store.setPersona(session, undefined));
  }

  /** The model the person's turns here use: their pick while the operator still offers it. */
  async currentModel(session: SessionRef): Promise<string | undefined> {
    assertSessionRef(session);
    const memory = await this.call(() => this.deps.store.load(session));
    return this.modelFor(memory.model);
  }

  /** The model a stored pick comes to: itself when allowed, else the default. */
  modelFor(picked: string | undefined): string | undefined {
    const { models } = this.deps.settings;
    if (!models) return undefined;
    return picked !== undefined && this.models.includes(picked) ? picked : models.default;
  }

  /** Picks a model for the person's conversation here; a name outside the list is refused. */
  async chooseModel(session: SessionRef, name: string): Promise<ModelChoice> {
    assertSessionRef(session);
    const wanted = name.trim().toLowerCase();
    const model = this.models.find((m) => m.toLowerCase() === wanted);
    if (model === undefined) return { status: 'unknown', allowed: this.models };
    await this.call(() => this.deps.store.setModel(session, model));
    return { status: 'chosen', model };
  }

  /** The person's tokens today and this month on the session's platform. */
  async usage(session: SessionRef): Promise<UsageReport> {
    assertSessionRef(session);
    const now = (this.deps.now ?? Date.now)();
    const { platform, userId } = session;
    const totals = await this.call(() => this.deps.store.usage(platform, userId, usageDay(now)));
    return {
      today: totals.day,
      month: totals.month,
      dailyBudget: this.dailyTokenBudget,
      resetsInMs: msUntilNextDay(now),
    };
  }

  private call<T>(work: () => Promise<T>): Promise<T> {
    return memoryCall(this.deps.log, work);
  }
}

/** The allowlist with the default first and no name twice. */
export function modelList(models: ModelSettings): string[] {
  return [...new Set([models.default, ...models.allowed])];
}
