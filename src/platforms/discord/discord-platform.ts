import {
  Events,
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  type Message,
} from 'discord.js';
import type { Logger } from 'pino';
import { bindFetcher, type FetchFile } from '../shared/attachments.js';
import { boundedDownload, DownloadError } from '../shared/bounded-download.js';
import { LocaleMemory } from '../shared/i18n/locale-memory.js';
import { localeOf, type Locale } from '../shared/i18n/locales.js';
import { PlatformStartError } from '../shared/start-error.js';
import {
  TurnPipeline,
  sharedOptions,
  type SharedPlatformOptions,
} from '../shared/turn-pipeline.js';
import { isDiscordFileUrl, type DiscordFileRef } from './discord-attachments.js';
import { syncCommands } from './discord-commands.js';
import { componentsOf } from './discord-buttons.js';
import { actionOf, classifyDiscordMessage, commandOf } from './discord-mapping.js';
import { DiscordReplier } from './discord-replier.js';

/** Discord's limit on a message's content, in characters. */
const DISCORD_TEXT_LIMIT = 2000;

export interface DiscordPlatformOptions extends SharedPlatformOptions {
  /** A discord.js client built with the bot's intents (see `createDiscord` in app.ts), not logged in yet. */
  readonly client: Client;
  readonly token: string;
  /** How long login may take to become ready. Default 30 s. */
  readonly readyTimeoutMs?: number;
  /**
   * Least time between edits in a channel while streaming. Default 1200 ms: Discord allows about
   * five edits per five seconds per channel, and the final edit must not wait.
   */
  readonly editIntervalMs?: number;
  /**
   * Origins attachments may be fetched from besides Discord's CDN: the origin of
   * `DISCORD_API_URL` (a proxy, a test double). Default none.
   */
  readonly fileOrigins?: readonly string[];
}

/**
 * The Discord adapter: mentions, replies to the bot and DMs become turns, `/forget` and `/memory`
 * are answered ephemerally; the mapping decides, the shared pipeline answers.
 */
export class DiscordPlatform {
  private readonly client: Client;
  private readonly replier: DiscordReplier;
  private readonly pipeline: TurnPipeline;
  private readonly log: Logger;
  /** Each person's client language from their interactions, for their later messages. */
  private readonly locales = new LocaleMemory();

  constructor(private readonly options: DiscordPlatformOptions) {
    this.client = options.client;
    this.log = options.logger.child({ platform: 'discord' });
    this.replier = new DiscordReplier(this.log);
    this.pipeline = new TurnPipeline({
      ...sharedOptions(options),
      platform: 'discord',
      logger: this.log,
      editIntervalMs: options.editIntervalMs ?? 1200,
      unknownCommand: (name, t) => t('command.unknown', { name }),
      commandTextLimit: DISCORD_TEXT_LIMIT,
    });
    // Nothing a message does may escape into discord.js's event loop.
    const guard = (task: () => Promise<void>) =>
      void task().catch((error: unknown) => this.log.error({ err: error }, 'event failed'));
    this.client.on(Events.MessageCreate, (message) => guard(() => this.onMessage(message)));
    this.client.on(Events.InteractionCreate, (interaction) =>
      guard(() => this.onInteraction(interaction)),
    );
    this.client.on(Events.Error, (error) => this.log.error({ err: error }, 'discord client error'));
    this.client.on(Events.Warn, (warning) => this.log.warn({ warning }, 'discord warning'));
    this.client.on(Events.ShardDisconnect, (event, shard) =>
      this.log.warn({ code: event.code, shard }, 'discord gateway disconnected'),
    );
  }

  /** Logs in, waits until ready, then registers the slash commands if they changed. */
  async start(): Promise<void> {
    const ready = new Promise<void>((resolve) =>
      this.client.once(Events.ClientReady, () => resolve()),
    );
    try {
      await this.client.login(this.options.token);
    } catch (error) {
      throw startError(error);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new PlatformStartError(
                'discord',
                'Discord did not get ready in time: check DISCORD_API_URL and the network.',
              ),
            ),
          this.options.readyTimeoutMs ?? 30_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    this.log.info(
      { user: this.client.user?.tag, guilds: this.client.guilds.cache.size },
      'discord client ready',
    );
    await this.registerCommands().catch((error: unknown) =>
      this.log.warn({ err: error }, 'slash command registration failed'),
    );
  }

  get connected(): boolean {
    return this.client.isReady();
  }

  /** Registers the global commands only when they differ from what Discord has. */
  async registerCommands(): Promise<boolean> {
    const written = await syncCommands(
      this.client.rest,
      this.client.application?.id,
      this.options.language,
    );
    if (written) this.log.info('slash commands registered');
    return written;
  }

  async stop(): Promise<void> {
    await this.pipeline.stop();
    await this.client.destroy();
  }

