import { BudgetExceededError } from '../../core/budget-error.js';
import {
  AttachmentRejectedError,
  InputRejectedError,
  RateLimitedError,
  SessionBusyError,
} from '../../core/errors.js';
import type { Reply } from '../../core/types.js';
import type { Locale } from './i18n/locales.js';
import { sayText } from './i18n/translate.js';
import type { NoticeKind } from './notice-gate.js';

/** Refusals a person can trigger again and again: bounded to one notice per window. */
export function noticeKindOf(error: unknown): NoticeKind | undefined {
  if (error instanceof SessionBusyError) return 'busy';
  if (error instanceof RateLimitedError) return 'rate';
  if (error instanceof BudgetExceededError) return 'budget';
  if (error instanceof InputRejectedError || error instanceof AttachmentRejectedError) {
    return 'input';
  }
  return undefined;
}

/**
 * How long a notice of this failure is not said again, when not the gate's window: a spent
 * daily budget's is said once, until the budget starts again at midnight UTC.
 */
export function noticeWindowOf(error: unknown): number | undefined {
  return error instanceof BudgetExceededError ? error.retryAfterMs : undefined;
}

/**
 * The reply with the core's notices in the person's language, then the pipeline's notes (files
 * left out). A reply without notice keys keeps its notice as written.
 */
export function withNotes(reply: Reply, notes: readonly string[], locale: Locale): Reply {
  const own = reply.noticeTexts
    ? reply.noticeTexts.map((text) => sayText(locale, text))
    : [reply.notice];
  const notice = [...own, ...notes].filter(Boolean).join(' ');
  return notice === (reply.notice ?? '') ? reply : { ...reply, notice: notice || undefined };
}
