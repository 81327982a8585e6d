import type { Message, UserFromGetMe } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { classifyMessage, commandOf } from '../../../src/platforms/telegram/telegram-mapping.js';

const me = { id: 999, is_bot: true, first_name: 'Parrot', username: 'ParrotBot' } as UserFromGetMe;
const ann = { id: 1, is_bot: false, first_name: 'Ann', last_name: 'Lee' };
const privateChat = { id: 1, type: 'private' as const, first_name: 'Ann' };
const group = { id: -100, type: 'supergroup' as const, title: 'Friends' };
const forum = { id: -200, type: 'supergroup' as const, title: 'Forum', is_forum: true as const };

function message(fields: Partial<Message> & Pick<Message, 'chat'>): Message {
  return { message_id: 10, date: 0, from: ann, ...fields } as Message;
}

function mention(text: string, username = '@ParrotBot') {
  const offset = text.indexOf(username);
  return { text, entities: [{ type: 'mention' as const, offset, length: username.length }] };
}

describe('classifyMessage', () => {
  it('takes every text in a private chat', () => {
    expect(classifyMessage(message({ chat: privateChat, text: 'hello' }), me)).toMatchObject({
      kind: 'turn',
      text: 'hello',
      authorName: 'Ann Lee',
      session: { id: 'telegram:c1:u1', platform: 'telegram', userId: '1' },
      target: { chatId: 1, replyTo: 10, threadId: undefined },
    });
  });

  it('in groups, answers a mention with the mention stripped, and ignores the rest', () => {
    expect(
      classifyMessage(message({ chat: group, ...mention('@ParrotBot what is 2+2?') }), me),
    ).toMatchObject({
      kind: 'turn',
      text: 'what is 2+2?',
      session: { id: 'telegram:c-100:u1' },
    });
    expect(
      classifyMessage(
        message({ chat: group, ...mention('hey @parrotbot, tell me more', '@parrotbot') }),
        me,
      ),
    ).toMatchObject({ kind: 'turn', text: 'hey, tell me more' });
    expect(classifyMessage(message({ chat: group, text: 'just chatting' }), me)).toMatchObject({
      kind: 'ignore',
    });
    expect(
      classifyMessage(message({ chat: group, ...mention('@OtherBot hi', '@OtherBot') }), me),
    ).toMatchObject({
      kind: 'ignore',
    });
  });

  it('answers a text mention of the bot and a reply to one of its messages', () => {
    const textMention = message({
      chat: group,
      text: 'Parrot, help',
      entities: [{ type: 'text_mention', offset: 0, length: 6, user: me }],
    });
    expect(classifyMessage(textMention, me)).toMatchObject({ kind: 'turn', text: 'Parrot, help' });
    const reply = message({
      chat: group,
      text: 'and then?',
      reply_to_message: {
        message_id: 5,
        date: 0,
        chat: group,
        from: me,
        text: 'earlier',
      } as unknown as Message['reply_to_message'],
    });
    expect(classifyMessage(reply, me)).toMatchObject({ kind: 'turn', text: 'and then?' });
  });

  it('keeps forum topics apart and answers in the topic', () => {
    const inTopic = message({
      chat: forum,
      message_thread_id: 7,
      is_topic_message: true,
      ...mention('@ParrotBot hi'),
    });
    expect(classifyMessage(inTopic, me)).toMatchObject({
      kind: 'turn',
      session: { id: 'telegram:c-200:t7:u1' },
      target: { chatId: -200, threadId: 7 },
    });
    // The topic's creation message is not "a message of the bot" even if the bot created it.
    const topicStart = message({
      chat: forum,
      message_thread_id: 7,
      is_topic_message: true,
      text: 'no mention here',
      reply_to_message: {
        message_id: 7,
        date: 0,
        chat: forum,
        from: me,
        forum_topic_created: { name: 't', icon_color: 1 },
      } as unknown as Message['reply_to_message'],
    });
    expect(classifyMessage(topicStart, me)).toMatchObject({ kind: 'ignore' });
  });

  it('ignores bots, service messages and media in groups; notices media in private', () => {
    expect(
      classifyMessage(message({ chat: privateChat, from: { ...me }, text: 'hi' }), me),
    ).toMatchObject({ kind: 'ignore' });
    expect(classifyMessage(message({ chat: group, new_chat_members: [ann] }), me)).toMatchObject({
      kind: 'ignore',
    });
    expect(classifyMessage(message({ chat: group, photo: [] }), me)).toMatchObject({
      kind: 'ignore',
    });
    expect(
      classifyMessage(message({ chat: privateChat, sticker: {} as Message['sticker'] }), me),
    ).toMatchObject({
      kind: 'not-text',
      target: { chatId: 1, replyTo: 10 },
    });
    expect(
      classifyMessage(message({ chat: privateChat, video_note: {} as Message['video_note'] }), me),
    ).toMatchObject({ kind: 'not-text' });
  });

  it('handles UTF-16 offsets when stripping the mention', () => {
    const text = '🦜🦜 @ParrotBot ça va?';
    expect(classifyMessage(message({ chat: group, ...mention(text) }), me)).toMatchObject({
      text: '🦜🦜 ça va?',
    });
  });
});

describe('IDs that do not look like Telegram', () => {
  it('never become keys: such a message is ignored, a command is not mapped', () => {
    const me = { id: 99, is_bot: true, first_name: 'Bot', username: 'test_bot' } as UserFromGetMe;
    const message = {
      message_id: 1,
      date: 0,
      chat: { id: 5, type: 'private', first_name: 'Eve' },
      from: { id: -5, is_bot: false, first_name: 'Eve' },
      text: '/memory',
      entities: [{ type: 'bot_command', offset: 0, length: 7 }],
    } as unknown as Message;
    expect(commandOf(message, me)).toBeUndefined();
    expect(classifyMessage({ ...message, text: 'hi', entities: [] }, me)).toMatchObject({
      kind: 'ignore',
    });
  });
});
