import { GrammyError, type Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { CommandAnswer } from '../shared/memory-commands.js';
import type { Logger } from 'pino';
import { splitMarkdown } from '../shared/markdown-chunks.js';
import { keepTyping, type ReplySurface } from '../shared/reply-surface.js';
import { STREAMING_MARK_ROOM } from '../shared/streamed-answer.js';
import { markdownToTelegramHtml, visibleLength } from './telegram-format.js';
import type { TelegramTarget } from './telegram-mapping.js';

/** Telegram's limit on a message's text, counted after entity parsing. */
export const TELEGRAM_TEXT_LIMIT = 4096;

export interface TelegramReplierOptions {
  /** How often "typing…" is renewed; Telegram shows it for 5 s. Default 4000 ms. */
  readonly typingIntervalMs?: number;
}

/** Splits an answer into messages that each fit Telegram's limit once rendered. */
export function telegramChunks(markdown: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  return splitMarkdown(markdown, limit, (piece) => visibleLength(markdownToTelegramHtml(piece)));
}

/**
 * Telegram's rendering: answers as replies to the user's message, in its forum topic, with
 * "typing…", rendered as Telegram HTML (plain text when Telegram still rejects the entities) and
 * split over several messages when long. Failures to deliver are logged, never thrown.
 */
export class TelegramReplier {
  private readonly typingIntervalMs: number;

  constructor(
    private readonly api: Api,
    private readonly log: Logger,
    options: TelegramReplierOptions = {},
  ) {
    this.typingIntervalMs = options.typingIntervalMs ?? 4000;
  }

  /** How answers to one message are shown: replies in its chat and topic. */
  surfaceFor(target: TelegramTarget): ReplySurface<number> {
    return {
      throttleKey: String(target.chatId),
      post: (markdown) => this.post(target, markdown, true),
      edit: (id, markdown) => this.edit(target, id, markdown),
      send: (markdown, first) => this.send(target, markdown, first),
      typing: () => this.keepTyping(target),
      preview: (text) => telegramChunks(text, TELEGRAM_TEXT_LIMIT - STREAMING_MARK_ROOM)[0] ?? '',
    };
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

  /**
   * A command's answer as replies to the command: its text (split when long), its buttons as an
   * inline keyboard under the last part, each button's callback data the action's ID.
   */
  async postAnswer(target: TelegramTarget, answer: CommandAnswer): Promise<void> {
    const chunks = telegramChunks(answer.text);
    for (const [index, chunk] of chunks.entries()) {
      const last = index === chunks.length - 1;
      await this.post(target, chunk, index === 0, last ? keyboardOf(answer) : undefined);
    }
  }

  /** Redraws a command's answer in place (one message: the first part), buttons included. */
  async editAnswer(
    target: TelegramTarget,
    messageId: number,
    answer: CommandAnswer,
  ): Promise<void> {
    const [first = ''] = telegramChunks(answer.text);
    await this.edit(target, messageId, first, keyboardOf(answer) ?? { inline_keyboard: [] });
  }

  /** Posts one chunk; returns its message ID, or undefined when Telegram refused it. */
  async post(
    target: TelegramTarget,
    markdown: string,
    asReply: boolean,
    keyboard?: InlineKeyboardMarkup,
  ): Promise<number | undefined> {
    const base = {
      ...(keyboard ? { reply_markup: keyboard } : {}),
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

  async edit(
    target: TelegramTarget,
    messageId: number,
    markdown: string,
    keyboard?: InlineKeyboardMarkup,
  ): Promise<void> {
    const markup = keyboard ? { reply_markup: keyboard } : {};
    try {
      await this.api.editMessageText(target.chatId, messageId, markdownToTelegramHtml(markdown), {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...markup,
      });
      return;
    } catch (error) {
      if (isNotModified(error)) return;
      if (!isEntityError(error)) return void this.failed('editMessageText', target, error);
    }
    try {
      const [plain = ''] = splitMarkdown(markdown, TELEGRAM_TEXT_LIMIT);
      await this.api.editMessageText(target.chatId, messageId, plain, markup);
    } catch (error) {
      if (!isNotModified(error)) this.failed('editMessageText', target, error);
    }
  }

  private keepTyping(target: TelegramTarget): () => void {
    const topic = target.threadId !== undefined ? { message_thread_id: target.threadId } : {};
    return keepTyping(
      () => this.api.sendChatAction(target.chatId, 'typing', topic),
      this.typingIntervalMs,
      this.log,
    );
  }

  private failed(method: string, target: TelegramTarget, error: unknown): undefined {
    this.log.warn({ method, chat: target.chatId, err: error }, 'telegram call failed');
    return undefined;
  }
}

/** One button per row: a fact's label is short, and a row of several would cut them. */
function keyboardOf(answer: CommandAnswer): InlineKeyboardMarkup | undefined {
  if (!answer.actions?.length) return undefined;
  return { inline_keyboard: answer.actions.map((a) => [{ text: a.label, callback_data: a.id }]) };
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
