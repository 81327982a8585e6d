import { CHAT_SETTINGS_MAX_AGE_MS } from '../core/memory-port.js';

interface Entry {
  readonly value: string | undefined;
  readonly readAt: number;
}

export interface ChatSettingsCacheOptions {
  /** How long a read value is served. Default {@link CHAT_SETTINGS_MAX_AGE_MS} (30 s). */
  readonly maxAgeMs?: number;
  /**
   * Chats kept. Default 10,000 (well under a MB of personas at their usual length): past it the
   * least recently read go, so a bot in many chats holds only the busy ones.
   */
  readonly maxEntries?: number;
  /** Clock in milliseconds; tests inject one. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * A chat's settings as last read, per chat, for at most `maxAgeMs`: they are shared by the chat's
 * people, so in Redis they cannot ride in a person's load script, and reading them on every turn
 * would cost a round trip. A change made in this process replaces the entry at once; a read that
 * was in flight during a change does not overwrite it.
 */
export class ChatSettingsCache {
  private readonly entries = new Map<string, Entry>();
  /** Changes per chat, so a read started before one is not cached after it. */
  private readonly changes = new Map<string, number>();
  private readonly maxAgeMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: ChatSettingsCacheOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? CHAT_SETTINGS_MAX_AGE_MS;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The cached value, or `read()`'s (then cached); a failed read is not cached. */
  async get(chat: string, read: () => Promise<string | undefined>): Promise<string | undefined> {
    const entry = this.entries.get(chat);
    if (entry && this.now() - entry.readAt < this.maxAgeMs) {
      // Most recently used last, so the oldest are evicted first.
      this.entries.delete(chat);
      this.entries.set(chat, entry);
      return entry.value;
    }
    const changesBefore = this.changes.get(chat) ?? 0;
    const readAt = this.now();
    const value = await read();
    if ((this.changes.get(chat) ?? 0) === changesBefore) this.put(chat, { value, readAt });
    return value;
  }

  /** A change made by this process: served from now on without a read. */
  set(chat: string, value: string | undefined): void {
    this.changes.set(chat, (this.changes.get(chat) ?? 0) + 1);
    if (this.changes.size > this.maxEntries) {
      const oldest = this.changes.keys().next().value;
      if (oldest !== undefined && oldest !== chat) this.changes.delete(oldest);
    }
    this.put(chat, { value, readAt: this.now() });
  }

  private put(chat: string, entry: Entry): void {
    this.entries.delete(chat);
    this.entries.set(chat, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