  private async onMessage(message: Message): Promise<void> {
    const botId = this.client.user?.id;
    if (!botId) return;
    const inbound = classifyDiscordMessage(message, botId);
    if (inbound.kind === 'ignore') return;
    const surface = this.replier.surfaceFor(message);
    const locale = this.locales.recall(message.author.id) ?? inbound.locale;
    if (inbound.kind === 'not-text') {
      const t = this.pipeline.translatorFor(locale);
      await this.pipeline.admit(message.author.id, () =>
        this.pipeline.notice(inbound.place, 'unsupported', t('media.textOnly'), surface),
      );
      return;
    }
    await this.pipeline.admit(message.author.id, () =>
      this.pipeline.turn(
        {
          turn: { session: inbound.session, text: inbound.text, authorName: inbound.authorName },
          place: inbound.place,
          private: inbound.private,
          attachments: bindFetcher(inbound.attachments, this.fetchFile),
          locale,
        },
        surface,
      ),
    );
  }

  /** An attachment from its payload URL, only when Discord serves it; capped while it streams. */
  private readonly fetchFile: FetchFile<DiscordFileRef> = (file, maxBytes, signal) => {
    if (!isDiscordFileUrl(file.locator.url, this.options.fileOrigins)) {
      return Promise.reject(new DownloadError('failed', 'not a Discord attachment URL'));
    }
    return boundedDownload(file.locator.url, { maxBytes, signal });
  };

  private async onInteraction(interaction: Interaction): Promise<void> {
    if (interaction.isButton() || interaction.isChatInputCommand()) {
      this.locales.remember(interaction.user.id, interaction.locale);
    }
    if (interaction.isButton()) {
      await this.pipeline.admit(`command:${interaction.user.id}`, () => this.onButton(interaction));
      return;
    }
    if (!interaction.isChatInputCommand()) return;
    await this.pipeline.admit(`command:${interaction.user.id}`, () =>
      this.answerCommand(interaction),
    );
  }

  /**
   * A button of a command's answer (an ephemeral message): acknowledged first, then the message
   * redrawn with the notice on top, or the notice alone, to the presser only.
   */
  private async onButton(interaction: ButtonInteraction): Promise<void> {
    const request = actionOf(interaction);
    const t = this.pipeline.translatorFor(interactionLocale(interaction));
    const answer = request ? await this.pipeline.action(request) : { notice: t('buttons.stale') };
    const sent = answer.update
      ? interaction.update({
          content: `_${answer.notice}_\n\n${answer.update.text}`.slice(0, DISCORD_TEXT_LIMIT),
          components: componentsOf(answer.update),
          allowedMentions: { parse: [] },
        })
      : interaction.reply({ content: answer.notice, flags: MessageFlags.Ephemeral });
    await sent.catch((error: unknown) =>
      this.log.warn({ err: error }, 'could not answer a button'),
    );
  }

  /** Acknowledges first (Discord allows 3 s; Redis may be slower when unwell), then answers. */
  private async answerCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    try {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    } catch (error) {
      this.log.warn({ err: error }, 'could not acknowledge a command');
      return;
    }
    const request = commandOf(interaction);
    const t = this.pipeline.translatorFor(interactionLocale(interaction));
    const reply = request ? await this.pipeline.command(request) : { text: t('error.generic') };
    const answer =
      reply === undefined
        ? interaction.deleteReply()
        : interaction.editReply({
            content: reply.text,
            components: componentsOf(reply),
            allowedMentions: { parse: [] },
          });
    await answer.catch((error: unknown) => {
      this.log.warn({ err: error }, 'could not answer a command');
    });
  }
}

/** The language of an interaction: the person's client, else the server's. */
function interactionLocale(interaction: {
  locale: string;
  guildLocale: string | null;
}): Locale | undefined {
  return localeOf(interaction.locale) ?? localeOf(interaction.guildLocale);
}

function startError(error: unknown): PlatformStartError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'TokenInvalid' || /invalid token|401|Authentication failed/i.test(message)) {
    return new PlatformStartError(
      'discord',
      'Discord rejected DISCORD_TOKEN. Copy the bot token again from the Developer Portal ' +
        '(Applications → your app → Bot → Reset Token) into .env.',
      { cause: error },
    );
  }
  if (code === 'DisallowedIntents' || /disallowed intents|Privileged intent/i.test(message)) {
    return new PlatformStartError(
      'discord',
      'Discord refused the gateway intents. This bot needs no privileged intent; if you enabled ' +
        'DISCORD_MESSAGE_CONTENT, also turn on "Message Content Intent" in the Developer Portal (Bot page).',
      { cause: error },
    );
  }
  return new PlatformStartError('discord', `Cannot connect to Discord: ${message}`, {
    cause: error,
  });
}
