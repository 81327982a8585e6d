import { GrammyError, type Api } from 'grammy';
import type { Logger } from 'pino';
import type { Reply } from '../../core/types.js';
import { splitMarkdown } from '../shared/markdown-chunks.js';
import { markdownToTelegramHtml, visibleLength } from './telegram-format.js';
import type { TelegramTarget } from './telegram-mapping.js';

/** Telegram's limit on a message's text, counted after entity parsing. */
export const TELEGRAM_TEXT_LIMIT = 4096;

export interface TelegramReplierOptions {
  /** Show the answer as it is generated, by editing the message. */
  readonly streamReplies: boolean;
  /**
   * Least time between two edits in one chat. Default 1000 ms: Telegram allows about one message
   * a second per chat, and edits count.
   */
  readonly editIntervalMs?: number;
  /** How often "typing…" is renewed; Telegram shows it for 5 s. Default 4000 ms. */
  readonly typingIntervalMs?: number;
}

/** Splits an answer into messages that each fit Telegram's limit once rendered. */
export function telegramChunks(markdown: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  return splitMarkdown(markdown, limit, (piece) => visibleLength(markdownToTelegramHtml(piece)));
}

const STREAMING_MARK = ' …';

/**
 * Sends answers to Telegram: as a reply to the user's message, in its forum topic, with
 * "typing…" until the answer is out, rendered as Telegram HTML (plain text when Telegram still
 * rejects the entities), split over several messages when long, and optionally streamed by
 * throttled edits. Failures to deliver are logged, never thrown: nothing here may crash a turn.
 */
export class TelegramReplier {
  private readonly nextEditAt = new Map<number, number>();
  private readonly editIntervalMs: number;
  private readonly typingIntervalMs: number;

  constructor(
    private readonly api: Api,
    private readonly options: TelegramReplierOptions,
    private readonly log: Logger,
  ) {
    this.editIntervalMs = options.editIntervalMs ?? 1000;
    this.typingIntervalMs = options.typingIntervalMs ?? 4000;
  }

  /**
   * Runs a turn with "typing…" shown and, when streaming, the answer drawn as it comes. Returns
   * the turn's result or rethrows its error after any partial answer was marked as cut short.
   */
  async answer(
    target: TelegramTarget,
    run: (onDelta?: (text: string) => void) => Promise<Reply>,
  ): Promise<Reply> {
    const stopTyping = this.keepTyping(target);
    const stream = this.options.streamReplies ? new StreamedMessage(this, target) : undefined;
    try {
      const reply = await run(stream ? (delta) => stream.push(delta) : undefined);
      stopTyping();
      if (stream) await stream.finish(reply.text);
      else await this.send(target, reply.text);
      return reply;
    } catch (error) {
      stopTyping();
      await stream?.abandon();
      throw error;
    }
  }

  /** Sends a Markdown text as one or more messages; the first replies to the user's message. */
  async send(target: TelegramTarget, markdown: string, firstMessageId?: number): Promise<void> {
    const chunks = telegramChunks(markdown);
    for (const [index, chunk] of chunks.entries()) {
      if (index === 0 && firstMessageId !== undefined) {
        await this.edit(target, firstMessageId, chunk);
      } else {
        await this.post(target, chunk, index === 0);
      }
    }
  }

  /** Posts one chunk; returns its message ID, or undefined when Telegram refused it. */
  async post(
    target: TelegramTarget,
    markdown: string,
    asReply: boolean,
  ): Promise<number | undefined> {
    const base = {
      ...(target.threadId !== undefined ? { message_thread_id: target.threadId } : {}),
      ...(asReply
        ? { reply_parameters: { message_id: target.replyTo, allow_sending_without_reply: true } }
        : {}),
      link_preview_options: { is_disabled: true },
    };
    try {
      const sent = await this.api.sendMessage(target.chatId, markdownToTelegramHtml(markdown), {
        ...base,
        parse_mode: 'HTML',
      });
      return sent.message_id;
    } catch (error) {
      if (!isEntityError(error)) return this.failed('sendMessage', target, error);
    }
    try {
      // Telegram rejected our HTML: send the words as they are rather than nothing.
      let id: number | undefined;
      for (const piece of splitMarkdown(markdown, TELEGRAM_TEXT_LIMIT)) {
        const sent = await this.api.sendMessage(target.chatId, piece, base);
        id ??= sent.message_id;
      }
      return id;
    } catch (error) {
      return this.failed('sendMessage', target, error);
    }
  }

