import { ConversationError, type UserText } from './errors.js';

/**
 * The person spent their daily token budget (`USER_DAILY_TOKEN_BUDGET`): the turn is refused
 * before any history is read and without a model call, until midnight UTC.
 */
export class BudgetExceededError extends ConversationError {
  readonly code = 'budget_exceeded';
  /** The same in English, for the terminal chat and logs. */
  readonly userMessage: string;
  /** `budget.spent` with the hours until the reset, or `budget.spentSoon` with the minutes. */
  readonly userText: UserText;

  constructor(
    /** The day's budget, in tokens. */
    readonly budget: number,
    /** Until the budget starts again (midnight UTC). */
    readonly retryAfterMs: number,
  ) {
    super(`daily token budget of ${budget} spent; resets in ${retryAfterMs} ms`);
    this.name = 'BudgetExceededError';
    const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
    const hours = Math.ceil(minutes / 60);
    this.userText =
      minutes < 60
        ? { key: 'budget.spentSoon', params: { budget, minutes } }
        : { key: 'budget.spent', params: { budget, hours } };
    const when =
      minutes < 60
        ? `in ${minutes} minute${minutes === 1 ? '' : 's'}`
        : `in about ${hours} hour${hours === 1 ? '' : 's'}`;
    this.userMessage = `You have used today's ${budget} tokens. I can answer again after midnight UTC, ${when}.`;
  }
}
