import {
  ChannelType,
  Locale,
  MessageType,
  type GatewayMessageCreateDispatchData,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSessionIdError } from '../../../src/core/session-id.js';
import {
  classifyDiscordMessage,
  commandOf,
  interactionSession,
  placeOf,
} from '../../../src/platforms/discord/discord-mapping.js';
import { OfflineDiscord } from './offline-discord.js';
import {
  dmMessage,
  dmSlashCommand,
  guildMessage,
  guildSlashCommand,
  ids,
  members,
  mention,
  replyToBot,
  users,
} from './raw-payloads.js';

const guildSession = (channelId: string, userId: string): string =>
  `discord:g${ids.guild}:c${channelId}:u${userId}`;

describe('classifyDiscordMessage (raw MESSAGE_CREATE through discord.js)', () => {
  let discord: OfflineDiscord;
  const classify = (data: GatewayMessageCreateDispatchData) =>
    classifyDiscordMessage(discord.message(data), ids.bot);

  beforeAll(() => {
    discord = new OfflineDiscord();
  });
  afterAll(() => discord.client.destroy());

  it('takes every DM as a private turn of the DM session, with no guild in its place', () => {
    const message = discord.message(dmMessage('hello there'));
    expect(message.channel.type).toBe(ChannelType.DM);
    const inbound = classifyDiscordMessage(message, ids.bot);
    expect(inbound).toEqual({
      kind: 'turn',
      session: { platform: 'discord', userId: ids.ann, id: `discord:dm:u${ids.ann}` },
      text: 'hello there',
      authorName: 'Ann Lee',
      place: { platform: 'discord', userId: ids.ann },
      private: true,
      attachments: [],
    });
    expect(inbound.kind === 'turn' && inbound.place.guildId).toBeUndefined();
  });

  it('answers a mention in a guild: mention stripped, other mentions as readable names', () => {
    const content = `${mention(ids.bot)} ask <@!${ids.bob}> and <@&${ids.moderators}> about <#${ids.random}>`;
    const inbound = classify(guildMessage(content, { mentioned: [ids.bot, ids.bob] }));
    expect(inbound).toEqual({
      kind: 'turn',
      session: { platform: 'discord', userId: ids.ann, id: guildSession(ids.general, ids.ann) },
      text: 'ask @Bobby and @Moderators about #random',
      authorName: 'Annie',
      place: { platform: 'discord', userId: ids.ann, guildId: ids.guild },
      private: false,
      attachments: [],
      // Messages carry no person's language: the server's preferred one (en-US here).
      locale: 'en',
    });
  });

  it('strips the mention wherever it stands, with the punctuation that followed it at the start', () => {
    expect(
      classify(guildMessage(`${mention(ids.bot)}, what is 2+2?`, { mentioned: [ids.bot] })),
    ).toMatchObject({ kind: 'turn', text: 'what is 2+2?' });
    expect(
      classify(
        guildMessage(`thanks ${mention(ids.bot)} , bye <@!${ids.bot}>`, { mentioned: [ids.bot] }),
      ),
    ).toMatchObject({ kind: 'turn', text: 'thanks, bye' });
    // A bare mention is a turn with no text: the core refuses blank messages with its own answer.
    expect(classify(guildMessage(mention(ids.bot), { mentioned: [ids.bot] }))).toMatchObject({
      kind: 'turn',
      text: '',
    });
  });

  it('answers a reply to one of its messages, with or without the ping', () => {
    expect(classify(replyToBot('and then?', { ping: true }))).toMatchObject({
      kind: 'turn',
      text: 'and then?',
      session: { id: guildSession(ids.general, ids.ann) },
    });
    // Ping off, MessageContent intent on: Discord still sends the text.
    expect(classify(replyToBot('and then?', { ping: false }))).toMatchObject({
      kind: 'turn',
      text: 'and then?',
    });
  });

  it('keeps a thread apart: the thread is its own channel in the session', () => {
    const inThread = guildMessage(`${mention(ids.bot)} summarise the plan`, {
      channel_id: ids.thread,
      channel_type: ChannelType.PublicThread,
      mentioned: [ids.bot],
    });
    const message = discord.message(inThread);
    expect(message.channel.isThread() && message.channel.parentId).toBe(ids.general);
    expect(classifyDiscordMessage(message, ids.bot)).toMatchObject({
      kind: 'turn',
      text: 'summarise the plan',
      session: { id: guildSession(ids.thread, ids.ann) },
      place: { guildId: ids.guild },
    });
  });

  it('names the author by server nickname, then global display name, then username', () => {
    const from = (author: (typeof users)['bob']) =>
      classify(guildMessage(`${mention(ids.bot)} hi`, { author, mentioned: [ids.bot] }));
    expect(from(users.ann)).toMatchObject({ authorName: 'Annie' });
    expect(from(users.bob)).toMatchObject({ authorName: 'Bobby' });
    expect(from(users.carol)).toMatchObject({ authorName: 'carol' });
    // In a DM there is no member: the global display name, then the username.
    expect(classify(dmMessage('hi', { author: users.carol }))).toMatchObject({
      authorName: 'carol',
      session: { id: `discord:dm:u${ids.carol}` },
    });
  });

  it('ignores bots, webhooks and its own messages, even when they mention it', () => {
    const hi = `${mention(ids.bot)} hi`;
    expect(classify(guildMessage(hi, { author: users.otherBot, mentioned: [ids.bot] }))).toEqual({
      kind: 'ignore',
      reason: 'from a bot',
    });
    expect(classify(dmMessage('hi', { author: users.otherBot }))).toMatchObject({
      kind: 'ignore',
      reason: 'from a bot',
    });
    const webhookAuthor = { id: '1900000000000000001', username: 'Alerts', discriminator: '0000' };
    const webhook = guildMessage(hi, {
      author: { ...webhookAuthor, global_name: null, avatar: null },
      webhook_id: webhookAuthor.id,
      mentioned: [ids.bot],
    });
    expect(classify(webhook)).toEqual({ kind: 'ignore', reason: 'from a bot' });
    expect(classify(guildMessage('Earlier answer.', { author: users.bot }))).toMatchObject({
      kind: 'ignore',
    });
  });

  it('ignores system messages in guilds and DMs', () => {
    const join = guildMessage('', { type: MessageType.UserJoin });
    expect(classify(join)).toEqual({ kind: 'ignore', reason: 'system message' });
    const pinned = dmMessage('', { type: MessageType.ChannelPinnedMessage });
    expect(classify(pinned)).toEqual({ kind: 'ignore', reason: 'system message' });
  });

  it('ignores guild messages not addressed to it: no mention, @everyone, @here, roles, others', () => {
    const notAddressed = { kind: 'ignore', reason: 'not addressed to the bot' };
    expect(classify(guildMessage('just chatting'))).toEqual(notAddressed);
    expect(classify(guildMessage('@everyone hi', { mention_everyone: true }))).toEqual(
      notAddressed,
    );
    expect(classify(guildMessage('@here hi', { mention_everyone: true }))).toEqual(notAddressed);
    expect(
      classify(guildMessage(`<@&${ids.moderators}> hi`, { mention_roles: [ids.moderators] })),
    ).toEqual(notAddressed);
    expect(classify(guildMessage(`${mention(ids.bob)} hi`, { mentioned: [ids.bob] }))).toEqual(
      notAddressed,
    );
    // A reply to someone else's message is not a reply to the bot.
    const toBob = guildMessage('me too', {
      type: MessageType.Reply,
      mentioned: [ids.bob],
      message_reference: { message_id: '1600000000000000000', channel_id: ids.general },
      referenced_message: guildMessage('I like tea', { author: users.bob }),
    });
    expect(classify(toBob)).toEqual(notAddressed);
  });

  it('ignores a blanked reply (ping off, no MessageContent intent): nothing to answer', () => {
    expect(classify(replyToBot('', { ping: false }))).toEqual({
      kind: 'ignore',
      reason: 'no content (MessageContent intent off)',
    });
  });

  it('ignores messages whose IDs are not snowflakes: they never become keys', () => {
    const crafted = { ...users.ann, id: 'ann:*' };
    expect(classify(dmMessage('hi', { author: crafted }))).toEqual({
      kind: 'ignore',
      reason: 'invalid id',
    });
    const badChannel = guildMessage(`${mention(ids.bot)} hi`, {
      channel_id: '{general}',
      mentioned: [ids.bot],
    });
    expect(classify(badChannel)).toEqual({ kind: 'ignore', reason: 'invalid id' });
  });
});

