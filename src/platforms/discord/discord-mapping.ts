import {
  ChannelType,
  MessageType,
  PermissionFlagsBits,
  cleanContent,
  type Message,
} from 'discord.js';
import { InvalidSessionIdError, discordSession } from '../../core/session-id.js';
import type { SessionRef } from '../../core/types.js';
import type { Place } from '../shared/access.js';
import { tidyAfterMention, type InboundTurn } from '../shared/inbound.js';
import { localeOf, type Locale } from '../shared/i18n/locales.js';
import type { ActionRequest } from '../shared/memory-commands.js';
import type { CommandRequest } from '../shared/turn-pipeline.js';
import { discordAttachments, type DiscordAttachment } from './discord-attachments.js';

/**
 * A turn's attachments are fetched from their payload URLs (stickers count as unsupported); its
 * locale is the server's preferred language, since messages carry no person's locale.
 */
export type DiscordInbound =
  | InboundTurn<DiscordAttachment>
  /** Only stickers or files the bot cannot read: a short notice, no model call. */
  | {
      readonly kind: 'not-text';
      readonly place: Place;
      readonly private: boolean;
      readonly locale?: Locale;
    }
  | { readonly kind: 'ignore'; readonly reason: string };

/**
 * Decides what a message means for the bot, with no network. In DMs every message is a turn; in
 * guilds only a mention of the bot as a user (not @everyone, @here or a role) or a reply to one of
 * its messages. The bot's mention is removed and the other user, role and channel mentions are
 * written as readable names (discord.js `cleanContent`), so the model never sees raw IDs. The
 * attachments come from the payload (their URLs are Discord's); a message with only stickers or
 * unreadable files is a notice.
 */
export function classifyDiscordMessage(message: Message, botId: string): DiscordInbound {
  if (message.author.bot || message.webhookId) return { kind: 'ignore', reason: 'from a bot' };
  if (
    message.system ||
    (message.type !== MessageType.Default && message.type !== MessageType.Reply)
  ) {
    return { kind: 'ignore', reason: 'system message' };
  }
  const isDm = message.channel.type === ChannelType.DM || !message.guildId;
  if (!isDm) {
    const mentioned = message.mentions.users.has(botId);
    const repliesToBot = message.mentions.repliedUser?.id === botId && message.reference !== null;
    if (!mentioned && !repliesToBot) return { kind: 'ignore', reason: 'not addressed to the bot' };
  }
  const attachments = discordAttachments(message);
  // Without the MessageContent intent, Discord blanks guild messages that do not mention the bot
  // (a reply with its ping turned off), attachments included: there is nothing to answer.
  if (
    !message.content.trim() &&
    attachments.length === 0 &&
    !isDm &&
    !message.mentions.users.has(botId)
  ) {
    return { kind: 'ignore', reason: 'no content (MessageContent intent off)' };
  }
  const withoutBot = message.content.replace(new RegExp(`<@!?${botId}>`, 'g'), ' ');
  const text = tidyAfterMention(cleanContent(withoutBot, message.channel));
  const place = placeOf(message.author.id, isDm ? null : message.guildId);
  const locale = isDm ? undefined : localeOf(message.guild?.preferredLocale);
  if (!text && attachments.length > 0 && attachments.every((a) => a.kind === 'unsupported')) {
    return { kind: 'not-text', place, private: isDm, locale };
  }
  let session: SessionRef;
  try {
    session = discordSession({
      guildId: isDm ? null : message.guildId,
      channelId: message.channelId,
      userId: message.author.id,
    });
  } catch (error) {
    // IDs that are not snowflakes never become keys; such a message is not for us.
    if (error instanceof InvalidSessionIdError) return { kind: 'ignore', reason: 'invalid id' };
    throw error;
  }
  return {
    kind: 'turn',
    session,
    text,
    authorName: message.member?.displayName ?? message.author.displayName,
    place,
    private: isDm,
    attachments,
    locale,
  };
}

