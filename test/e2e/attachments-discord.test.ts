import { beforeEach, describe, expect, it } from 'vitest';
import { dataUrlBytes, imagePartsOf, lastUserText } from '../doubles/fake-openai-server.js';
import type {
  CreateMessageInput,
  FakeChannel,
  StoredMessage,
} from '../doubles/fake-discord-server.js';
import { useDiscordE2E } from '../support/discord-e2e.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.discord-files_for-tests';
const PNG = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  Buffer.alloc(3000, 3),
]);
const VOICE = Buffer.from('OggS opus frames of a Discord voice message');
/** MessageFlags.IsVoiceMessage. */
const IS_VOICE_MESSAGE = 1 << 13;

/**
 * Images, voice messages and files through the real discord.js client of the project (built by
 * createApp) against the fake Discord (attachments served at CDN-shaped URLs), the real
 * ChatOpenAI and transcriber against the fake OpenAI server, and real Redis.
 */
describe('Discord attachments end to end', () => {
  const dc = useDiscordE2E('discord-files', {
    token: TOKEN,
    apiKey: 'sk-discord-files',
    guild: { name: 'Files', channels: [{ name: 'general' }] },
    env: { LLM_TIMEOUT_MS: '5000' },
  });
  const { e2e, botMessages } = dc;
  let general: FakeChannel;

  beforeEach(() => {
    [general] = dc.guild.channels as [FakeChannel];
  });

  /** Alice writes (in a DM unless a channel is given); resolves with the bot's next `count` messages. */
  async function send(
    input: Omit<CreateMessageInput, 'author'>,
    count = 1,
  ): Promise<StoredMessage[]> {
    const channel = input.channelId ?? dc.discord.dmChannelFor(dc.alice).id;
    const before = botMessages(channel).length;
    dc.discord.createMessage({ author: dc.alice, ...input });
    await dc.discord.waitFor(() => botMessages(channel).length >= before + count, 8000);
    await new Promise((r) => setTimeout(r, 200));
    return botMessages(channel).slice(before);
  }

  it('sends an image attachment as an image part with the same bytes, and remembers only text', async () => {
    await dc.start();
    const [answer] = await send({
      content: 'what does this error mean?',
      attachments: [{ filename: 'error.png', contentType: 'image/png', data: PNG }],
    });
    expect(answer!.content).toBe('echo: what does this error mean?');
    const parts = imagePartsOf(e2e.openai.requests[0]!.body!.messages);
    expect(parts.map((p) => dataUrlBytes(p.url))).toEqual([{ mime: 'image/png', bytes: PNG }]);
    expect(dc.discord.downloads()).toHaveLength(1);

    await send({ content: 'and how do I fix it?' });
    const next = e2e.openai.requests[1]!.body!.messages;
    expect(imagePartsOf(next)).toEqual([]);
    expect(next.map((m) => m.content)).toContain('what does this error mean?\n[image: error.png]');
  });

  it('transcribes a voice message, quotes it before the answer and answers it', async () => {
    await dc.start();
    e2e.openai.transcriptions.enqueue({ text: 'What is the capital of Peru?' });
    const [quote, answer] = await send(
      {
        content: '',
        flags: IS_VOICE_MESSAGE,
        attachments: [
          {
            filename: 'voice-message.ogg',
            contentType: 'audio/ogg',
            data: VOICE,
            durationSecs: 2.5,
            waveform: 'AAAA',
          },
        ],
      },
      2,
    );
    expect(quote!.content).toBe('> 🎤 “What is the capital of Peru?”');
    expect(answer!.content).toBe('echo: What is the capital of Peru?');
    expect(e2e.openai.transcriptions.requests[0]!.bytes).toEqual(VOICE);
  });

  it('reads a text file mentioned to it in a server channel', async () => {
    await dc.start();
    const [answer] = await send({
      channelId: general.id,
      content: `<@${dc.bot.id}> what does this do?`,
      attachments: [
        { filename: 'main.py', contentType: 'text/x-python', data: Buffer.from('print(1)\n') },
      ],
    });
    expect(lastUserText(e2e.openai.requests[0]!.body!)).toBe(
      'what does this do?\n\nFile "main.py":\n```\nprint(1)\n\n```',
    );
    expect(answer!.content).toMatch(/^echo: what does this do\?/);
  });

  it('refuses an oversized image before downloading it, with no model call', async () => {
    await dc.start();
    const [refused] = await send({
      content: 'look',
      attachments: [
        { filename: 'huge.png', contentType: 'image/png', data: PNG, size: 8 * 1024 * 1024 },
      ],
    });
    expect(refused!.content).toBe('huge\\.png is too large: I can look at images of at most 5 MB.');
    expect(dc.discord.downloads()).toEqual([]);
    expect(e2e.openai.requests).toHaveLength(0);
  });

  it('still answers the text when the model refuses images, and notes files it cannot read', async () => {
    await dc.start();
    e2e.openai.setHandler((body) =>
      imagePartsOf(body.messages).length > 0
        ? { status: 400, body: { error: { message: 'This model does not support image input.' } } }
        : { text: `text only: ${lastUserText(body)}` },
    );
    const [answer] = await send({
      content: 'compare these',
      attachments: [
        { filename: 'a.png', contentType: 'image/png', data: PNG },
        { filename: 'spec.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF-1.7') },
      ],
    });
    expect(answer!.content).toBe(
      'text only: compare these\n\n_The language model I use cannot see images, so I answered ' +
        'your text only. I could not read spec\\.pdf: I can read text, images, voice messages ' +
        'and text files._',
    );
    // The PDF was never fetched; the image once.
    expect(dc.discord.downloads()).toHaveLength(1);
  });

  it('answers a sticker-only or PDF-only message with the notice, without a model call', async () => {
    await dc.start();
    const [notice] = await send({
      content: '',
      attachments: [
        { filename: 'spec.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF') },
      ],
    });
    expect(notice!.content).toBe('I can only read text, images, voice messages and text files.');
    expect(e2e.openai.requests).toHaveLength(0);
    expect(dc.discord.downloads()).toEqual([]);
  });
});
