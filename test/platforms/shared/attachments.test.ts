import { describe, expect, it } from 'vitest';
import { IMAGES_UNSEEN, IMAGES_UNSEEN_ONLY } from '../../../src/core/attachments.js';
import { AttachmentRejectedError } from '../../../src/core/errors.js';
import { kindOf, sniffImageType } from '../../../src/platforms/shared/attachment-kinds.js';
import { quoteTranscript } from '../../../src/platforms/shared/attachment-texts.js';
import {
  DEFAULT_ATTACHMENT_SETTINGS,
  fetchAttachments,
  planAttachments,
  type AttachmentSettings,
  type InboundAttachment,
} from '../../../src/platforms/shared/attachments.js';
import { DownloadError } from '../../../src/platforms/shared/bounded-download.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');

/** An attachment whose download serves `bytes` and records each call. */
function file(
  fields: Partial<InboundAttachment> & Pick<InboundAttachment, 'kind' | 'name'>,
  bytes: Uint8Array = new Uint8Array(),
): InboundAttachment & { downloads: number[] } {
  const downloads: number[] = [];
  return {
    ...fields,
    downloads,
    download: async (maxBytes) => {
      downloads.push(maxBytes);
      if (bytes.length > maxBytes) throw new DownloadError('too_large', 'too large');
      return bytes;
    },
  };
}

const withVoice: AttachmentSettings = {
  ...DEFAULT_ATTACHMENT_SETTINGS,
  transcriber: { transcribe: async ({ data }) => `heard ${data.length} bytes` },
};

/** The person's message of the refusal `promise` ends with. */
async function refused(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AttachmentRejectedError);
  return (error as AttachmentRejectedError).userMessage;
}

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AttachmentRejectedError);
    return (error as AttachmentRejectedError).userMessage;
  }
  throw new Error('not refused');
};

describe('attachment kinds', () => {
  it('tells images, audio, text and the rest from declared types and names', () => {
    expect(kindOf('image/png', 'a.png')).toBe('image');
    expect(kindOf('image/svg+xml', 'a.svg')).toBe('unsupported');
    expect(kindOf('audio/ogg', 'voice-message.ogg')).toBe('audio');
    expect(kindOf('text/csv; charset=utf-8', 'a.csv')).toBe('text-file');
    expect(kindOf('application/json', 'a.json')).toBe('text-file');
    expect(kindOf('application/octet-stream', 'main.rs')).toBe('text-file');
    expect(kindOf(undefined, 'shot.JPG')).toBe('image');
    expect(kindOf('application/pdf', 'report.pdf')).toBe('unsupported');
    expect(kindOf(undefined, 'archive.zip')).toBe('unsupported');
  });

  it('knows images by their first bytes, not their names', () => {
    expect(sniffImageType(PNG)).toBe('image/png');
    expect(sniffImageType(Buffer.from('ffd8ffe0', 'hex'))).toBe('image/jpeg');
    expect(sniffImageType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImageType(Buffer.from('%PDF-1.7'))).toBeUndefined();
  });
});

describe('planAttachments (no network)', () => {
  it('refuses an image declared over the limit before any download', () => {
    const big = file({ kind: 'image', name: 'big.png', size: 6 * 1024 * 1024 }, PNG);
    expect(refusal(() => planAttachments([big], 'look', DEFAULT_ATTACHMENT_SETTINGS))).toBe(
      'big\\.png is too large: I can look at images of at most 5 MB.',
    );
    expect(big.downloads).toEqual([]);
  });

  it('refuses text files declared over 4 bytes a character of the limit, naming it', () => {
    const long = file({ kind: 'text-file', name: 'dump.csv', size: 80_001 });
    expect(refusal(() => planAttachments([long], '', DEFAULT_ATTACHMENT_SETTINGS))).toBe(
      'dump\\.csv is too long: I can read at most 20,000 characters of files in one message.',
    );
  });

  it('refuses voice when transcription is off or the message is too long', () => {
    const voice = file({ kind: 'audio', name: 'voice.ogg', durationSeconds: 301 });
    expect(refusal(() => planAttachments([voice], '', DEFAULT_ATTACHMENT_SETTINGS))).toBe(
      "I can't listen to voice messages here. Please write your message instead.",
    );
    expect(refusal(() => planAttachments([voice], '', withVoice))).toBe(
      'Your voice message is 5 min, 1 sec long, and I can listen to at most 5 min. Please send a shorter one.',
    );
  });

  it('keeps the first images, notes what it left out, and answers text without vision', () => {
    const images = Array.from({ length: 6 }, (_, i) => file({ kind: 'image', name: `${i}.png` }));
    const pdf = file({ kind: 'unsupported', name: 'report.pdf' });
    const plan = planAttachments([...images, pdf], 'compare', DEFAULT_ATTACHMENT_SETTINGS);
    expect(plan.images.map((i) => i.name)).toEqual(['0.png', '1.png', '2.png', '3.png']);
    expect(plan.notes).toEqual([
      'I could not read report\\.pdf: I can read text, images, voice messages and text files.',
      'I looked at the first 4 images only.',
    ]);
    const blind = { ...DEFAULT_ATTACHMENT_SETTINGS, vision: false };
    expect(planAttachments(images, 'what is it?', blind)).toMatchObject({
      images: [],
      notes: [IMAGES_UNSEEN],
    });
    expect(refusal(() => planAttachments(images, ' ', blind))).toBe(IMAGES_UNSEEN_ONLY);
  });

  it('words notes and refusals in the person’s language, with its lists, numbers and units', () => {
    const files = ['a.txt', 'b.txt'].map((name) => file({ kind: 'text-file', name, size: 50_000 }));
    expect(refusal(() => planAttachments(files, '', DEFAULT_ATTACHMENT_SETTINGS, 'ru'))).toBe(
      'Слишком длинные файлы: a\\.txt и b\\.txt. ' +
        'В одном сообщении я могу прочитать не больше 20\u00a0000 символов из файлов.',
    );
    const big = file({ kind: 'image', name: 'big.png', size: 6_000_000 });
    expect(refusal(() => planAttachments([big], '', DEFAULT_ATTACHMENT_SETTINGS, 'de'))).toBe(
      'big\\.png ist zu groß: Ich kann mir Bilder bis höchstens 5 MB ansehen.',
    );
    const voice = file({ kind: 'audio', name: 'voice.ogg', durationSeconds: 400 });
    expect(refusal(() => planAttachments([voice], '', withVoice, 'ja'))).toBe(
      'ボイスメッセージの長さは6 分 40 秒ですが、私が聞けるのは5 分までです。もっと短いものを送ってください。',
    );
    const images = Array.from({ length: 6 }, (_, i) => file({ kind: 'image', name: `${i}.png` }));
    expect(planAttachments(images, 'hi', DEFAULT_ATTACHMENT_SETTINGS, 'fr').notes).toEqual([
      'Je n’ai regardé que les 4 premières images.',
    ]);
  });
});

