import type { TokenUsage } from './types.js';

/**
 * Model tokens per person: every call made for them (their answers, the summaries of their
 * conversations, fact extraction) is counted on the day (UTC) it ran and in its month, from the
 * endpoint's usage figures. `USER_DAILY_TOKEN_BUDGET` caps a day's; `/usage` shows both.
 *
 * The core names the day (`2025-01-31`, from its clock), so stores need no clock of their own
 * for it and a test can move the day by moving the core's clock.
 */

/** Tokens to add to a person's counters. */
export interface UsageCharge {
  /** The UTC day the call ran, `YYYY-MM-DD`; its month is the first 7 characters. */
  readonly day: string;
  /** Prompt and answer tokens together; 0 adds nothing. */
  readonly tokens: number;
}

/** A person's tokens on one day and in its month. */
export interface UsageTotals {
  readonly day: number;
  readonly month: number;
}

/**
 * How long a day's counter is kept after its last write: past the day itself, nothing reads it,
 * and a budget only ever asks for today's. Two days leave room for clocks a little apart.
 */
export const USAGE_DAY_SECONDS = 2 * 86_400;

/** How long a month's counter is kept after its last write: a whole month and a day. */
export const USAGE_MONTH_SECONDS = 32 * 86_400;

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Stores check every day they are given with this before it becomes part of a key. */
export function assertUsageDay(day: string): void {
  if (!DAY.test(day)) {
    throw new RangeError(`invalid usage day ${JSON.stringify(day.slice(0, 20))}: use YYYY-MM-DD`);
  }
}

/** The UTC day of a time (ms), as counters are keyed. */
export function usageDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The month of a day: `2025-01` of `2025-01-31`. */
export function usageMonth(day: string): string {
  return day.slice(0, 7);
}

/** Milliseconds from `ms` to the next midnight UTC, when a day's budget starts again. */
export function msUntilNextDay(ms: number): number {
  const next = new Date(ms);
  next.setUTCHours(24, 0, 0, 0);
  return next.getTime() - ms;
}

/** Tokens of one model call: what was sent and what came back. */
export function tokensOf(usage: TokenUsage): number {
  return Math.max(0, Math.round(usage.inputTokens + usage.outputTokens));
}
