import { HumanMessage, type BaseMessage } from '@langchain/core/messages';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  IMAGES_UNSEEN,
  IMAGES_UNSEEN_ONLY,
  IMAGE_TOKENS,
  isImageRejection,
  questionText,
  storedQuestion,
  withImageTokens,
} from '../../src/core/attachments.js';
import type { ConversationService } from '../../src/core/conversation.js';
import { AttachmentRejectedError, ModelError, userMessageFor } from '../../src/core/errors.js';
import { classifyModelError } from '../../src/core/model-call.js';
import { telegramSession } from '../../src/core/session-id.js';
import { InMemoryMemoryStore } from '../../src/memory/in-memory-store.js';
import { makeService, tokens } from '../support/core.js';
import { ScriptedChatModel, lastQuestion } from '../support/scripted-chat-model.js';

const ann = telegramSession({ chatId: 5, userId: 5 });
const policy = { ttlSeconds: 3600, maxTokens: 100_000, maxMessages: 1000 };
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
const image = { name: 'screen.png', mime: 'image/png', data: PNG };

/** The image parts of the last human message of a prompt. */
function imageUrls(messages: BaseMessage[]): string[] {
  const human = [...messages].reverse().find((m) => m.type === 'human')!;
  if (typeof human.content === 'string') return [];
  return human.content.flatMap((part) =>
    part.type === 'image_url'
      ? [(part as unknown as { image_url: { url: string } }).image_url.url]
      : [],
  );
}

/** What the OpenAI SDK throws when a model takes no images. */
const visionRefusal = Object.assign(
  new Error('400 Invalid content type. image_url is only supported by certain models.'),
  { status: 400 },
);

describe('attachment texts', () => {
  it('fences a file with its name and a fence longer than any backtick run inside', () => {
    const text = questionText('what does it do?', [{ name: 'a.md', text: 'see ```js\ncode\n```' }]);
    expect(text).toBe('what does it do?\n\nFile "a.md":\n````\nsee ```js\ncode\n```\n````');
  });

  it('stores markers, never the bytes; a file by its first lines', () => {
    const lines = Array.from({ length: 9 }, (_, i) => `line ${i + 1}`).join('\n');
    const stored = storedQuestion(
      { text: 'look', images: [image], files: [{ name: 'log\n].txt', text: lines }] },
      true,
    );
    expect(stored).toBe(
      'look\n[image: screen.png]\n[file: log .txt, 9 lines; it began:]\n' +
        'line 1\nline 2\nline 3\nline 4\nline 5\n[…]',
    );
    expect(stored).not.toContain(PNG);
    expect(storedQuestion({ text: '', images: [image] }, false)).toBe(
      '[image not seen: screen.png]',
    );
  });

  it(`counts ${IMAGE_TOKENS} tokens per image part on top of the text`, () => {
    const counted = withImageTokens(tokens);
    const plain = new HumanMessage('hello there');
    const withTwo = new HumanMessage({
      content: [
        { type: 'text', text: 'hello there' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'low' } },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'low' } },
      ],
    });
    expect(counted.countMessage(withTwo)).toBe(tokens.countMessage(plain) + 2 * IMAGE_TOKENS);
  });

  it('tells a refusal of images from other refusals', () => {
    expect(isImageRejection(classifyModelError(visionRefusal))).toBe(true);
    const other = Object.assign(new Error('400 context_length_exceeded'), { status: 400 });
    expect(isImageRejection(classifyModelError(other))).toBe(false);
    expect(isImageRejection(new ModelError('unavailable', 500))).toBe(false);
  });
});

describe('ConversationService with attachments', () => {
  let store: InMemoryMemoryStore;
  let model: ScriptedChatModel;
  let service: ConversationService;

  beforeEach(() => {
    store = new InMemoryMemoryStore(policy);
    model = new ScriptedChatModel((messages) => `seen: ${lastQuestion(messages)}`);
    service = makeService({ store, chatModel: model, settings: { maxInputChars: 50 } });
  });
  afterEach(async () => {
    await service.close(100);
    await store.close();
  });

  it('sends images as content parts with the same bytes and stores only their markers', async () => {
    const reply = await service.reply({ session: ann, text: 'what is this?', images: [image] });
    expect(reply.text).toBe('seen: what is this?');
    expect(imageUrls(model.prompts[0]!)).toEqual([`data:image/png;base64,${PNG}`]);
    const part = (model.prompts[0]!.at(-1)!.content as { image_url?: { detail: string } }[])[1];
    expect(part?.image_url?.detail).toBe('low');

    await service.reply({ session: ann, text: 'and now?' });
    const history = model.prompts[1]!.slice(1, -1).map((m) => m.content);
    expect(history).toEqual(['what is this?\n[image: screen.png]', 'seen: what is this?']);
  });

  it('answers an image without text', async () => {
    const reply = await service.reply({ session: ann, text: '', images: [image] });
    expect(reply.text).toBe('seen: ');
    expect(model.prompts[0]!.at(-1)!.content).toEqual([
      { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'low' } },
    ]);
  });

  it('asks again without the images when the endpoint refuses them, and says so', async () => {
    model.setScript((messages) => {
      if (imageUrls(messages).length > 0) throw visionRefusal;
      return `text only: ${lastQuestion(messages)}`;
    });
    const reply = await service.reply({ session: ann, text: 'describe it', images: [image] });
    expect(reply).toMatchObject({ text: 'text only: describe it', notice: IMAGES_UNSEEN });
    expect(model.prompts).toHaveLength(2);
    const stored = (await store.load(ann)).entries.map((e) => e.message.data.content);
    expect(stored).toEqual(['describe it\n[image not seen: screen.png]', 'text only: describe it']);

    const alone = await service.reply({ session: ann, text: ' ', images: [image] }).catch((e) => e);
    expect(alone).toBeInstanceOf(AttachmentRejectedError);
    expect(userMessageFor(alone)).toBe(IMAGES_UNSEEN_ONLY);
  });

  it('prepares attachments inside the gate, then bounds typed text but not a transcript', async () => {
    const order: string[] = [];
    const reply = await service.reply(
      { session: ann, text: '' },
      {
        prepare: async () => {
          order.push('prepare');
          return { text: 'spoken '.repeat(20), fromVoice: true };
        },
      },
    );
    expect(order).toEqual(['prepare']);
    expect(reply.text).toBe(`seen: ${'spoken '.repeat(20).trim()}`);
    const typed = service.reply(
      { session: ann, text: '' },
      { prepare: async () => ({ text: 'typed '.repeat(20) }) },
    );
    await expect(typed).rejects.toThrow(/characters/);
    const empty = service.reply(
      { session: ann, text: '' },
      { prepare: async () => ({ text: '' }) },
    );
    await expect(empty).rejects.toThrow('empty message');
  });

  it('reads a text file into the question and keeps its first lines in memory', async () => {
    await service.reply({
      session: ann,
      text: 'summarise',
      files: [{ name: 'notes.txt', text: 'alpha\nbeta' }],
    });
    expect(lastQuestion(model.prompts[0]!)).toBe(
      'summarise\n\nFile "notes.txt":\n```\nalpha\nbeta\n```',
    );
    const stored = (await store.load(ann)).entries[0]!.message.data.content;
    expect(stored).toBe('summarise\n[file: notes.txt, 2 lines; it began:]\nalpha\nbeta');
  });
});
