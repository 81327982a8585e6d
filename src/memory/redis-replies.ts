import {
  USAGE_DAY_SECONDS,
  USAGE_MONTH_SECONDS,
  type SessionMemory,
  type SessionRef,
  type TurnLease,
  type UsageCharge,
} from '../core/memory-port.js';
import { parseFact } from './redis-facts.js';
import { usageKeys } from './redis-keys.js';
import { parseEntry } from './stored-entry.js';

/** Script arguments and replies of `RedisMemoryStore` that take more than a line to shape. */

/** Keys and arguments of the usage counters a script adds to (nothing, without a charge). */
export function usageParts(prefix: string, session: SessionRef, charge: UsageCharge | undefined) {
  // Without a charge, any day's keys do: with 0 tokens the script does not touch them.
  const keys = usageKeys(prefix, session, charge?.day ?? '1970-01-01');
  const tokens = Math.max(0, Math.round(charge?.tokens ?? 0));
  return {
    keys: [keys.day, keys.month],
    args: [tokens, USAGE_DAY_SECONDS, USAGE_MONTH_SECONDS],
  };
}

type LoadReply = [
  (string | null)[],
  string[],
  string | null,
  number,
  number,
  number,
  number,
  string[],
  string | null,
  string | null,
  number,
];

/** The load script's reply (see load.lua) and the chat's persona as one `SessionMemory`. */
export function parseLoadReply(
  reply: unknown,
  lease: TurnLease | undefined,
  persona: string | undefined,
): SessionMemory {
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
    model,
    spent,
  ] = reply as LoadReply;
  const [summary, summaryTokens, tokens, generation, dropped] = meta;
  // -1: no lease asked for; 0: busy; 1: held; 2, 3: refused by the rate limit or the budget.
  const refused = leaseState === 0 || leaseState >= 2;
  return {
    summary: summary ?? '',
    summaryTokens: Number(summaryTokens ?? 0),
    entries: messageList.map(parseEntry),
    totalTokens: Number(tokens ?? 0),
    generations: { session: Number(generation ?? 0), user: Number(userGeneration ?? 0) },
    dropped: Number(dropped ?? 0),
    lease:
      leaseState === 0 || leaseState === 1
        ? { held: leaseState === 1, retryAfterMs: Math.max(0, leaseWait) }
        : undefined,
    rate:
      lease?.rateWindowMs && (leaseState === 1 || leaseState === 2)
        ? { count: rate, resetInMs: Math.max(0, rateWait) }
        : undefined,
    facts: facts.map(parseFact),
    factLearning: learning !== 'off',
    ...(model ? { model } : {}),
    ...(persona !== undefined && !refused ? { persona } : {}),
    ...(spent >= 0 ? { usageToday: spent } : {}),
  };
}
