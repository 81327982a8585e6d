import type { FakeOpenAIServer } from '../../test/doubles/fake-openai-server.js';
import {
  makeUser,
  privateChat,
  type FakeTelegramServer,
} from '../../test/doubles/fake-telegram-server.js';
import { answerTag, question, tagOf } from './workload.js';

/**
 * Plays conversations through the fake Telegram, as people would: each session sends a message,
 * waits for the bot's whole answer, then sends the next. Replies are read off the calls the fake
 * records (the time each request reached it), so nothing polls the fake per turn.
 */

export interface DrivePlan {
  readonly sessions: number;
  readonly turnsEach: number;
  /** Sessions with a turn in flight at once. */
  readonly inFlight: number;
  /** A turn without its whole answer after this long counts as timed out and ends its session. */
  readonly turnTimeoutMs: number;
  /** Telegram user (and private chat) ID of session 1; later sessions count up from it. */
  readonly firstUserId: number;
}

export interface TurnTiming {
  /** Message sent → whole answer seen at the fake Telegram. */
  readonly latencyMs: number;
  /** Message sent → first `sendMessage`/`editMessageText` with text in the chat. */
  readonly firstVisibleMs: number;
  /** Message sent → the chat request reached the fake model; NaN if it was never matched. */
  readonly toModelMs: number;
}

export interface DriveResult {
  readonly turns: number;
  readonly timings: readonly TurnTiming[];
  /** Turns answered with something other than their answer (an apology, say). */
  readonly wrongAnswers: number;
  readonly timedOut: number;
  readonly wallMs: number;
  /** Telegram calls by method (sendMessage, editMessageText, sendChatAction, …). */
  readonly calls: ReadonlyMap<string, number>;
  /** Requests the fake model received: answers to questions, and others (our summaries). */
  readonly modelRequests: { readonly chat: number; readonly other: number };
}

interface Pending {
  readonly expected: string;
  readonly sentAt: number;
  firstVisibleAt?: number;
  modelAt?: number;
  resolve(done: { at: number; ok: boolean }): void;
}

const VISIBLE = new Set(['sendMessage', 'editMessageText']);

export async function drive(
  telegram: FakeTelegramServer,
  model: FakeOpenAIServer,
  plan: DrivePlan,
): Promise<DriveResult> {
  const pending = new Map<number, Pending>();
  const byMethod = new Map<string, number>();
  const timings: TurnTiming[] = [];
  let wrongAnswers = 0;
  let timedOut = 0;
  const modelRequests = { chat: 0, other: 0 };

  // Reads what arrived at both fakes since the last look, then forgets it (the fakes keep every
  // call otherwise; a held getUpdates is still answered, the long poll holds its own reference).
  const scan = () => {
    for (const request of model.requests.splice(0)) {
      const tag = tagOf(lastQuestion(request.body?.messages));
      modelRequests[tag ? 'chat' : 'other'] += 1;
      const turn = tag && pending.get(plan.firstUserId + tag.session - 1);
      if (turn && turn.expected === answerTag(tag.session, tag.turn)) turn.modelAt ??= request.at;
    }
    for (const call of telegram.calls.splice(0)) {
      byMethod.set(call.method, (byMethod.get(call.method) ?? 0) + 1);
      if (!VISIBLE.has(call.method)) continue;
      const turn = pending.get(Number(call.params.chat_id));
      const text = typeof call.params.text === 'string' ? call.params.text.trim() : '';
      if (!turn || !text) continue;
      turn.firstVisibleAt ??= call.at;
      // A streamed preview ends with the streaming mark; the whole answer does not.
      if (text.endsWith('…')) continue;
      turn.resolve({ at: call.at, ok: text.includes(turn.expected) });
    }
  };
  const watcher = setInterval(scan, 2);

  const playSession = async (session: number) => {
    const user = makeUser(plan.firstUserId + session - 1, `Person ${session}`);
    const chat = privateChat(user);
    for (let turn = 1; turn <= plan.turnsEach; turn++) {
      let timer: NodeJS.Timeout | undefined;
      const done = new Promise<{ at: number; ok: boolean } | undefined>((resolve) => {
        const entry: Pending = { expected: answerTag(session, turn), sentAt: Date.now(), resolve };
        pending.set(chat.id, entry);
        timer = setTimeout(() => resolve(undefined), plan.turnTimeoutMs);
        telegram.sendMessage(user, chat, question(session, turn));
      });
      const result = await done;
      clearTimeout(timer);
      const entry = pending.get(chat.id)!;
      pending.delete(chat.id);
      if (!result) {
        timedOut += 1;
        return;
      }
      if (!result.ok) wrongAnswers += 1;
      timings.push({
        latencyMs: result.at - entry.sentAt,
        firstVisibleMs: (entry.firstVisibleAt ?? result.at) - entry.sentAt,
        toModelMs: entry.modelAt === undefined ? NaN : entry.modelAt - entry.sentAt,
      });
    }
  };

  const started = Date.now();
  let next = 1;
  const worker = async () => {
    while (next <= plan.sessions) await playSession(next++);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(plan.inFlight, plan.sessions) }, worker));
  } finally {
    clearInterval(watcher);
  }
  scan();
  return {
    turns: plan.sessions * plan.turnsEach,
    timings,
    wrongAnswers,
    timedOut,
    wallMs: Date.now() - started,
    calls: byMethod,
    modelRequests,
  };
}

function lastQuestion(messages: readonly { role: string; content: unknown }[] | undefined): string {
  for (let i = (messages?.length ?? 0) - 1; i >= 0; i--) {
    const m = messages![i]!;
    if (m.role === 'user' && typeof m.content === 'string') return m.content;
  }
  return '';
}
