import { timingSafeEqual } from 'node:crypto';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { GrammyError, type Bot, type Context } from 'grammy';
import type { CallbackQuery, Message, Update } from 'grammy/types';
import type { Logger } from 'pino';
import { bindFetcher, DEFAULT_ATTACHMENT_SETTINGS, type FetchFile } from '../shared/attachments.js';
import { boundedDownload, DownloadError } from '../shared/bounded-download.js';
import { localeOf } from '../shared/i18n/locales.js';
import { maskSecrets } from '../../logger.js';
import { PlatformStartError } from '../shared/start-error.js';
import {
  TurnPipeline,
  sharedOptions,
  type SharedPlatformOptions,
} from '../shared/turn-pipeline.js';
import type { TelegramFileRef } from './telegram-attachments.js';
import { actionOf, classifyMessage, commandOf, targetOf } from './telegram-mapping.js';
import { TelegramReplier } from './telegram-replier.js';
import { greeting, help, telegramCommandMenus } from './telegram-texts.js';

/**
 * Updates the bot asks for: messages, and presses of its buttons (/memory's delete buttons), so
 * edits and channel posts never arrive.
 */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/**
 * Webhook updates being handled at once before Telegram is asked to come back later (503): a
 * flood cannot pile updates up in the process; Telegram redelivers what it could not hand over.
 */
export const WEBHOOK_MAX_IN_FLIGHT = 500;

/** Updates the long-polling runner handles at once: conversations in flight on one process. */
export const RUNNER_CONCURRENCY = 5000;

export interface TelegramPlatformOptions extends SharedPlatformOptions {
  readonly bot: Bot;
  /** Idle expiry of memory, for the /start text; 0 = never. */
  readonly memoryTtlSeconds: number;
  /** Webhook mode: Telegram posts updates to `url`, which must reach `handleWebhook`. */
  readonly webhook?: { readonly url: string; readonly secret: string };
  /** Least time between edits in a chat while streaming. Default 1000 ms (about 1/s per chat). */
  readonly editIntervalMs?: number;
  /** The Bot API server files are downloaded from (`TELEGRAM_API_ROOT`). Default Telegram's. */
  readonly apiRoot?: string;
}

export type WebhookResult = 'accepted' | 'unauthorized' | 'bad-request' | 'busy';

/**
 * The Telegram adapter. One entry point, grammY's `handleUpdate`, fed by long polling (the runner)
 * or by `handleWebhook`; the mapping turns a message into a turn or a command and the shared
 * pipeline answers it.
 */
export class TelegramPlatform {
  private readonly bot: Bot;
  private readonly replier: TelegramReplier;
  private readonly pipeline: TurnPipeline;
  private readonly log: Logger;
  private runner: RunnerHandle | undefined;

  constructor(private readonly options: TelegramPlatformOptions) {
    this.bot = options.bot;
    this.log = options.logger.child({ platform: 'telegram' });
    this.replier = new TelegramReplier(this.bot.api, this.log);
    const username = () => (this.bot.isInited() ? `@${this.bot.botInfo.username}` : 'me');
    this.pipeline = new TurnPipeline({
      ...sharedOptions(options),
      platform: 'telegram',
      logger: this.log,
      editIntervalMs: options.editIntervalMs ?? 1000,
      commands: {
        start: (request, t) =>
          greeting(t, request.displayName, options.memoryTtlSeconds, username()),
        help: (_, t) => help(t, username()),
      },
      unknownCommand: (name, t) => t('command.unknownWithHelp', { name }),
    });
    this.install();
  }

