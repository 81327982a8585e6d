import type { Message, UserFromGetMe } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { classifyMessage } from '../../../src/platforms/telegram/telegram-mapping.js';

const me = { id: 999, is_bot: true, first_name: 'Parrot', username: 'ParrotBot' } as UserFromGetMe;
const ann = { id: 1, is_bot: false, first_name: 'Ann' };
const privateChat = { id: 1, type: 'private' as const, first_name: 'Ann' };
const group = { id: -100, type: 'supergroup' as const, title: 'Friends' };

/** A message as the Bot API sends it in `getUpdates`. */
function message(fields: Partial<Message> & Pick<Message, 'chat'>): Message {
  return { message_id: 10, date: 0, from: ann, ...fields } as Message;
}

const photo = [
  { file_id: 'small', file_unique_id: 's', width: 90, height: 60, file_size: 1_000 },
  { file_id: 'large', file_unique_id: 'l', width: 1280, height: 853, file_size: 180_000 },
  { file_id: 'medium', file_unique_id: 'm', width: 320, height: 213, file_size: 20_000 },
];

describe('classifyMessage with files (raw Bot API payloads)', () => {
  it('takes a photo with its caption, the largest size within the limit', () => {
    const inbound = classifyMessage(
      message({ chat: privateChat, photo, caption: 'what is this?' }),
      me,
      { maxImageBytes: 100_000 },
    );
    expect(inbound).toMatchObject({
      kind: 'turn',
      text: 'what is this?',
      attachments: [
        {
          kind: 'image',
          name: 'photo.jpg',
          mime: 'image/jpeg',
          size: 20_000,
          locator: { fileId: 'medium' },
        },
      ],
    });
    const unlimited = classifyMessage(message({ chat: privateChat, photo }), me);
    expect(unlimited).toMatchObject({ text: '', attachments: [{ locator: { fileId: 'large' } }] });
    // None fits: the smallest, so the limit is said before anything is downloaded.
    const tiny = classifyMessage(message({ chat: privateChat, photo }), me, { maxImageBytes: 10 });
    expect(tiny).toMatchObject({ attachments: [{ size: 1_000, locator: { fileId: 'small' } }] });
  });

  it('in groups, answers a caption mentioning it or a reply to it with a photo, nothing else', () => {
    const caption = '@ParrotBot read this';
    const mentioned = message({
      chat: group,
      photo,
      caption,
      caption_entities: [{ type: 'mention', offset: 0, length: 10 }],
    });
    expect(classifyMessage(mentioned, me)).toMatchObject({ kind: 'turn', text: 'read this' });
    const reply = message({
      chat: group,
      photo,
      reply_to_message: {
        message_id: 3,
        date: 0,
        chat: group,
        from: me,
      } as unknown as Message['reply_to_message'],
    });
    expect(classifyMessage(reply, me)).toMatchObject({ kind: 'turn', text: '' });
    // A mention in the caption text without an entity is not a mention (Telegram sends one).
    expect(classifyMessage(message({ chat: group, photo, caption }), me)).toMatchObject({
      kind: 'ignore',
    });
    expect(classifyMessage(message({ chat: group, photo }), me)).toMatchObject({ kind: 'ignore' });
  });

  it('reads documents by their type: images, text, and the rest as unsupported', () => {
    const document = (file_name: string, mime_type: string) =>
      classifyMessage(
        message({
          chat: privateChat,
          caption: 'see',
          document: {
            file_id: `id-${file_name}`,
            file_unique_id: 'u',
            file_name,
            mime_type,
            file_size: 42,
          },
        }),
        me,
      );
    expect(document('shot.png', 'image/png')).toMatchObject({
      attachments: [{ kind: 'image', name: 'shot.png', mime: 'image/png', size: 42 }],
    });
    expect(document('data.csv', 'text/csv')).toMatchObject({
      attachments: [{ kind: 'text-file', locator: { fileId: 'id-data.csv' } }],
    });
    expect(document('main.py', 'application/octet-stream')).toMatchObject({
      attachments: [{ kind: 'text-file' }],
    });
    expect(document('report.pdf', 'application/pdf')).toMatchObject({
      kind: 'turn',
      attachments: [{ kind: 'unsupported', name: 'report.pdf' }],
    });
    // Only a PDF and no text: the short notice, no turn.
    const pdfAlone = message({
      chat: privateChat,
      document: {
        file_id: 'p',
        file_unique_id: 'u',
        file_name: 'a.pdf',
        mime_type: 'application/pdf',
      },
    });
    expect(classifyMessage(pdfAlone, me)).toMatchObject({ kind: 'not-text' });
  });

  it('takes voice and audio with their declared duration', () => {
    const voice = message({
      chat: privateChat,
      voice: {
        file_id: 'v',
        file_unique_id: 'u',
        duration: 12,
        mime_type: 'audio/ogg',
        file_size: 9_000,
      },
    });
    expect(classifyMessage(voice, me)).toMatchObject({
      kind: 'turn',
      text: '',
      attachments: [
        {
          kind: 'audio',
          name: 'voice.ogg',
          durationSeconds: 12,
          size: 9_000,
          locator: { fileId: 'v' },
        },
      ],
    });
    const audio = message({
      chat: privateChat,
      audio: {
        file_id: 'a',
        file_unique_id: 'u',
        duration: 200,
        file_name: 'talk.mp3',
        mime_type: 'audio/mpeg',
      },
    });
    expect(classifyMessage(audio, me)).toMatchObject({
      attachments: [{ kind: 'audio', name: 'talk.mp3', durationSeconds: 200 }],
    });
  });

  it('answers stickers, videos and locations with the notice, counting a GIF once', () => {
    for (const fields of [
      { sticker: { file_id: 's' } },
      { location: { latitude: 1, longitude: 2 } },
      { video: { file_id: 'v' } },
    ] as Partial<Message>[]) {
      expect(classifyMessage(message({ chat: privateChat, ...fields }), me)).toMatchObject({
        kind: 'not-text',
      });
    }
    const gif = message({
      chat: privateChat,
      caption: 'lol',
      animation: { file_id: 'g' } as Message['animation'],
      document: { file_id: 'g', file_unique_id: 'u', mime_type: 'video/mp4' },
    });
    expect(classifyMessage(gif, me)).toMatchObject({
      kind: 'turn',
      attachments: [{ kind: 'unsupported', name: 'the animation' }],
    });
  });
});
