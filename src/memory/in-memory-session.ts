import type { StoredMessage } from '@langchain/core/messages';
import {
  RECENT_TURN_IDS,
  type AppendResult,
  type MemoryPolicy,
  type NewMessage,
  type SessionMemory,
  type Generations,
} from '../core/memory-port.js';
import { roleOf, type EntryRole } from './stored-entry.js';

/** The state of one session in `InMemoryMemoryStore`: what the Redis meta hash and list hold. */

interface Entry {
  readonly id: number;
  readonly tokens: number;
  readonly role: EntryRole;
  /** Kept serialised, as in Redis: no caller can alias or mutate stored messages. */
  readonly json: string;
}

export interface SessionState {
  generation: number;
  /** When it was last forgotten (ms), for turns answered without their generations. */
  forgottenAt: number;
  seq: number;
  summary: string;
  summaryTokens: number;
  tokens: number;
  dropped: number;
  entries: Entry[];
  /** The last {@link RECENT_TURN_IDS} turn IDs written, oldest first. */
  turnIds: string[];
  expiresAt: number;
}

export function newSession(generation: number, expiresAt = Infinity): SessionState {
  return {
    generation,
    forgottenAt: 0,
    seq: 0,
    summary: '',
    summaryTokens: 0,
    tokens: 0,
    dropped: 0,
    entries: [],
    turnIds: [],
    expiresAt,
  };
}

/**
 * Appends the messages and enforces the hard cap as the Redis script does: the oldest messages
 * go, never the ones just added, and whole turns (after a drop the list starts on a person's
 * message again). Returns how many were dropped.
 */
export function appendMessages(
  state: SessionState,
  messages: readonly NewMessage[],
  turnId: string | undefined,
  { maxTokens, maxMessages }: Pick<MemoryPolicy, 'maxTokens' | 'maxMessages'>,
): number {
  if (turnId) {
    state.turnIds.push(turnId);
    state.turnIds.splice(0, state.turnIds.length - RECENT_TURN_IDS);
  }
  for (const { tokens, message } of messages) {
    state.seq += 1;
    const json = JSON.stringify(message);
    state.entries.push({ id: state.seq, tokens, role: roleOf(message), json });
    state.tokens += tokens;
  }
  let dropped = 0;
  while (
    state.entries.length > messages.length &&
    (state.tokens > maxTokens ||
      state.entries.length > maxMessages ||
      (dropped > 0 && state.entries[0]!.role !== 'h'))
  ) {
    state.tokens -= state.entries.shift()!.tokens;
    dropped += 1;
  }
  state.dropped += dropped;
  return dropped;
}

/** The session's part of a load; the store adds the person's facts. */
export function memoryOf(
  state: SessionState,
  generations: Generations,
): Omit<SessionMemory, 'facts' | 'factLearning'> {
  return {
    summary: state.summary,
    summaryTokens: state.summaryTokens,
    entries: state.entries.map((e) => ({
      id: e.id,
      tokens: e.tokens,
      message: JSON.parse(e.json) as StoredMessage,
    })),
    totalTokens: state.tokens,
    generations,
    dropped: state.dropped,
  };
}

export function written(state: SessionState, dropped: number): AppendResult {
  return {
    status: 'written',
    totalTokens: state.tokens,
    messageCount: state.entries.length,
    dropped,
  };
}

export function stale(): AppendResult {
  return { status: 'stale', totalTokens: 0, messageCount: 0, dropped: 0 };
}
