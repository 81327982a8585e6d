import { assertUsageDay, chatOf, usageMonth, type SessionRef } from '../core/memory-port.js';

/**
 * Key layout. Every key of a user shares the hash tag `{<platform>:<user>}`, so one session's keys
 * and the user's index of sessions live in one Redis Cluster slot and a single script can change
 * them atomically.
 *
 *   <prefix>:{<platform>:<user>}:s:<session>:meta   hash: summary, summaryTokens, tokens, gen,
 *                                                   seq, dropped, forgottenAt, turnIds
 *   <prefix>:{<platform>:<user>}:s:<session>:msgs   list: {"id","t","r","m"} JSON per message
 *                                                   (entries of older releases lack "r")
 *   <prefix>:{<platform>:<user>}:sessions           sorted set: session IDs by expiry time
 *   <prefix>:{<platform>:<user>}:gen                hash: user generation and when, by forgetting all
 *   <prefix>:{<platform>:<user>}:lease              the user's turn in flight (owner token, short TTL)
 *   <prefix>:{<platform>:<user>}:rate               the user's turns in the rate window
 *   <prefix>:{<platform>:<user>}:facts              hash: fact ID → {"id","text","t","s","p","a","c"}
 *                                                   (tokens, session, privacy scope, learned, confirmed)
 *   <prefix>:{<platform>:<user>}:prefs              hash: facts = off when the person stopped learning
 *                                                   (no expiry: their choice outlives their memory)
 *   <prefix>:{<platform>:<user>}:models             hash: session ID → the model picked there
 *                                                   (the facts' sliding TTL)
 *   <prefix>:{<platform>:<user>}:usage:<YYYY-MM-DD> the person's tokens that day (kept 2 days)
 *   <prefix>:{<platform>:<user>}:usage:<YYYY-MM>    the person's tokens that month (kept 32 days)
 *
 * A chat's settings are shared by its people, so they live under the chat's own hash tag (read
 * apart from the turn's script, and cached in the process):
 *
 *   <prefix>:{chat:<chat>}:persona                  string: the chat's persona (no expiry)
 */
export interface SessionKeys {
  readonly meta: string;
  readonly messages: string;
  readonly index: string;
  readonly userGeneration: string;
  /** The user's turn lease: the owner token of the turn in flight, with a short expiry. */
  readonly lease: string;
  /** The user's turn counter for the rate limit, expiring with its window. */
  readonly rate: string;
  /** The person's facts, with the sliding TTL of their sessions. */
  readonly facts: string;
  /** The person's choices (fact learning off). */
  readonly prefs: string;
  /** The person's model choices, by session. */
  readonly models: string;
}

const PREFIX = /^[A-Za-z0-9_.:-]{1,64}$/;

export function assertKeyPrefix(prefix: string): void {
  if (!PREFIX.test(prefix)) {
    throw new Error(
      `invalid key prefix ${JSON.stringify(prefix)}: use 1-64 letters, digits, '_', '.', ':' or '-'`,
    );
  }
}

export function userKeyBase(prefix: string, platform: string, userId: string): string {
  return `${prefix}:{${platform}:${userId}}`;
}

export function sessionKeys(prefix: string, session: SessionRef): SessionKeys {
  const base = userKeyBase(prefix, session.platform, session.userId);
  return {
    meta: `${base}:s:${session.id}:meta`,
    messages: `${base}:s:${session.id}:msgs`,
    index: `${base}:sessions`,
    userGeneration: `${base}:gen`,
    lease: `${base}:lease`,
    rate: `${base}:rate`,
    facts: `${base}:facts`,
    prefs: `${base}:prefs`,
    models: `${base}:models`,
  };
}

/** The person's usage counters of `day` and of its month. */
export function usageKeys(
  prefix: string,
  person: Pick<SessionRef, 'platform' | 'userId'>,
  day: string,
): { readonly day: string; readonly month: string } {
  assertUsageDay(day);
  const base = userKeyBase(prefix, person.platform, person.userId);
  return { day: `${base}:usage:${day}`, month: `${base}:usage:${usageMonth(day)}` };
}

/** The persona of the session's chat. */
export function personaKey(prefix: string, session: SessionRef): string {
  return `${prefix}:{chat:${chatOf(session)}}:persona`;
}