  async edit(target: TelegramTarget, messageId: number, markdown: string): Promise<void> {
    try {
      await this.api.editMessageText(target.chatId, messageId, markdownToTelegramHtml(markdown), {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
      });
      return;
    } catch (error) {
      if (isNotModified(error)) return;
      if (!isEntityError(error)) return void this.failed('editMessageText', target, error);
    }
    try {
      const [plain = ''] = splitMarkdown(markdown, TELEGRAM_TEXT_LIMIT);
      await this.api.editMessageText(target.chatId, messageId, plain);
    } catch (error) {
      if (!isNotModified(error)) this.failed('editMessageText', target, error);
    }
  }

  /** Milliseconds until this chat may be edited again (0: now), and books the slot if free. */
  takeEditSlot(chatId: number, now = Date.now()): number {
    const next = this.nextEditAt.get(chatId) ?? 0;
    if (next > now) return next - now;
    this.nextEditAt.set(chatId, now + this.editIntervalMs);
    // Keep the map small: entries only matter for one interval.
    if (this.nextEditAt.size > 10_000) {
      for (const [id, at] of this.nextEditAt) if (at <= now) this.nextEditAt.delete(id);
    }
    return 0;
  }

  /** Pushes this chat's next edit back, e.g. after a 429 with `retry_after`. */
  deferEdits(chatId: number, ms: number): void {
    this.nextEditAt.set(chatId, Math.max(this.nextEditAt.get(chatId) ?? 0, Date.now() + ms));
  }

  private keepTyping(target: TelegramTarget): () => void {
    const send = () =>
      this.api
        .sendChatAction(
          target.chatId,
          'typing',
          target.threadId !== undefined ? { message_thread_id: target.threadId } : {},
        )
        .catch((error: unknown) =>
          this.log.debug({ err: describeTelegramError(error) }, 'typing failed'),
        );
    void send();
    const timer = setInterval(() => void send(), this.typingIntervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private failed(method: string, target: TelegramTarget, error: unknown): undefined {
    this.log.warn(
      { method, chat: target.chatId, err: describeTelegramError(error) },
      'telegram call failed',
    );
    return undefined;
  }
}

/**
 * One streamed answer: the first delta posts a message, later ones edit it at most once per
 * edit interval of the chat, and `finish` writes the final text (split if it grew too long).
 */
class StreamedMessage {
  private text = '';
  private shown = '';
  private messageId: number | undefined;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(
    private readonly replier: TelegramReplier,
    private readonly target: TelegramTarget,
  ) {}

  push(delta: string): void {
    this.text += delta;
    this.schedule();
  }

  async finish(finalText: string): Promise<void> {
    this.done = true;
    clearTimeout(this.timer);
    await this.inFlight;
    await this.replier.send(this.target, finalText, this.messageId);
  }

  /** The turn failed: leave what was shown, marked as cut short, and let the caller apologise. */
  async abandon(): Promise<void> {
    this.done = true;
    clearTimeout(this.timer);
    await this.inFlight;
    if (this.messageId !== undefined && this.shown) {
      await this.replier.edit(this.target, this.messageId, `${this.preview()} [cut short]`);
    }
  }

  private schedule(): void {
    if (this.done || this.inFlight || this.timer) return;
    const wait = this.replier.takeEditSlot(this.target.chatId);
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, wait);
      return;
    }
    const preview = this.preview();
    if (preview === this.shown) return;
    this.shown = preview;
    const text = `${preview}${STREAMING_MARK}`;
    this.inFlight = (
      this.messageId === undefined
        ? this.replier.post(this.target, text, true).then((id) => void (this.messageId = id))
        : this.replier.edit(this.target, this.messageId, text)
    ).finally(() => {
      this.inFlight = undefined;
      if (this.preview() !== this.shown) this.schedule();
    });
  }

  /** The part of the answer that fits the first message, leaving room for the mark. */
  private preview(): string {
    return telegramChunks(this.text, TELEGRAM_TEXT_LIMIT - STREAMING_MARK.length - 16)[0] ?? '';
  }
}

function isEntityError(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /entit|tag|parse/i.test(error.description)
  );
}

function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && /message is not modified/i.test(error.description);
}

/** What may be logged of a Telegram error: never the payload (user text) or the request URL (token). */
export function describeTelegramError(error: unknown): Record<string, unknown> {
  if (error instanceof GrammyError) {
    return { method: error.method, code: error.error_code, description: error.description };
  }
  if (error instanceof Error)
    return { name: error.name, message: error.message.replace(/bot\d+:[\w-]+/g, 'bot<token>') };
  return { error: String(error) };
}
