/**
 * `getUpdates` with real long polling: a request with a timeout and nothing to deliver is held open
 * until an update arrives, the timeout passes, another poll or `setWebhook` takes over, or the
 * server closes.
 */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from './api-error.js';
import type { Params } from './params.js';
import { answer, answerError, CONFLICT_OTHER_POLL } from './respond.js';
import type { TelegramState } from './state.js';
import type { RecordedCall } from './types.js';

/** The Bot API caps `getUpdates.timeout` at this many seconds. */
const MAX_LONG_POLL_SECONDS = 50;
/**
 * How long a held long poll waits after the first new update before answering, so updates queued
 * together leave together (the Bot API waits 1–2 ms).
 */
const WAKE_DELAY_MS = 2;
const CONFLICT_WEBHOOK =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

interface HeldPoll {
  res: ServerResponse;
  call: RecordedCall;
  limit: number;
  timer: NodeJS.Timeout;
}

export class LongPoll {
  private held: HeldPoll | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly state: TelegramState) {
    state.onQueued = () => this.scheduleWake();
  }

  getUpdates(params: Params, res: ServerResponse, call: RecordedCall): void {
    const { state } = this;
    if (state.webhook.url !== undefined) throw new ApiError(409, CONFLICT_WEBHOOK);
    const offset = params.integer('offset') ?? 0;
    const limit = Math.min(100, Math.max(1, params.integer('limit') ?? 100));
    const timeout = Math.min(MAX_LONG_POLL_SECONDS, Math.max(0, params.integer('timeout') ?? 0));
    state.setAllowedUpdates(params.raw('allowed_updates'));
    state.confirm(offset);
    if (state.queue.length > 0 || timeout === 0) {
      // Like the Bot API, an answered short poll leaves a held one alone.
      answer(res, call, 200, { ok: true, result: state.queue.slice(0, limit) });
      return;
    }
    this.terminate(CONFLICT_OTHER_POLL);
    const poll: HeldPoll = {
      res,
      call,
      limit,
      timer: setTimeout(() => {
        if (this.held === poll) this.answerHeld();
      }, timeout * 1000),
    };
    this.held = poll;
    res.on('close', () => {
      // The client gave up (grammY aborts its poll on stop()); forget it, answer nothing.
      if (this.held === poll) this.release();
    });
  }

  /** Answers a held poll with a 409 `description`, as when another request takes its place. */
  terminate(description: string): void {
    const previous = this.release();
    if (previous !== undefined) {
      answerError(previous.res, previous.call, new ApiError(409, description));
    }
  }

  /** Answers a held poll with `[]` and waits (up to 200 ms) for the answer to leave. */
  async close(): Promise<void> {
    clearTimeout(this.wakeTimer);
    const poll = this.release();
    if (poll === undefined) return;
    answer(poll.res, poll.call, 200, { ok: true, result: [] });
    // Let the answer reach the client before its socket is cut.
    await Promise.race([
      new Promise((resolve) => poll.res.once('finish', resolve).once('close', resolve)),
      sleep(200),
    ]);
  }

  private release(): HeldPoll | undefined {
    const poll = this.held;
    if (poll !== undefined) {
      clearTimeout(poll.timer);
      this.held = undefined;
    }
    return poll;
  }

  private answerHeld(): void {
    const poll = this.release();
    if (poll !== undefined) {
      answer(poll.res, poll.call, 200, { ok: true, result: this.state.queue.slice(0, poll.limit) });
    }
  }

  private scheduleWake(): void {
    if (this.held === undefined || this.wakeTimer !== undefined) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      if (this.state.queue.length > 0) this.answerHeld();
    }, WAKE_DELAY_MS);
  }
}
