import { timingSafeEqual } from 'node:crypto';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { GrammyError, type Bot, type Context } from 'grammy';
import type { BotCommand, Update } from 'grammy/types';
import type { Logger } from 'pino';
import type { ConversationService } from '../../core/conversation.js';
import { userMessageFor } from '../../core/errors.js';
import { NOT_ALLOWED, isAllowed, type AccessLists } from '../shared/access.js';
import { TEXT_ONLY, describeMemory, forgotten } from '../shared/replies.js';
import { classifyMessage, sessionOf, targetOf, type Inbound } from './telegram-mapping.js';
import { TelegramReplier, describeTelegramError } from './telegram-replier.js';

/** Updates the bot asks for: messages only, so edits and channel posts never arrive. */
export const ALLOWED_UPDATES = ['message'] as const;

export const TELEGRAM_COMMANDS: BotCommand[] = [
  { command: 'start', description: 'Say hello and see what I remember' },
  { command: 'help', description: 'How to talk to me' },
  { command: 'memory', description: 'What I remember of you in this chat' },
  { command: 'forget', description: 'Forget this chat ("/forget all": every chat)' },
];

export interface TelegramPlatformOptions {
  readonly bot: Bot;
  readonly service: ConversationService;
  readonly logger: Logger;
  readonly streamReplies: boolean;
  /** Idle expiry of memory, for the /start text; 0 = never. */
  readonly memoryTtlSeconds: number;
  /** Webhook mode: Telegram posts updates to `url`, which must reach `handleWebhook`. */
  readonly webhook?: { readonly url: string; readonly secret: string };
  /** Least time between edits in a chat while streaming. Default 1000 ms. */
  readonly editIntervalMs?: number;
  /** Who may talk to the bot; others get a polite refusal in private chats, silence in groups. */
  readonly access?: AccessLists;
}

export class TelegramStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TelegramStartError';
  }
}

/**
 * The Telegram adapter. One entry point, grammY's `handleUpdate`, fed by long polling (the runner,
 * with per-user ordering) or by `handleWebhook`. It maps messages to turns, renders replies and
 * never lets a bad update or a failed call escape.
 */
