import type { CallbackQuery, Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { actionOf } from '../../../src/platforms/telegram/telegram-mapping.js';

const ann = { id: 11, is_bot: false, first_name: 'Ann' };
const bob = { id: 12, is_bot: false, first_name: 'Bob' };
const bot = { id: 99, is_bot: true, first_name: 'Bot', username: 'bot' };
const group = { id: -500, type: 'group' as const, title: 'G' };

/** The bot's /memory answer in the group, a reply to Ann's command. */
const answer = (extra: Partial<Message> = {}): Message =>
  ({
    message_id: 7,
    date: 1_700_000_000,
    chat: group,
    from: bot,
    text: 'What I know about you here:',
    reply_to_message: {
      message_id: 6,
      date: 1_700_000_000,
      chat: group,
      from: ann,
      text: '/memory',
    },
    ...extra,
  }) as Message;

const query = (from: typeof ann, message?: Message, data = 'fact:del:abc'): CallbackQuery => ({
  id: '1',
  from,
  chat_instance: 'x',
  data,
  ...(message ? { message } : {}),
});

describe('Telegram button presses', () => {
  it('become an action of the presser in their session where the message is', () => {
    expect(actionOf(query(ann, answer()))).toEqual({
      actionId: 'fact:del:abc',
      session: { platform: 'telegram', userId: '11', id: 'telegram:c-500:u11' },
      place: { platform: 'telegram', userId: '11', chatId: '-500' },
      foreign: false,
    });
  });

  it('are foreign when the message answers someone else’s command', () => {
    expect(actionOf(query(bob, answer()))).toMatchObject({
      session: { id: 'telegram:c-500:u12' },
      foreign: true,
    });
  });

  it('in a forum topic keep the topic, and a topic root is not taken for the asker', () => {
    const forum = { id: -1001, type: 'supergroup' as const, title: 'F', is_forum: true };
    const root = {
      message_id: 3,
      date: 1,
      chat: forum,
      from: bob,
      forum_topic_created: { name: 't', icon_color: 1 },
    };
    const inTopic = answer({
      chat: forum,
      message_thread_id: 3,
      is_topic_message: true,
      reply_to_message: root as Message,
    } as Partial<Message>);
    expect(actionOf(query(ann, inTopic))).toMatchObject({
      session: { id: 'telegram:c-1001:t3:u11' },
      foreign: false,
    });
  });

  it('are nothing without an accessible message or from a bot', () => {
    expect(actionOf(query(ann))).toBeUndefined();
    expect(
      actionOf(query(ann, { chat: group, message_id: 7, date: 0 } as Message)),
    ).toBeUndefined();
    expect(actionOf(query(bot, answer()))).toBeUndefined();
  });
});
