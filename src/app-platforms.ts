import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { ConversationService } from './core/conversation.js';
import { createTranscriber } from './llm/transcriber.js';
import { ATTACHMENT_TIMEOUT_MS, type AttachmentSettings } from './platforms/shared/attachments.js';
import type { DiscordPlatform } from './platforms/discord/discord-platform.js';
import type { TelegramPlatform } from './platforms/telegram/telegram-platform.js';

/**
 * The platform adapters the configuration asks for. Each platform's library (grammY, discord.js)
 * is imported only when its token is set: discord.js alone costs about 48 MiB of memory.
 */
export async function createPlatforms(
  config: Config,
  service: ConversationService,
  logger: Logger,
  options: {
    readonly primary: boolean;
    /** The Telegram client's fetch (the app's keep-alive one); default grammY's node-fetch. */
    readonly fetch?: typeof globalThis.fetch;
  },
): Promise<{ telegram?: TelegramPlatform; discord?: DiscordPlatform }> {
  // Under the Discord sharding manager, Telegram runs in shard 0 only.
  const [telegram, discord] = await Promise.all([
    options.primary ? createTelegram(config, service, logger, options.fetch) : undefined,
    createDiscord(config, service, logger),
  ]);
  return { telegram, discord };
}

/** Limits of images, voice and text files, and the transcriber (none when switched off). */
function attachmentSettings(config: Config): AttachmentSettings {
  const limits = config.attachments;
  return {
    vision: limits.vision,
    maxImages: limits.maxImages,
    maxImageBytes: limits.maxImageBytes,
    maxFileChars: limits.maxFileChars,
    maxAudioSeconds: limits.maxAudioSeconds,
    transcriber: createTranscriber(config),
    timeoutMs: ATTACHMENT_TIMEOUT_MS,
  };
}

async function createTelegram(
  config: Config,
  service: ConversationService,
  logger: Logger,
  fetch: typeof globalThis.fetch | undefined,
): Promise<TelegramPlatform | undefined> {
  const telegram = config.telegram;
  if (!telegram) return undefined;
  const [{ autoRetry }, { Bot }, { TelegramPlatform }] = await Promise.all([
    import('@grammyjs/auto-retry'),
    import('grammy'),
    import('./platforms/telegram/telegram-platform.js'),
  ]);
  const bot = new Bot(telegram.token, { client: { apiRoot: telegram.apiRoot, fetch } });
  // 429 (retry_after) and 5xx are retried; a wait over a minute fails the call instead.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  return new TelegramPlatform({
    bot,
    service,
    logger,
    streamReplies: config.streamReplies,
    memoryTtlSeconds: config.memory.ttlSeconds,
    access: config.access,
    apiRoot: telegram.apiRoot,
    attachments: attachmentSettings(config),
    language: config.language,
    webhook: telegram.webhook && {
      url: telegram.webhook.url,
      // Derived from the token when not given, so every replica sets and checks the same secret.
      secret:
        telegram.webhook.secret ??
        createHash('sha256').update(`webhook:${telegram.token}`).digest('hex'),
    },
  });
}

async function createDiscord(
  config: Config,
  service: ConversationService,
  logger: Logger,
): Promise<DiscordPlatform | undefined> {
  const discord = config.discord;
  if (!discord) return undefined;
  const [{ Client, GatewayIntentBits, Partials }, { DiscordPlatform }, { SAFE_MENTIONS }] =
    await Promise.all([
      import('discord.js'),
      import('./platforms/discord/discord-platform.js'),
      import('./platforms/discord/discord-replier.js'),
    ]);
  const client = new Client({
    // Mentions and DMs carry their content without the privileged MessageContent intent.
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
      ...(discord.messageContent ? [GatewayIntentBits.MessageContent] : []),
    ],
    partials: [Partials.Channel],
    rest: { api: discord.apiUrl },
    // The client-wide default as well as each message's: model output never pings anyone.
    allowedMentions: SAFE_MENTIONS,
  });
  return new DiscordPlatform({
    client,
    token: discord.token,
    service,
    logger,
    streamReplies: config.streamReplies,
    access: config.access,
    attachments: attachmentSettings(config),
    language: config.language,
    // Attachments come from Discord's CDN, or from the REST base's host (a proxy, a test double).
    fileOrigins: [new URL(discord.apiUrl).origin],
  });
}
