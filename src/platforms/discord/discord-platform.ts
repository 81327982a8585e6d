import {
  Events,
  MessageFlags,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  type Message,
} from 'discord.js';
import type { Logger } from 'pino';
import type { ConversationService } from '../../core/conversation.js';
import { userMessageFor } from '../../core/errors.js';
import { NOT_ALLOWED, isAllowed, type AccessLists } from '../shared/access.js';
import { describeMemory, forgotten } from '../shared/replies.js';
import { syncCommands } from './discord-commands.js';
import { classifyDiscordMessage, interactionSession } from './discord-mapping.js';
import { DiscordReplier, describeDiscordError } from './discord-replier.js';

export interface DiscordPlatformOptions {
  /** A discord.js client built with the intents of `DISCORD_INTENTS`, not logged in yet. */
  readonly client: Client;
  readonly token: string;
  readonly service: ConversationService;
  readonly logger: Logger;
  readonly streamReplies: boolean;
  /** How long login may take to become ready. Default 30 s. */
  readonly readyTimeoutMs?: number;
  /** Least time between edits in a channel while streaming. Default 1200 ms. */
  readonly editIntervalMs?: number;
  /** Who may talk to the bot; others get a polite refusal in DMs, silence in guilds. */
  readonly access?: AccessLists;
}

export class DiscordStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DiscordStartError';
  }
}

/**
 * The Discord adapter: mentions, replies to the bot and DMs become turns; `/forget` and `/memory`
 * are answered ephemerally. Nothing a message or a failed call does can escape a handler.
 */
export class DiscordPlatform {
  private readonly client: Client;
  private readonly replier: DiscordReplier;
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly options: DiscordPlatformOptions) {
    this.client = options.client;
    this.log = options.logger.child({ platform: 'discord' });
    this.replier = new DiscordReplier(
      { streamReplies: options.streamReplies, editIntervalMs: options.editIntervalMs },
      this.log,
    );
    this.client.on(Events.MessageCreate, (message) => this.track(this.onMessage(message)));
    this.client.on(Events.InteractionCreate, (interaction) =>
      this.track(this.onInteraction(interaction)),
    );
    this.client.on(Events.Error, (error) =>
      this.log.error({ err: describeDiscordError(error) }, 'discord client error'),
    );
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
              new DiscordStartError(
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
      this.log.warn({ err: describeDiscordError(error) }, 'slash command registration failed'),
    );
  }

  get connected(): boolean {
    return this.client.isReady();
  }

  /** Registers the global commands only when they differ from what Discord has. */
  async registerCommands(): Promise<boolean> {
    const written = await syncCommands(this.client.rest, this.client.application?.id);
    if (written) this.log.info('slash commands registered');
    return written;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.inFlight]);
    await this.client.destroy();
  }

  private track(task: Promise<void>): void {
    const tracked = task.catch((error: unknown) =>
      this.log.error({ err: describeDiscordError(error) }, 'event failed'),
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private allowed(userId: string, guildId: string | null): boolean {
    const access = this.options.access;
    return (
      !access || isAllowed(access, { platform: 'discord', userId, guildId: guildId ?? undefined })
    );
  }

  private async onMessage(message: Message): Promise<void> {
    if (this.stopped || !this.client.user) return;
    const inbound = classifyDiscordMessage(message, this.client.user.id);
    if (inbound.kind === 'ignore') return;
    if (!this.allowed(message.author.id, message.guildId)) {
      if (!message.guildId) await this.replier.reply(message, NOT_ALLOWED);
      return;
    }
    try {
      await this.replier.answer(message, (onDelta) =>
        this.options.service.reply(
          { session: inbound.session, text: inbound.text, authorName: inbound.authorName },
          { onDelta },
        ),
      );
    } catch (error) {
      this.log.warn(
        { err: describeDiscordError(error), session: inbound.session.id },
        'turn failed',
      );
      await this.replier.reply(message, userMessageFor(error));
    }
  }

  private async onInteraction(interaction: Interaction): Promise<void> {
    if (!interaction.isChatInputCommand()) return;
    // Acknowledge first: Discord allows 3 seconds, Redis might take longer when it is unwell.
    try {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    } catch (error) {
      this.log.warn({ err: describeDiscordError(error) }, 'could not acknowledge a command');
      return;
    }
    let text: string;
    try {
      text = await this.command(interaction);
    } catch (error) {
      this.log.warn(
        { err: describeDiscordError(error), command: interaction.commandName },
        'command failed',
      );
      text = userMessageFor(error);
    }
    await interaction
      .editReply({ content: text, allowedMentions: { parse: [] } })
      .catch((error: unknown) => {
        this.log.warn({ err: describeDiscordError(error) }, 'could not answer a command');
      });
  }

  private async command(interaction: ChatInputCommandInteraction): Promise<string> {
    const session = interactionSession(interaction);
    // /forget works for everyone (it only removes data); /memory needs access.
    if (
      interaction.commandName !== 'forget' &&
      !this.allowed(interaction.user.id, interaction.guildId)
    ) {
      return NOT_ALLOWED;
    }
    switch (interaction.commandName) {
      case 'memory':
        return describeMemory(await this.options.service.memory(session));
      case 'forget': {
        if (interaction.options.getString('scope') === 'everywhere') {
          const count = await this.options.service.forgetUser('discord', interaction.user.id);
          return forgotten('everywhere', count);
        }
        await this.options.service.forget(session);
        return forgotten('here');
      }
      default:
        return `I do not know /${interaction.commandName}.`;
    }
  }
}

function startError(error: unknown): DiscordStartError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'TokenInvalid' || /invalid token|401|Authentication failed/i.test(message)) {
    return new DiscordStartError(
      'Discord rejected DISCORD_TOKEN. Copy the bot token again from the Developer Portal ' +
        '(Applications → your app → Bot → Reset Token) into .env.',
      { cause: error },
    );
  }
  if (code === 'DisallowedIntents' || /disallowed intents|Privileged intent/i.test(message)) {
    return new DiscordStartError(
      'Discord refused the gateway intents. This bot needs no privileged intent; if you enabled ' +
        'DISCORD_MESSAGE_CONTENT, also turn on "Message Content Intent" in the Developer Portal (Bot page).',
      { cause: error },
    );
  }
  return new DiscordStartError(`Cannot connect to Discord: ${message}`, { cause: error });
}