/** Who is writing where, for the allowlists; a DM belongs to no guild. */
export function placeOf(userId: string, guildId: string | null): Place {
  return { platform: 'discord', userId, guildId: guildId ?? undefined };
}

/** The fields of a slash command the bot reads; discord.js's interaction has them all. */
export interface SlashCommand {
  readonly commandName: string;
  readonly guildId: string | null;
  readonly channelId: string | null;
  readonly user: { readonly id: string };
  readonly options: {
    getString(name: string): string | null;
    getBoolean?(name: string): boolean | null;
  };
  /** The person's client language, and the server's preferred one. */
  readonly locale?: string;
  readonly guildLocale?: string | null;
  /** The member's permissions in the channel (with Administrator implying all); null in DMs. */
  readonly memberPermissions?: { has(permission: bigint): boolean } | null;
}

/**
 * A slash command as a command request; undefined when its IDs are not valid snowflakes. Its
 * answer is ephemeral (only the person sees it), so it counts as private, and a refusal is always
 * said: the person is waiting for an answer. A chat's settings may be changed in a DM, and in a
 * server by members with Manage Server (Administrator includes it; so does being its owner).
 */
export function commandOf(interaction: SlashCommand): CommandRequest | undefined {
  const { commandName } = interaction;
  const args = argsOf(interaction);
  const inGuild = interaction.guildId !== null;
  const manager = Boolean(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild));
  let session: SessionRef;
  try {
    session = interactionSession(interaction);
  } catch (error) {
    if (error instanceof InvalidSessionIdError) return undefined;
    throw error;
  }
  return {
    name: commandName.toLowerCase(),
    args: args ?? '',
    session,
    place: placeOf(interaction.user.id, interaction.guildId),
    private: true,
    addressed: true,
    ephemeral: true,
    locale: localeOf(interaction.locale) ?? localeOf(interaction.guildLocale),
    canManageChat: () => !inGuild || manager,
  };
}

/** A command's options as the text after a typed command (`/forget everywhere`). */
function argsOf({ commandName, options }: SlashCommand): string | null {
  switch (commandName) {
    case 'forget':
      return options.getString('scope');
    case 'remember':
      // learning on|off wins over a fact when both are given.
      return options.getString('learning') ?? options.getString('fact');
    case 'persona':
      // reset wins over a text.
      return options.getBoolean?.('reset') ? 'reset' : options.getString('text');
    case 'model':
      return options.getString('name');
    default:
      return null;
  }
}

/** The fields of a button press the bot reads; discord.js's `ButtonInteraction` has them all. */
export interface ButtonPress {
  readonly customId: string;
  readonly guildId: string | null;
  readonly channelId: string | null;
  readonly user: { readonly id: string };
  /** Who ran the command whose answer holds the button. */
  readonly message: {
    readonly interactionMetadata: { readonly user: { readonly id: string } } | null;
  };
  readonly locale?: string;
  readonly guildLocale?: string | null;
}

/**
 * A pressed button as an action of the presser, in their session where it was pressed;
 * undefined when the IDs do not validate. Command answers are ephemeral, so only the person who
 * asked sees the buttons; a press by anyone else is `foreign` all the same.
 */
export function actionOf(press: ButtonPress): ActionRequest | undefined {
  let session: SessionRef;
  try {
    session = interactionSession(press);
  } catch (error) {
    if (error instanceof InvalidSessionIdError) return undefined;
    throw error;
  }
  const askedBy = press.message.interactionMetadata?.user.id;
  return {
    actionId: press.customId,
    session,
    place: placeOf(press.user.id, press.guildId),
    foreign: askedBy !== undefined && askedBy !== press.user.id,
    locale: localeOf(press.locale) ?? localeOf(press.guildLocale),
  };
}

/** The session of a slash command's user where it was used (a DM or a guild channel/thread). */
export function interactionSession(interaction: {
  guildId: string | null;
  channelId: string | null;
  user: { id: string };
}): SessionRef {
  return discordSession({
    guildId: interaction.guildId,
    channelId: interaction.channelId ?? '0',
    userId: interaction.user.id,
  });
}
