import { withoutDanglingSurrogate } from './graphemes.js';

/**
 * Throttles message edits per chat or channel: platforms limit how often a bot may edit, and
 * several answers streaming in one chat share that budget.
 */
export class EditThrottle<K> {
  private readonly nextAt = new Map<K, number>();

  constructor(private readonly intervalMs: number) {}

  /** Milliseconds until `key` may be edited again (0: now), booking the slot when it is free. */
  take(key: K, now = Date.now()): number {
    const next = this.nextAt.get(key) ?? 0;
    if (next > now) return next - now;
    this.nextAt.set(key, now + this.intervalMs);
    // Entries only matter for one interval; keep the map small.
    if (this.nextAt.size > 10_000) {
      for (const [id, at] of this.nextAt) if (at <= now) this.nextAt.delete(id);
    }
    return 0;
  }
}

/** How a platform shows a streamed answer. Failures are the sink's to log; none may throw. */
export interface StreamSink<H> {
  /** Posts the first partial text as a reply; the handle of the message, or undefined. */
  post(text: string): Promise<H | undefined>;
  edit(message: H, text: string): Promise<void>;
  /** Writes the whole answer, turning the streamed message (if any) into its first piece. */
  finish(text: string, message: H | undefined): Promise<void>;
}

/** Appended while the answer is still being written. */
const STREAMING_MARK = ' …';

/**
 * One answer drawn as it is generated: the first delta posts a message, later ones edit it at
 * most once per throttle interval of its chat, and `finish` writes the final text.
 */
export class StreamedAnswer<H, K> {
  private text = '';
  private shown = '';
  private message: H | undefined;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private done = false;

  /**
   * @param preview The part of a partial answer to show: what fits one message, leaving room for
   *   the streaming mark.
   */
  constructor(
    private readonly sink: StreamSink<H>,
    private readonly throttle: EditThrottle<K>,
    private readonly key: K,
    private readonly preview: (text: string) => string,
  ) {}

  push(delta: string): void {
    this.text += delta;
    this.schedule();
  }

  async finish(finalText: string): Promise<void> {
    this.stop();
    await this.inFlight;
    await this.sink.finish(finalText, this.message);
  }

  /** The turn failed: leave what was shown, marked as cut short; the caller apologises. */
  async abandon(): Promise<void> {
    this.stop();
    await this.inFlight;
    if (this.message !== undefined && this.shown) {
      await this.sink.edit(this.message, `${this.shown} [cut short]`);
    }
  }

  private stop(): void {
    this.done = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.done || this.inFlight || this.timer) return;
    const wait = this.throttle.take(this.key);
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, wait);
      return;
    }
    const preview = this.currentPreview();
    if (preview === this.shown) return;
    this.shown = preview;
    const text = `${preview}${STREAMING_MARK}`;
    this.inFlight = (
      this.message === undefined
        ? this.sink.post(text).then((message) => void (this.message = message))
        : this.sink.edit(this.message, text)
    ).finally(() => {
      this.inFlight = undefined;
      if (this.currentPreview() !== this.shown) this.schedule();
    });
  }

  /** A delta may end between the halves of a surrogate pair: show the half once it is whole. */
  private currentPreview(): string {
    return this.preview(withoutDanglingSurrogate(this.text));
  }
}

/** Room the streaming mark needs in a message, with a margin. */
export const STREAMING_MARK_ROOM = STREAMING_MARK.length + 16;
