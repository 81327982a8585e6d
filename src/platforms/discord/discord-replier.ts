import { type Message, type MessageCreateOptions, type SendableChannels } from 'discord.js';
import type { Logger } from 'pino';
import { splitMarkdown } from '../shared/markdown-chunks.js';
import { keepTyping, type ReplySurface } from '../shared/reply-surface.js';
import { STREAMING_MARK_ROOM } from '../shared/streamed-answer.js';

/** Discord's limit on a message's content. */
export const DISCORD_TEXT_LIMIT = 2000;

/**
 * Mentions the bot's own messages may ping: only the person it replies to. Model output that
 * contains `@everyone`, `@here`, `<@&role>` or `<@user>` is shown but pings no one.
 */
export const SAFE_MENTIONS = { parse: [], users: [], roles: [], repliedUser: true } as const;

export interface DiscordReplierOptions {
  /** How often the typing indicator is renewed; Discord shows it for 10 s. Default 8000 ms. */
  readonly typingIntervalMs?: number;
}

/**
 * Discord's rendering: answers as replies to the user's message, split on paragraph or code-block
 * boundaries (fences re-opened in every piece), with the typing indicator. Delivery failures (no
 * permission, deleted channel) are logged, never thrown.
 */
export class DiscordReplier {
  private readonly typingIntervalMs: number;

  constructor(
    private readonly log: Logger,
    options: DiscordReplierOptions = {},
  ) {
    this.typingIntervalMs = options.typingIntervalMs ?? 8000;
  }

  /** How answers to one message are shown: replies to it in its channel. */
  surfaceFor(message: Message): ReplySurface<Message> {
    return {
      throttleKey: message.channelId,
      post: (markdown) => this.reply(message, markdown),
      edit: (sent, markdown) => this.edit(sent, markdown),
      send: (markdown, first) => this.send(message, markdown, first),
      typing: () => this.keepTyping(message),
      preview: (text) => splitMarkdown(text, DISCORD_TEXT_LIMIT - STREAMING_MARK_ROOM)[0] ?? '',
    };
  }

  /** Sends a Markdown text as replies; with `first`, edits that message into the first piece. */
  async send(message: Message, markdown: string, first?: Message): Promise<void> {
    const pieces = splitMarkdown(markdown, DISCORD_TEXT_LIMIT);
    for (const [index, piece] of pieces.entries()) {
      if (index === 0 && first) await this.edit(first, piece);
      else if (index === 0) await this.reply(message, piece);
      else await this.followUp(message, piece);
    }
  }

  /** Replies to the user's message; returns the bot's message, or undefined if it could not. */
  async reply(message: Message, content: string): Promise<Message | undefined> {
    try {
      return await message.reply({
        content,
        allowedMentions: SAFE_MENTIONS,
        failIfNotExists: false,
      });
    } catch (error) {
      return this.failed('reply', message, error);
    }
  }

  async followUp(message: Message, content: string): Promise<Message | undefined> {
    const options: MessageCreateOptions = {
      content,
      allowedMentions: { ...SAFE_MENTIONS, repliedUser: false },
    };
    try {
      return await (message.channel as SendableChannels).send(options);
    } catch (error) {
      return this.failed('send', message, error);
    }
  }

  async edit(target: Message, content: string): Promise<void> {
    try {
      await target.edit({ content, allowedMentions: SAFE_MENTIONS });
    } catch (error) {
      this.failed('edit', target, error);
    }
  }

  private keepTyping(message: Message): () => void {
    const channel = message.channel as SendableChannels;
    return keepTyping(() => channel.sendTyping(), this.typingIntervalMs, this.log);
  }

  private failed(action: string, message: Message, error: unknown): undefined {
    this.log.warn({ action, channel: message.channelId, err: error }, 'discord call failed');
    return undefined;
  }
}