  /** Checks the token, registers the commands, then starts polling or sets the webhook. */
  async start(): Promise<void> {
    try {
      await this.bot.init();
    } catch (error) {
      throw startError(error);
    }
    this.log.info({ username: this.bot.botInfo.username }, 'telegram bot authenticated');
    await Promise.all(
      telegramCommandMenus(this.options.language).map(({ languageCode, commands }) =>
        this.bot.api
          .setMyCommands(commands, languageCode ? { language_code: languageCode } : undefined)
          .catch((error: unknown) => {
            this.log.warn({ err: error, languageCode }, 'setMyCommands failed');
          }),
      ),
    );
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
      // The runner's default of 500 updates at once made the 501st person wait a whole answer
      // before their message was even read. A flood cannot use the room: at most
      // `maxWaitingPerPerson` updates of one person get past the admission middleware.
      sink: { concurrency: RUNNER_CONCURRENCY },
    });
    this.log.info('telegram long polling started');
  }

  /** True while updates are being received (polling running, or webhook mode started). */
  get connected(): boolean {
    return this.options.webhook ? this.bot.isInited() : (this.runner?.isRunning() ?? false);
  }

  /** Checks only Telegram's secret header, before the body is read: a stranger costs nothing. */
  webhookAuthorized(secretHeader: string | undefined): boolean {
    const expected = this.options.webhook?.secret;
    return Boolean(expected && secretHeader && safeEqual(secretHeader, expected));
  }

  /**
   * Webhook entry point: checks the secret first, then the body; hands the update over and
   * returns at once (answers take longer than Telegram waits). `busy`: too many updates in
   * flight, Telegram should redeliver later.
   */
  handleWebhook(body: Buffer, secretHeader: string | undefined): WebhookResult {
    if (!this.webhookAuthorized(secretHeader)) return 'unauthorized';
    if (this.pipeline.inFlightCount >= WEBHOOK_MAX_IN_FLIGHT) return 'busy';
    let update: Update;
    try {
      update = JSON.parse(body.toString('utf8')) as Update;
    } catch {
      return 'bad-request';
    }
    if (typeof update !== 'object' || update === null) return 'bad-request';
    void this.bot.handleUpdate(update).catch((error: unknown) => {
      this.log.error({ err: error }, 'update failed');
    });
    return 'accepted';
  }

  /** Stops taking updates and resolves when the updates being handled are done. */
  async stop(): Promise<void> {
    await this.runner?.stop();
    await this.pipeline.stop();
  }

  private install(): void {
    const { bot } = this;
    bot.catch((error) => {
      this.log.error({ err: error.error, update: error.ctx.update.update_id }, 'update failed');
    });
    // Bounded per person before any queue: a flood is dropped here, not queued behind others.
    bot.use((ctx, next) => {
      if (!ctx.chat || !ctx.from || ctx.from.is_bot) return;
      return this.pipeline.admit(`${ctx.from.id}`, next);
    });
    // One person's messages in one chat are handled in order; others run in parallel.
    bot.use(sequentialize((ctx: Context) => `${ctx.chat!.id}:${ctx.from!.id}`));
    bot.on('message', (ctx) => this.onMessage(ctx.message));
    bot.on('callback_query:data', (ctx) => this.onButton(ctx.callbackQuery));
  }

  /** A button of the bot's message: answered (a short notice), and the message redrawn. */
  private async onButton(query: CallbackQuery): Promise<void> {
    const request = actionOf(query);
    const t = this.pipeline.translatorFor(localeOf(query.from.language_code));
    const answer = request ? await this.pipeline.action(request) : { notice: t('buttons.stale') };
    await this.bot.api
      .answerCallbackQuery(query.id, { text: answer.notice })
      .catch((error: unknown) => this.log.warn({ err: error }, 'answerCallbackQuery failed'));
    if (answer.update && query.message) {
      await this.replier.editAnswer(
        targetOf(query.message),
        query.message.message_id,
        answer.update,
      );
    }
  }

  private async onMessage(message: Message): Promise<void> {
    const me = this.bot.botInfo;
    const command = commandOf(message, me);
    if (command) {
      const canManageChat = () => this.canManageChat(message);
      const answer = await this.pipeline.command({ ...command, canManageChat });
      if (answer !== undefined) await this.replier.postAnswer(targetOf(message), answer);
      return;
    }
    if (message.entities?.some((e) => e.type === 'bot_command' && e.offset === 0)) return;
    const limits = this.options.attachments ?? DEFAULT_ATTACHMENT_SETTINGS;
    const inbound = classifyMessage(message, me, { maxImageBytes: limits.maxImageBytes });
    if (inbound.kind === 'ignore') return;
    const surface = this.replier.surfaceFor(inbound.target);
    if (inbound.kind === 'not-text') {
      const t = this.pipeline.translatorFor(inbound.locale);
      await this.pipeline.notice(inbound.place, 'unsupported', t('media.textOnly'), surface);
      return;
    }
    await this.pipeline.turn(
      {
        turn: { session: inbound.session, text: inbound.text, authorName: inbound.authorName },
        place: inbound.place,
        private: inbound.private,
        attachments: bindFetcher(inbound.attachments, this.fetchFile),
        locale: inbound.locale,
      },
      surface,
    );
  }

  /**
   * Whether the author may change this chat's settings (`/persona`): always in a private chat;
   * in a group, its creator and administrators (`getChatMember`), and an anonymous
   * administrator, whose message comes from the group itself. A failed lookup says no.
   */
  private async canManageChat(message: Message): Promise<boolean> {
    if (message.chat.type === 'private') return true;
    if (message.sender_chat?.id === message.chat.id) return true;
    if (!message.from) return false;
    try {
      const member = await this.bot.api.getChatMember(message.chat.id, message.from.id);
      return member.status === 'creator' || member.status === 'administrator';
    } catch (error) {
      this.log.warn({ err: error }, 'getChatMember failed; not treated as an administrator');
      return false;
    }
  }

  /**
   * A file through the Bot API only: `getFile` for its path, then
   * `{TELEGRAM_API_ROOT}/file/bot<token>/<path>`, capped while it streams. Errors never carry the
   * URL (it holds the token).
   */
  private readonly fetchFile: FetchFile<TelegramFileRef> = async (file, maxBytes, signal) => {
    // grammY types its signal with the abort-controller polyfill; Node's is the same at run time.
    const grammySignal = signal as unknown as Parameters<Bot['api']['getFile']>[1];
    const info = await this.bot.api.getFile(file.locator.fileId, grammySignal);
    if (!info.file_path) throw new DownloadError('failed', 'getFile gave no file_path');
    if ((info.file_size ?? 0) > maxBytes)
      throw new DownloadError('too_large', 'declared too large');
    const root = this.options.apiRoot ?? 'https://api.telegram.org';
    const path = info.file_path.split('/').map(encodeURIComponent).join('/');
    return boundedDownload(`${root}/file/bot${this.bot.token}/${path}`, { maxBytes, signal });
  };
}

function startError(error: unknown): PlatformStartError {
  if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
    return new PlatformStartError(
      'telegram',
      'Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized). Copy the token again from ' +
        '@BotFather (/mybots → API Token) into .env.',
    );
  }
  // grammY's HttpError message names the method, never the URL (which holds the token).
  const reason = error instanceof GrammyError ? error.description : (error as Error).message;
  return new PlatformStartError(
    'telegram',
    `Cannot reach the Telegram Bot API: ${maskSecrets(String(reason))}`,
    { cause: error },
  );
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
