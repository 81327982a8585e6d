/** What the test makes users do with messages: write, edit and delete them. */
import { MESSAGEABLE_TYPES } from './constants.js';
import type { FakeDiscord } from './context.js';
import { mentionedRoleIds, mentionedUserIds } from './mentions.js';
import { deleteAndDispatch, dispatchMessage } from './message-events.js';
import { toWire } from './message-wire.js';
import type { StoredMessage } from './records.js';
import type { CreateMessageInput } from './types.js';
import type { MessageObject, MessageReference } from './wire-types.js';

/** A user writes a message: stored and dispatched as MESSAGE_CREATE. */
export function createMessage(discord: FakeDiscord, input: CreateMessageInput): MessageObject {
  const { world } = discord;
  const author = world.registerUser(input.author);
  const channel = world.channelOf(author, input.channelId);
  if (!MESSAGEABLE_TYPES.includes(channel.type))
    throw new Error(`fake Discord: channel ${channel.id} takes no messages`);
  const guild = world.guildOfChannel(channel);
  if (guild) world.ensureMember(guild, author);
  let reference: MessageReference | undefined;
  let repliedAuthor: string | undefined;
  if (input.referencedMessageId !== undefined) {
    const referenced = world.messages.get(input.referencedMessageId);
    if (!referenced || referenced.channelId !== channel.id) {
      throw new Error(
        `fake Discord: message ${input.referencedMessageId} is not in channel ${channel.id}`,
      );
    }
    reference = { type: 0, message_id: referenced.id, channel_id: channel.id };
    if (guild) reference.guild_id = guild.id;
    if (input.mentionRepliedUser !== false) repliedAuthor = referenced.author.id;
  }
  const userIds = new Set([
    ...mentionedUserIds(world, input.content),
    ...(input.mentions ?? []).map((u) => world.registerUser(u).id),
  ]);
  if (repliedAuthor !== undefined) userIds.add(repliedAuthor);
  const message: StoredMessage = {
    id: world.nextId(),
    channelId: channel.id,
    guildId: guild?.id,
    author,
    content: input.content,
    embeds: input.embeds ?? [],
    components: [],
    attachments: world.files.attach(
      new URL(world.apiUrl).origin,
      channel.id,
      input.attachments ?? [],
      () => world.nextId(),
    ),
    flags: input.flags ?? 0,
    type: input.type ?? (reference ? 19 : 0),
    tts: false,
    nonce: undefined,
    messageReference: reference,
    allowedMentions: undefined,
    mentions: {
      users: [...userIds],
      roles: [
        ...new Set([...mentionedRoleIds(input.content, guild), ...(input.mentionRoles ?? [])]),
      ],
      everyone: input.mentionEveryone ?? /@(everyone|here)\b/.test(input.content),
    },
    interactionId: undefined,
    body: undefined,
    edits: [],
    reactions: [],
    createdAt: Date.now(),
    editedAt: undefined,
    deletedAt: undefined,
  };
  world.storeMessage(message);
  dispatchMessage(discord, 'MESSAGE_CREATE', message);
  return toWire(world, message);
}

/** A message (any author's) is edited: MESSAGE_UPDATE. */
export function updateMessage(
  discord: FakeDiscord,
  input: { channelId: string; messageId: string; content: string },
): MessageObject {
  const message = messageIn(discord, input.channelId, input.messageId);
  const at = Date.now();
  message.content = input.content;
  message.editedAt = at;
  message.edits.push({ body: { content: input.content }, content: input.content, at });
  dispatchMessage(discord, 'MESSAGE_UPDATE', message);
  return toWire(discord.world, message);
}

/** A message is deleted: MESSAGE_DELETE. */
export function deleteMessage(discord: FakeDiscord, channelId: string, messageId: string): void {
  deleteAndDispatch(discord, messageIn(discord, channelId, messageId));
}

/** A stored message the test names; throws for one not in that channel (a mistake in the test). */
function messageIn({ world }: FakeDiscord, channelId: string, messageId: string): StoredMessage {
  const message = world.messages.get(messageId);
  if (!message || message.channelId !== channelId) {
    throw new Error(`fake Discord: message ${messageId} is not in channel ${channelId}`);
  }
  return message;
}
