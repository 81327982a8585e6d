import { ChannelType, MessageType, cleanContent, type Message } from 'discord.js';
import { discordSession } from '../../core/session-id.js';
import type { SessionRef } from '../../core/types.js';

export type DiscordInbound =
  | {
      readonly kind: 'turn';
      readonly session: SessionRef;
      readonly text: string;
      readonly authorName: string;
    }
  | { readonly kind: 'ignore'; readonly reason: string };

/**
 * Decides what a message means for the bot, with no network. In DMs every message is a turn; in
 * guilds only a mention of the bot as a user (not @everyone, @here or a role) or a reply to one of
 * its messages. The bot's mention is removed and the other user, role and channel mentions are
 * written as readable names (discord.js `cleanContent`), so the model never sees raw IDs.
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
  // Without the MessageContent intent, Discord blanks guild messages that do not mention the bot
  // (a reply with its ping turned off): there is nothing to answer.
  if (!message.content.trim() && !isDm && !message.mentions.users.has(botId)) {
    return { kind: 'ignore', reason: 'no content (MessageContent intent off)' };
  }
  const withoutBot = message.content.replace(new RegExp(`<@!?${botId}>`, 'g'), ' ');
  const text = cleanContent(withoutBot, message.channel)
    .replace(/^[\s,:;.!-]+/, '')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/[ \t]+([,.;:!?])/g, '$1')
    .trim();
  return {
    kind: 'turn',
    session: discordSession({
      guildId: isDm ? null : message.guildId,
      channelId: message.channelId,
      userId: message.author.id,
    }),
    text,
    authorName: message.member?.displayName ?? message.author.displayName,
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
