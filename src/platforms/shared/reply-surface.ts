import type { Reply } from '../../core/types.js';
import { withNotice } from './replies.js';
import type { EditThrottle } from './streamed-answer.js';
import { StreamedAnswer } from './streamed-answer.js';

/**
 * How a platform shows things in reply to one message: the rendering half of an adapter. No
 * method may throw: delivery failures are the platform's to log.
 */
export interface ReplySurface<H = unknown> {
  /** Key of the chat or channel whose edit budget streamed answers share. */
  readonly throttleKey: string;
  /** Posts a Markdown text as a reply; the handle of the (first) message, or undefined. */
  post(markdown: string): Promise<H | undefined>;
  edit(message: H, markdown: string): Promise<void>;
  /** Sends a whole answer, split as needed, turning `first` (a streamed message) into piece one. */
  send(markdown: string, first?: H): Promise<void>;
  /** Shows "typing…" until the returned function is called. */
  typing(): () => void;
  /** The part of a partial answer that fits one message, leaving room for the streaming mark. */
  preview(text: string): string;
}

/**
 * Runs a turn with "typing…" shown and, when streaming, the answer drawn by throttled edits as it
 * comes; then sends the whole answer with its notice. Rethrows the turn's error after a partial
 * answer was marked as cut short.
 */
export async function deliverAnswer<H>(
  surface: ReplySurface<H>,
  options: { readonly stream: boolean; readonly throttle: EditThrottle<string> },
  run: (onDelta?: (text: string) => void) => Promise<Reply>,
): Promise<Reply> {
  const stopTyping = surface.typing();
  const stream = options.stream
    ? new StreamedAnswer<H, string>(
        {
          post: (text) => surface.post(text),
          edit: (message, text) => surface.edit(message, text),
          finish: (text, message) => surface.send(text, message),
        },
        options.throttle,
        surface.throttleKey,
        (text) => surface.preview(text),
      )
    : undefined;
  try {
    const reply = await run(stream ? (delta) => stream.push(delta) : undefined);
    stopTyping();
    if (stream) await stream.finish(withNotice(reply));
    else await surface.send(withNotice(reply));
    return reply;
  } catch (error) {
    stopTyping();
    await stream?.abandon();
    throw error;
  }
}

/**
 * Shows "typing…" now and renews it every `intervalMs` (platforms show it for a few seconds only)
 * until the returned function is called. Failures are logged at debug: typing is cosmetic.
 */
export function keepTyping(
  send: () => Promise<unknown>,
  intervalMs: number,
  log: { debug(obj: object, msg: string): void },
): () => void {
  const once = () =>
    void send().catch((error: unknown) => log.debug({ err: error }, 'typing failed'));
  once();
  const timer = setInterval(once, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
