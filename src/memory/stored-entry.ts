import type { StoredMessage } from '@langchain/core/messages';
import type { StoredEntry } from '../core/memory-port.js';

/**
 * The role kept in each stored entry's envelope: `h` a person's message (a turn starts there),
 * `a` any other. The hard cap drops whole turns by it, whatever the layout of the message JSON.
 */
export type EntryRole = 'h' | 'a';

export function roleOf(message: StoredMessage): EntryRole {
  return message.type === 'human' ? 'h' : 'a';
}

/**
 * One stored entry, `{"id","t","r","m"}`. Entries written by the release before roles were kept
 * have no `r`; their role comes from the message's type.
 */
interface Envelope {
  readonly id: number;
  readonly t: number;
  readonly r?: EntryRole;
  readonly m: StoredMessage;
}

export function parseEntry(raw: string): StoredEntry {
  const parsed = JSON.parse(raw) as Envelope;
  return { id: parsed.id, tokens: parsed.t, message: parsed.m };
}
