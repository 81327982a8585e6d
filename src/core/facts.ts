import { randomBytes } from 'node:crypto';
import type { Generations } from './memory-port.js';
import type { SessionRef } from './types.js';
import type { UsageCharge } from './usage.js';

/**
 * Long-term facts about a person (their name, preferences, projects, dates), kept per person per
 * platform next to their sessions, outliving the lossy running summary. Each is learned in one
 * session; the privacy rule below decides where it may be used.
 */
export interface Fact {
  /** Short random token ({@link assertFactId}), unique within the person's facts. */
  readonly id: string;
  readonly text: string;
  /** Token count of `text`, counted once when it was written. */
  readonly tokens: number;
  /** The session it was learned in (or last updated in): its scope decides where it is used. */
  readonly sessionId: string;
  /** When it was learned or last updated (ms). */
  readonly learnedAt: number;
  /** When it was last learned, updated or confirmed (ms); the least recent is evicted first. */
  readonly confirmedAt: number;
}

/** A fact to add, or the new text of an existing one. */
export interface NewFact {
  readonly id: string;
  readonly text: string;
  readonly tokens: number;
}

/** Changes to a person's facts, applied atomically in the session they were decided in. */
export interface FactChanges {
  /**
   * Refused (nothing changes) when the session or the user was forgotten since these generations
   * were loaded: an extraction that ran while the person said /forget must not bring facts back.
   * Absent: no check (a command of the person, answered at once).
   */
  readonly expect?: Generations;
  /** When the changes were decided (ms): the learned and confirmed time they set. */
  readonly at: number;
  /** New facts, learned in this session. */
  readonly add?: readonly NewFact[];
  /** New texts of existing facts visible here; they count as learned in this session now. */
  readonly update?: readonly NewFact[];
  /** IDs of facts visible here to delete. */
  readonly remove?: readonly string[];
  /** IDs of facts visible here that were found true again. */
  readonly confirm?: readonly string[];
  /**
   * The extraction call's tokens, added to the person's counters even when the changes are
   * stale (they were spent).
   */
  readonly usage?: UsageCharge;
}

export interface FactsApplied {
  /** `stale`: the session or user was forgotten since `expect` was loaded; nothing changed. */
  readonly status: 'applied' | 'stale';
  readonly added: number;
  /** Updated and confirmed facts that existed and were visible here. */
  readonly updated: number;
  readonly removed: number;
  /** Least recently confirmed facts removed to keep the stored cap. */
  readonly evicted: number;
}

/**
 * Facts a person may have stored per platform (`FACTS_MAX_STORED`). 50 short sentences are
 * about 750 tokens: they load with every turn, so the cap keeps that read small.
 */
export const DEFAULT_MAX_FACTS = 50;

/** Longest fact kept, in characters: a fact is a sentence, not a document. */
export const MAX_FACT_CHARS = 200;

const FACT_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Stores check every fact ID with this before using it in a key or a script. */
export function assertFactId(id: string): void {
  if (!FACT_ID.test(id)) {
    throw new RangeError(`invalid fact ID ${JSON.stringify(id.slice(0, 40))}`);
  }
}

/** A new fact ID: 10 random base-36 characters, short enough for a button's callback data. */
export function newFactId(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => (b % 36).toString(36)).join('');
}

/**
 * The privacy scope of a session: '' for a private chat with the person (a Telegram chat whose ID
 * is the user's, a Discord DM, the terminal), else the group or server it belongs to
 * (`telegram:c<chat>`, `discord:g<guild>`). An ID of another shape is its own scope.
 *
 * The rule, applied by every store where facts are loaded: a fact learned in a private chat is
 * used only in the person's private chats; one learned in a group, server channel or thread only
 * in that group or server and in the person's private chats. Facts are stored per platform, so
 * they never cross platforms.
 */
export function factScope(sessionId: string): string {
  const telegram = /^telegram:c(-?\d+)(?::t\d+)?:u(\d+)$/.exec(sessionId);
  if (telegram) return telegram[1] === telegram[2] ? '' : `telegram:c${telegram[1]}`;
  if (/^discord:dm:u\d+$/.test(sessionId)) return '';
  const guild = /^discord:g(\d+):c\d+:u\d+$/.exec(sessionId);
  if (guild) return `discord:g${guild[1]}`;
  if (/^console:u[A-Za-z0-9_.-]+$/.test(sessionId)) return '';
  return sessionId;
}

/** Whether a fact learned in `learnedIn` may be used in `session` (same person and platform). */
export function factVisibleIn(learnedIn: string, session: Pick<SessionRef, 'id'>): boolean {
  const here = factScope(session.id);
  return here === '' || factScope(learnedIn) === here;
}