describe('fetchAttachments', () => {
  const signal = new AbortController().signal;

  it('downloads images capped at the limit and keeps their bytes', async () => {
    const shot = file({ kind: 'image', name: 'shot.png', mime: 'image/png' }, PNG);
    const plan = planAttachments([shot], 'what is it?', DEFAULT_ATTACHMENT_SETTINGS);
    const { content } = await fetchAttachments(
      plan,
      'what is it?',
      DEFAULT_ATTACHMENT_SETTINGS,
      signal,
    );
    expect(shot.downloads).toEqual([5 * 1024 * 1024]);
    expect(content.images).toEqual([
      { name: 'shot.png', mime: 'image/png', data: PNG.toString('base64') },
    ]);
  });

  it('refuses an image that turns out larger than declared, or not an image', async () => {
    const liar = file({ kind: 'image', name: 'liar.png', size: 10 }, new Uint8Array(6 << 20));
    const settings = DEFAULT_ATTACHMENT_SETTINGS;
    await expect(
      fetchAttachments(planAttachments([liar], '', settings), '', settings, signal),
    ).rejects.toThrow(AttachmentRejectedError);
    const fake = file({ kind: 'image', name: 'fake.png' }, Buffer.from('%PDF-1.7'));
    const error = await refused(
      fetchAttachments(planAttachments([fake], '', settings), '', settings, signal),
    );
    expect(error).toBe(
      'fake\\.png is not a JPEG, PNG, WebP or GIF image, so I could not look at it.',
    );
  });

  it('reads UTF-8 text files within the limit, refusing binaries and longer ones', async () => {
    const settings = { ...DEFAULT_ATTACHMENT_SETTINGS, maxFileChars: 100 };
    const notes = file({ kind: 'text-file', name: 'notes.md' }, Buffer.from('# Título\nok'));
    const read = await fetchAttachments(
      planAttachments([notes], '', settings),
      '',
      settings,
      signal,
    );
    expect(read.content.files).toEqual([{ name: 'notes.md', text: '# Título\nok' }]);

    const long = file({ kind: 'text-file', name: 'long.txt' }, Buffer.from('x'.repeat(101)));
    const tooLong = await refused(
      fetchAttachments(planAttachments([long], '', settings), '', settings, signal),
    );
    expect(tooLong).toMatch(/^long\\\.txt is too long: I can read at most 100 characters/);

    const binary = file({ kind: 'text-file', name: 'a.txt' }, Buffer.from([0x41, 0, 0xff]));
    const notText = await refused(
      fetchAttachments(planAttachments([binary], '', settings), '', settings, signal),
    );
    expect(notText).toMatch(/it is not UTF-8 text/);
  });

  it('turns a voice message into text, marked as spoken; a failing transcriber is said', async () => {
    const voice = file({ kind: 'audio', name: 'voice.ogg', durationSeconds: 3 }, new Uint8Array(7));
    const plan = planAttachments([voice], '', withVoice);
    const heard = await fetchAttachments(plan, '', withVoice, signal);
    expect(heard).toEqual({
      content: { text: 'heard 7 bytes', images: [], files: [], fromVoice: true },
      transcript: 'heard 7 bytes',
    });
    const broken: AttachmentSettings = {
      ...withVoice,
      transcriber: { transcribe: () => Promise.reject(new Error('HTTP 500')) },
    };
    const error = await refused(fetchAttachments(plan, '', broken, signal));
    expect(error).toMatch(/^Sorry, I could not transcribe your voice message/);
  });

  it('quotes a transcript short, escaped and whole-charactered', () => {
    expect(quoteTranscript('hi *there*\n@everyone')).toBe('> 🎤 “hi \\*there\\* \\@everyone”');
    const long = quoteTranscript(`${'word '.repeat(60)}end`);
    expect(long.endsWith('…”')).toBe(true);
    expect(long.length).toBeLessThan(220);
  });
});