describe('commandOf and interactionSession (raw INTERACTION_CREATE through discord.js)', () => {
  let discord: OfflineDiscord;

  beforeAll(() => {
    discord = new OfflineDiscord();
  });
  afterAll(() => discord.client.destroy());

  it('maps /forget everywhere in a guild to an ephemeral, private command of the guild session', () => {
    const interaction = discord.command(guildSlashCommand('forget', { scope: 'everywhere' }));
    expect(commandOf(interaction)).toEqual({
      name: 'forget',
      args: 'everywhere',
      session: { platform: 'discord', userId: ids.ann, id: guildSession(ids.general, ids.ann) },
      place: { platform: 'discord', userId: ids.ann, guildId: ids.guild },
      private: true,
      addressed: true,
      ephemeral: true,
      locale: 'en',
      canManageChat: expect.any(Function),
    });
  });

  it('gives /forget without a scope no arguments, and uses the thread as the channel', () => {
    const interaction = discord.command(
      guildSlashCommand('forget', {}, { channelId: ids.thread, member: members.bob }),
    );
    expect(commandOf(interaction)).toMatchObject({
      name: 'forget',
      args: '',
      session: { id: guildSession(ids.thread, ids.bob) },
    });
  });

  it('maps /memory in a DM to the DM session, with no guild in its place', () => {
    const interaction = discord.command(dmSlashCommand('memory'));
    const request = commandOf(interaction);
    expect(request).toEqual({
      name: 'memory',
      args: '',
      session: { platform: 'discord', userId: ids.ann, id: `discord:dm:u${ids.ann}` },
      place: { platform: 'discord', userId: ids.ann },
      private: true,
      addressed: true,
      ephemeral: true,
      locale: 'en',
      canManageChat: expect.any(Function),
    });
    expect(request?.place.guildId).toBeUndefined();
    expect(interactionSession(interaction)).toEqual(request?.session);
  });

  it("takes the person's client language, else the server's", () => {
    const german = { ...guildSlashCommand('memory'), locale: Locale.German };
    expect(commandOf(discord.command(german))?.locale).toBe('de');
    const italian = {
      ...guildSlashCommand('memory'),
      locale: Locale.Italian,
      guild_locale: Locale.Japanese,
    };
    expect(commandOf(discord.command(italian))?.locale).toBe('ja');
    const dm = { ...dmSlashCommand('memory'), locale: Locale.Italian };
    expect(commandOf(discord.command(dm))?.locale).toBeUndefined();
  });

  it('reads only the scope of /forget as arguments', () => {
    const interaction = discord.command(guildSlashCommand('memory', { scope: 'everywhere' }));
    expect(commandOf(interaction)).toMatchObject({ name: 'memory', args: '' });
  });

  it('maps no command for a user ID that is not a snowflake', () => {
    const interaction = discord.command(dmSlashCommand('memory', {}, { ...users.ann, id: 'x' }));
    expect(commandOf(interaction)).toBeUndefined();
    expect(() => interactionSession(interaction)).toThrow(InvalidSessionIdError);
  });
});

describe('placeOf', () => {
  it('puts a guild message in its guild and a DM in none', () => {
    expect(placeOf(ids.ann, ids.guild)).toEqual({
      platform: 'discord',
      userId: ids.ann,
      guildId: ids.guild,
    });
    expect(placeOf(ids.ann, null)).toEqual({ platform: 'discord', userId: ids.ann });
    expect(placeOf(ids.ann, null).guildId).toBeUndefined();
  });
});