export class TelegramPlatform {
  private readonly bot: Bot;
  private readonly replier: TelegramReplier;
  private readonly log: Logger;
  private runner: RunnerHandle | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: TelegramPlatformOptions) {
    this.bot = options.bot;
    this.log = options.logger.child({ platform: 'telegram' });
    this.replier = new TelegramReplier(
      this.bot.api,
      { streamReplies: options.streamReplies, editIntervalMs: options.editIntervalMs },
      this.log,
    );
    this.install();
  }

  /** Checks the token, registers the commands, then starts polling or sets the webhook. */
  async start(): Promise<void> {
    try {
      await this.bot.init();
    } catch (error) {
      if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
        throw new TelegramStartError(
          'Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized). Copy the token again from ' +
            '@BotFather (/mybots → API Token) into .env.',
        );
      }
      const { message, description } = describeTelegramError(error);
      throw new TelegramStartError(
        `Cannot reach the Telegram Bot API: ${String(message ?? description)}`,
        { cause: error },
      );
    }
    this.log.info({ username: this.bot.botInfo.username }, 'telegram bot authenticated');
    await this.bot.api.setMyCommands(TELEGRAM_COMMANDS).catch((error: unknown) => {
      this.log.warn({ err: describeTelegramError(error) }, 'setMyCommands failed');
    });
    if (this.options.webhook) {
      await this.bot.api.setWebhook(this.options.webhook.url, {
        secret_token: this.options.webhook.secret,
        allowed_updates: [...ALLOWED_UPDATES],
      });
      this.log.info('telegram webhook set');
      return;
    }
    await this.bot.api.deleteWebhook();
    this.runner = run(this.bot, {
      runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } },
    });
    this.log.info('telegram long polling started');
  }

  /** True while updates are being received (polling running, or webhook mode started). */
  get connected(): boolean {
    return this.options.webhook ? this.bot.isInited() : (this.runner?.isRunning() ?? false);
  }

  /**
   * Webhook entry point: checks Telegram's secret header, hands the update over and returns at
   * once (answers take longer than Telegram waits); false means "reject the request".
   */
  handleWebhook(update: Update, secretHeader: string | undefined): boolean {
    const expected = this.options.webhook?.secret;
    if (!expected || !secretHeader || !safeEqual(secretHeader, expected)) return false;
    this.track(this.bot.handleUpdate(update));
    return true;
  }

  /** Stops taking updates and resolves when the updates being handled are done. */
  async stop(): Promise<void> {
    await this.runner?.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  private track(task: Promise<unknown>): void {
    const tracked = task.catch((error: unknown) =>
      this.log.error({ err: describeTelegramError(error) }, 'update failed'),
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private install(): void {
    const { bot } = this;
    bot.catch((error) => {
      this.log.error(
        { err: describeTelegramError(error.error), update: error.ctx.update.update_id },
        'update failed',
      );
    });
    // One user's messages in one chat are handled in order; other chats and users run in parallel.
    bot.use(
      sequentialize((ctx: Context) =>
        ctx.chat && ctx.from ? `${ctx.chat.id}:${ctx.from.id}` : undefined,
      ),
    );
    bot.use(async (ctx, next) => {
      // Bots (this one included) never trigger anything, commands neither.
      if (ctx.from?.is_bot) return;
      await next();
    });
    // /forget works for everyone (it only removes data); everything else needs access.
    bot.command('forget', (ctx) =>
      this.command(ctx, async () => {
        const scope = String(ctx.match ?? '')
          .trim()
          .toLowerCase();
        if (scope === 'all' || scope === 'everywhere') {
          const count = await this.options.service.forgetUser('telegram', String(ctx.from!.id));
          return forgotten('everywhere', count);
        }
        await this.options.service.forget(sessionOf(ctx.msg!)!);
        return forgotten('here');
      }),
    );
    bot.use(async (ctx, next) => {
      const message = ctx.message;
      if (!message?.from || this.allowed(message.chat.id, message.from.id)) return next();
      if (message.chat.type === 'private') {
        await this.replier.post(targetOf(message), NOT_ALLOWED, true);
      }
    });
    bot.command('start', (ctx) => this.command(ctx, () => this.greeting(ctx)));
    bot.command('help', (ctx) => this.command(ctx, () => Promise.resolve(this.help())));
    bot.command('memory', (ctx) =>
      this.command(ctx, async () =>
        describeMemory(await this.options.service.memory(sessionOf(ctx.msg!)!)),
      ),
    );
    bot.on('message', (ctx) => this.onMessage(ctx));
  }

  private allowed(chatId: number, userId: number): boolean {
    const access = this.options.access;
    return (
      !access ||
      isAllowed(access, { platform: 'telegram', userId: String(userId), chatId: String(chatId) })
    );
  }

  private async onMessage(ctx: Context): Promise<void> {
    const message = ctx.message!;
    const command = message.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
    if (command && message.text) {
      const name = message.text.slice(0, command.length);
      const forUs =
        message.chat.type === 'private' ||
        name.toLowerCase().endsWith(`@${ctx.me.username.toLowerCase()}`);
      if (forUs)
        await this.replier.post(
          targetOf(message),
          `I do not know ${name.split('@')[0]}. /help lists what I can do.`,
          true,
        );
      return;
    }
    const inbound: Inbound = classifyMessage(message, ctx.me);
    if (inbound.kind === 'ignore') return;
    if (inbound.kind === 'not-text') {
      await this.replier.post(inbound.target, TEXT_ONLY, true);
      return;
    }
    try {
      await this.replier.answer(inbound.target, (onDelta) =>
        this.options.service.reply(
          { session: inbound.session, text: inbound.text, authorName: inbound.authorName },
          { onDelta },
        ),
      );
    } catch (error) {
      this.log.warn(
        { err: describeTelegramError(error), session: inbound.session.id },
        'turn failed',
      );
      await this.replier.post(inbound.target, userMessageFor(error), true);
    }
  }

  /** Runs a command for the message's author and replies; failures get a short apology. */
  private async command(ctx: Context, action: () => Promise<string>): Promise<void> {
    const message = ctx.msg;
    if (!message?.from) return;
    let text: string;
    try {
      text = await action();
    } catch (error) {
      this.log.warn({ err: describeTelegramError(error) }, 'command failed');
      text = userMessageFor(error);
    }
    await this.replier.post(targetOf(message), text, true);
  }

  private async greeting(ctx: Context): Promise<string> {
    const name = ctx.from?.first_name ?? 'there';
    const ttl = this.options.memoryTtlSeconds;
    const days = Math.round(ttl / 86_400);
    const kept =
      ttl === 0
        ? 'until you ask me to forget'
        : days >= 1
          ? `for ${days} day${days === 1 ? '' : 's'} after your last message`
          : `for ${Math.max(1, Math.round(ttl / 60))} minutes after your last message`;
    return (
      `Hi ${name}! I am a chat bot that remembers our conversation.\n\n` +
      `I keep a short summary and our recent messages, separately for each chat and each person, ${kept}. ` +
      'Use /memory to see what I remember and /forget to wipe it (/forget all: every chat).\n\n' +
      this.howToTalk()
    );
  }

  private help(): string {
    return [
      this.howToTalk(),
      '',
      '/memory: what I remember of you in this chat',
      '/forget: forget this chat',
      '/forget all: forget every chat with you',
    ].join('\n');
  }

  private howToTalk(): string {
    const username = this.bot.isInited() ? `@${this.bot.botInfo.username}` : 'me';
    return `In a private chat, just write. In a group, mention ${username} or reply to one of my messages.`;
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
