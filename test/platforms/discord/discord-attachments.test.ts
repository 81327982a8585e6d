import { MessageFlags, StickerFormatType, type APIAttachment } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDiscordFileUrl } from '../../../src/platforms/discord/discord-attachments.js';
import { classifyDiscordMessage } from '../../../src/platforms/discord/discord-mapping.js';
import { OfflineDiscord } from './offline-discord.js';
import { dmMessage, guildMessage, ids, mention, replyToBot } from './raw-payloads.js';

const CDN = 'https://cdn.discordapp.com/attachments';

/** An attachment as MESSAGE_CREATE carries it. */
function attachment(filename: string, fields: Partial<APIAttachment> = {}): APIAttachment {
  const id = String(1_700_000_000_000_000_000n + BigInt(filename.length));
  return {
    id,
    filename,
    size: 1234,
    url: `${CDN}/${ids.dm}/${id}/${filename}?ex=1&is=2&hm=3`,
    proxy_url: `https://media.discordapp.net/attachments/${ids.dm}/${id}/${filename}`,
    ...fields,
  };
}

describe('classifyDiscordMessage with attachments (raw MESSAGE_CREATE through discord.js)', () => {
  let discord: OfflineDiscord;
  const classify = (data: Parameters<OfflineDiscord['message']>[0]) =>
    classifyDiscordMessage(discord.message(data), ids.bot);

  beforeAll(() => {
    discord = new OfflineDiscord();
  });
  afterAll(() => discord.client.destroy());

  it('takes a DM image with its text, located by the payload URL, never one from the text', () => {
    const shot = attachment('shot.png', { content_type: 'image/png', size: 48_000 });
    const inbound = classify(
      dmMessage('what is https://evil.example/x.png?', { attachments: [shot] }),
    );
    expect(inbound).toMatchObject({
      kind: 'turn',
      text: 'what is https://evil.example/x.png?',
      attachments: [
        {
          kind: 'image',
          name: 'shot.png',
          mime: 'image/png',
          size: 48_000,
          locator: { url: shot.url },
        },
      ],
    });
    expect(inbound.kind === 'turn' && inbound.attachments).toHaveLength(1);
  });

  it('takes a voice message with its duration, and a text file, with no text at all', () => {
    const voice = attachment('voice-message.ogg', {
      content_type: 'audio/ogg',
      duration_secs: 7.4,
      waveform: 'AAAA',
    });
    expect(
      classify(dmMessage('', { attachments: [voice], flags: MessageFlags.IsVoiceMessage })),
    ).toMatchObject({
      kind: 'turn',
      text: '',
      attachments: [{ kind: 'audio', name: 'voice-message.ogg', durationSeconds: 7.4 }],
    });
    const notes = attachment('notes.md', { content_type: 'text/markdown; charset=utf-8' });
    expect(classify(dmMessage('', { attachments: [notes] }))).toMatchObject({
      attachments: [{ kind: 'text-file', name: 'notes.md' }],
    });
  });

  it('in a guild, answers an image with a mention or a reply to it, not an image alone', () => {
    const shot = attachment('shot.jpg', { content_type: 'image/jpeg' });
    expect(
      classify(guildMessage(mention(ids.bot), { mentioned: [ids.bot], attachments: [shot] })),
    ).toMatchObject({ kind: 'turn', text: '', attachments: [{ kind: 'image' }] });
    expect(classify({ ...replyToBot('', { ping: true }), attachments: [shot] })).toMatchObject({
      kind: 'turn',
      attachments: [{ name: 'shot.jpg' }],
    });
    expect(classify(guildMessage('', { attachments: [shot] }))).toEqual({
      kind: 'ignore',
      reason: 'not addressed to the bot',
    });
  });

  it('answers stickers and files it cannot read with the notice, and notes them beside text', () => {
    const sticker = { id: ids.bob, name: 'wave', format_type: StickerFormatType.PNG };
    expect(classify(dmMessage('', { sticker_items: [sticker] }))).toEqual({
      kind: 'not-text',
      place: { platform: 'discord', userId: ids.ann },
      private: true,
    });
    const pdf = attachment('report.pdf', { content_type: 'application/pdf' });
    expect(classify(dmMessage('', { attachments: [pdf] }))).toMatchObject({ kind: 'not-text' });
    expect(classify(dmMessage('summarise it', { attachments: [pdf] }))).toMatchObject({
      kind: 'turn',
      attachments: [{ kind: 'unsupported', name: 'report.pdf' }],
    });
  });
});

describe('isDiscordFileUrl', () => {
  it("fetches only from Discord's CDN or the configured API host", () => {
    expect(isDiscordFileUrl(`${CDN}/1/2/a.png`)).toBe(true);
    expect(isDiscordFileUrl('https://media.discordapp.net/attachments/1/2/a.png')).toBe(true);
    expect(isDiscordFileUrl('https://cdn.discordapp.com.evil.example/a.png')).toBe(false);
    expect(isDiscordFileUrl('http://169.254.169.254/latest/meta-data')).toBe(false);
    expect(isDiscordFileUrl('not a url')).toBe(false);
    expect(
      isDiscordFileUrl('http://127.0.0.1:4000/attachments/a.png', ['http://127.0.0.1:4000']),
    ).toBe(true);
  });
});
