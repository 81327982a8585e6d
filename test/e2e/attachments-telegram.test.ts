import { describe, expect, it } from 'vitest';
import { dataUrlBytes, imagePartsOf, lastUserText } from '../doubles/fake-openai-server.js';
import {
  groupChat,
  makeUser,
  privateChat,
  type FakeTelegramServer,
  type IncomingMessageExtra,
  type SentMessage,
} from '../doubles/fake-telegram-server.js';
import { useTelegramE2E } from '../support/telegram-e2e.js';

/** A JPEG's first bytes and some more: enough for the bot to know it is one. */
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(2000, 7)]);
const VOICE = Buffer.from('OggS fake opus frames for the test');

/**
 * Photos, voice messages and files through the real grammY bot of the project (built by
 * createApp) against the fake Bot API (getFile and file downloads), the real ChatOpenAI and
 * transcriber against the fake OpenAI server, and real Redis.
 */
describe('Telegram attachments end to end', () => {
  const tg = useTelegramE2E('telegram-files', {
    botUsername: 'parrot_files_bot',
    apiKey: 'sk-telegram-files',
    env: { LLM_TIMEOUT_MS: '5000' },
  });
  const { e2e } = tg;

  const ann = makeUser(2001, 'Ann');
  const group = groupChat(-4002, 'Friends');

  /** A user sends a message; resolves with the bot's first `count` messages after it. */
  async function send(
    chat: Parameters<FakeTelegramServer['sendMessage']>[1],
    extra: IncomingMessageExtra,
    count = 1,
  ): Promise<SentMessage[]> {
    const before = tg.telegram.sentMessages().length;
    tg.telegram.sendMessage(ann, chat, '', extra);
    await tg.telegram.waitFor(() => tg.telegram.sentMessages().length >= before + count, 8000);
    await new Promise((r) => setTimeout(r, 150));
    return tg.telegram.sentMessages().slice(before);
  }

  /** Everything Redis holds under this test's prefix, as text. */
  async function storedText(): Promise<string> {
    const { redis } = e2e;
    const values = await Promise.all(
      (await redis.keys(`${tg.env.REDIS_KEY_PREFIX}*`)).map(async (key) => {
        const type = await redis.type(key);
        if (type === 'list') return redis.lrange(key, 0, -1);
        if (type === 'hash') return Object.values(await redis.hgetall(key));
        if (type === 'zset') return redis.zrange(key, '0', '-1');
        if (type === 'set') return redis.smembers(key);
        return [(await redis.get(key)) ?? ''];
      }),
    );
    return values.flat().join('\n');
  }

  /** A photo in two sizes, as Telegram sends them (both served with the same bytes here). */
  const photoOf = (bytes: Buffer) => {
    const file = tg.telegram.addFile(bytes, 'photo.jpg');
    return [
      { ...file, width: 90, height: 90, file_size: 100 },
      { ...file, width: 800, height: 600 },
    ];
  };

  it('sends a photo with its caption to the model as an image part with the same bytes, and remembers only text', async () => {
    await tg.start();
    const [answer] = await send(privateChat(ann), {
      photo: photoOf(JPEG),
      caption: 'What is on this screenshot?',
    });
    expect(answer!.text).toBe('echo: What is on this screenshot?');
    const body = e2e.openai.requests[0]!.body!;
    const parts = imagePartsOf(body.messages);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.detail).toBe('low');
    expect(dataUrlBytes(parts[0]!.url)).toEqual({ mime: 'image/jpeg', bytes: JPEG });
    expect(tg.telegram.callsTo('getFile')).toHaveLength(1);

    await send(privateChat(ann), { text: 'And what colour was it?' } as IncomingMessageExtra);
    const next = e2e.openai.requests[1]!.body!.messages;
    expect(imagePartsOf(next)).toEqual([]);
    expect(next.map((m) => m.content)).toEqual(
      expect.arrayContaining([
        'What is on this screenshot?\n[image: photo.jpg]',
        'echo: What is on this screenshot?',
      ]),
    );
    const stored = await storedText();
    expect(stored).toContain('[image: photo.jpg]');
    expect(stored).not.toContain(JPEG.toString('base64').slice(0, 40));
  });

  it('transcribes a voice message, shows the transcript quoted, answers it and stores it as text', async () => {
    await tg.start();
    e2e.openai.transcriptions.enqueue({ text: 'Remind me to buy oat milk.' });
    const voice = tg.telegram.addFile(VOICE, 'voice.ogg');
    const [quote, answer] = await send(
      privateChat(ann),
      { voice: { ...voice, duration: 4, mime_type: 'audio/ogg' } },
      2,
    );
    expect(quote!.text).toBe('🎤 “Remind me to buy oat milk.”');
    expect(quote!.entities).toEqual([expect.objectContaining({ type: 'blockquote' })]);
    expect(answer!.text).toBe('echo: Remind me to buy oat milk.');
    const [request] = e2e.openai.transcriptions.requests;
    expect(request).toMatchObject({ model: 'whisper-1', filename: 'voice.ogg' });
    expect(request!.bytes).toEqual(VOICE);
    await send(privateChat(ann), { text: 'what did I say?' } as IncomingMessageExtra);
    expect(e2e.openai.requests[1]!.body!.messages.map((m) => m.content)).toContain(
      'Remind me to buy oat milk.',
    );
  });

  it('reads a text file to the model, fenced with its name', async () => {
    await tg.start();
    const notes = Buffer.from('milk\neggs\nflour\n');
    const file = tg.telegram.addFile(notes, 'list.txt');
    const [answer] = await send(privateChat(ann), {
      document: { ...file, file_name: 'list.txt', mime_type: 'text/plain' },
      caption: 'sort this',
    });
    expect(lastUserText(e2e.openai.requests[0]!.body!)).toBe(
      'sort this\n\nFile "list.txt":\n```\nmilk\neggs\nflour\n\n```',
    );
    expect(answer!.text).toMatch(/^echo: sort this/);
  });

  it('refuses an oversized photo before downloading it', async () => {
    await tg.start();
    const big = tg.telegram.addFile(JPEG, 'photo.jpg');
    const [refused] = await send(privateChat(ann), {
      photo: [
        { ...big, width: 1280, height: 960, file_size: 6 * 1024 * 1024 },
        { ...big, width: 2560, height: 1920, file_size: 9 * 1024 * 1024 },
      ],
      caption: 'big one',
    });
    // The smallest size was picked: none fits, and the limit is said without a download.
    expect(refused!.text).toBe('photo.jpg is too large: I can look at images of at most 5 MB.');
    expect(tg.telegram.callsTo('getFile')).toHaveLength(0);
    expect(tg.telegram.downloads()).toEqual([]);
    expect(e2e.openai.requests).toHaveLength(0);
  });

  it('refuses a file whose declared size lied, once its real size shows, without a model call', async () => {
    await tg.start({ MAX_FILE_CHARS: '1000' });
    const file = tg.telegram.addFile(Buffer.alloc(90_000, 'a'), 'log.txt');
    const [tooLong] = await send(privateChat(ann), {
      document: { ...file, file_size: 10, file_name: 'log.txt', mime_type: 'text/plain' },
    });
    expect(tooLong!.text).toBe(
      'log.txt is too long: I can read at most 1,000 characters of files in one message.',
    );
    expect(e2e.openai.requests).toHaveLength(0);
  });

  it('still answers the text when the model refuses images, saying it could not see them', async () => {
    await tg.start();
    e2e.openai.setHandler((body) =>
      imagePartsOf(body.messages).length > 0
        ? {
            status: 400,
            body: {
              error: {
                message: 'Invalid content type. image_url is only supported by certain models.',
                type: 'invalid_request_error',
                param: 'messages.[1].content.[1].type',
                code: null,
              },
            },
          }
        : { text: `text only: ${lastUserText(body)}` },
    );
    const [answer] = await send(privateChat(ann), { photo: photoOf(JPEG), caption: 'Describe it' });
    expect(answer!.text).toBe(
      'text only: Describe it\n\nThe language model I use cannot see images, so I answered your text only.',
    );
    expect(e2e.openai.requests).toHaveLength(2);
  });

  it('in a group, answers a photo whose caption mentions it and ignores one that does not', async () => {
    await tg.start();
    const before = tg.telegram.sentMessages().length;
    tg.telegram.sendMessage(ann, group, '', { photo: photoOf(JPEG), caption: 'look at this' });
    const [answer] = await send(group, {
      photo: photoOf(JPEG),
      caption: '@parrot_files_bot what is it?',
    });
    expect(answer!.text).toBe('echo: what is it?');
    expect(tg.telegram.sentMessages().length - before).toBe(1);
    expect(e2e.openai.requests).toHaveLength(1);
  });

  it('politely refuses voice when transcription is off, and stickers without a model call', async () => {
    await tg.start({ TRANSCRIBE_MODEL: '' });
    const voice = tg.telegram.addFile(VOICE, 'voice.ogg');
    const [refused] = await send(privateChat(ann), { voice: { ...voice, duration: 3 } });
    expect(refused!.text).toBe(
      "I can't listen to voice messages here. Please write your message instead.",
    );
    const [sticker] = await send(privateChat(ann), {
      sticker: { file_id: 's', file_unique_id: 'u', width: 1, height: 1 } as never,
    });
    expect(sticker!.text).toBe('I can only read text, images, voice messages and text files.');
    expect(e2e.openai.requests).toHaveLength(0);
    expect(e2e.openai.transcriptions.requests).toHaveLength(0);
    expect(tg.telegram.downloads()).toEqual([]);
  });
});
