import { describe, expect, it } from 'vitest';
import {
  groupChat,
  makeUser,
  privateChat,
  type SentMessage,
} from '../doubles/fake-telegram-server.js';
import { buttonsOf, pressButton } from '../doubles/telegram/buttons.js';
import { useTelegramE2E } from '../support/telegram-e2e.js';

/**
 * Facts on Telegram, through the real grammY bot against the fake Bot API: /remember, /memory
 * with an inline keyboard of delete buttons, callback queries checked against the presser, and
 * the privacy rule between a group and a private chat.
 */
describe('Telegram: facts people can see, correct and delete', () => {
  const tg = useTelegramE2E('telegram-facts', {
    botUsername: 'parrot_test_bot',
    apiKey: 'sk-telegram-facts',
    env: { LLM_TIMEOUT_MS: '3000', LLM_MAX_RETRIES: '0' },
  });
  const { e2e } = tg;
  const say = tg.firstReply;
  const ann = makeUser(2001, 'Ann');
  const bob = makeUser(2002, 'Bob');
  const group = groupChat(-4101, 'Friends');

  /** Presses a button and waits for Telegram's callback answer; returns its text. */
  async function press(from: typeof ann, sent: SentMessage, data: string): Promise<string> {
    const before = tg.telegram.callsTo('answerCallbackQuery').length;
    expect(pressButton(tg.telegram, from, sent, data).update_id).toBeGreaterThan(0);
    await tg.telegram.waitFor(
      () => tg.telegram.callsTo('answerCallbackQuery').length > before,
      8000,
    );
    return String(tg.telegram.callsTo('answerCallbackQuery').at(-1)!.params.text);
  }

  /** The system message of the last chat turn (not of a summary or a fact extraction). */
  const systemPrompt = () =>
    e2e.openai.requests
      .map((r) => String(r.body!.messages[0]!.content))
      .filter((system) => system.includes('You are chatting on'))
      .at(-1)!;

  it('remembers on request, lists with delete buttons only where the privacy rule allows, and only the person deletes', async () => {
    await tg.start();
    expect((await say(ann, group, '/remember@parrot_test_bot I am allergic to peanuts')).text).toBe(
      'Noted: "I am allergic to peanuts". /memory shows what I know about you.',
    );
    await say(ann, privateChat(ann), '/remember My PIN is 1234');

    const inGroup = await say(ann, group, '/memory@parrot_test_bot');
    expect(inGroup.text).toMatch(/What I know about you here:\n+1\. I am allergic to peanuts\n/);
    expect(inGroup.text).not.toContain('1234');
    expect(inGroup.text).toContain('Learning facts about you: on');
    const [groupButton] = buttonsOf(inGroup);
    expect(groupButton).toMatchObject({ text: '✕ 1. I am allergic to peanuts' });
    expect(groupButton!.data).toMatch(/^fact:del:[a-z0-9]{10}$/);

    const inPrivate = await say(ann, privateChat(ann), '/memory');
    expect(
      buttonsOf(inPrivate)
        .map((b) => b.text)
        .sort(),
    ).toEqual(['✕ 1. My PIN is 1234', '✕ 2. I am allergic to peanuts']);

    // The model sees the private fact only in private.
    await say(ann, group, '@parrot_test_bot hello');
    expect(systemPrompt()).toContain('- "I am allergic to peanuts"');
    expect(systemPrompt()).not.toContain('1234');
    await say(ann, privateChat(ann), 'hello');
    expect(systemPrompt()).toContain('- "My PIN is 1234"');

    // Bob cannot use Ann's buttons.
    expect(await press(bob, inGroup, groupButton!.data)).toBe(
      'These buttons belong to the person who asked for /memory.',
    );
    expect(
      tg.telegram.sentMessages(group.id).find((m) => m.message_id === inGroup.message_id)!.edits,
    ).toEqual([]);

    expect(await press(ann, inGroup, groupButton!.data)).toBe('Deleted: I no longer know that.');
    const groupMessage = () =>
      tg.telegram.sentMessages(group.id).find((m) => m.message_id === inGroup.message_id)!;
    // The callback is answered first; the list is redrawn right after.
    await tg.telegram.waitFor(() => !groupMessage().text.includes('peanuts'), 5000);
    const redrawn = groupMessage();
    expect(redrawn.text).not.toContain('peanuts');
    expect(buttonsOf(redrawn)).toEqual([]);

    // The private list still shows a button for it: a stale button answers politely.
    const stale = buttonsOf(inPrivate).find((b) => b.text.includes('peanuts'))!;
    expect(await press(ann, inPrivate, stale.data)).toBe('That fact was already gone.');
  });

  it('learns a fact when old turns are folded, through the real ChatOpenAI, and uses it later', async () => {
    e2e.openai.setHandler((body) => {
      const asked = String(body.messages[1]?.content ?? '');
      if (asked.startsWith('Known facts:')) {
        return /peanuts/.test(asked)
          ? { text: '```json\n{"facts":[{"action":"add","text":"Is allergic to peanuts"}]}\n```' }
          : { text: '{"facts":[]}' };
      }
      if (asked.startsWith('Existing summary:')) return { text: 'They talked about food.' };
      return { text: 'Noted, tell me more about that.' };
    });
    // Without this suite's LLM_TIMEOUT_MS and LLM_MAX_RETRIES: the defaults, as before.
    await tg.start({
      LLM_TIMEOUT_MS: undefined,
      LLM_MAX_RETRIES: undefined,
      MEMORY_WINDOW_TOKENS: '150',
    });
    await say(ann, privateChat(ann), 'Remember this: I am allergic to peanuts.');
    for (let i = 0; i < 8; i++) {
      await say(
        ann,
        privateChat(ann),
        `Here is a story about my day, part ${i}, with lots of words.`,
      );
    }
    await tg.telegram.waitFor(
      () =>
        e2e.openai.requests.some((r) =>
          String(r.body!.messages[1]?.content).startsWith('Known facts:'),
        ),
      8000,
    );
    await e2e.app!.service.idle();
    const listed = await say(ann, privateChat(ann), '/memory');
    expect(listed.text).toContain('1. Is allergic to peanuts');
    await say(ann, privateChat(ann), 'What should I not eat?');
    expect(systemPrompt()).toContain('- "Is allergic to peanuts"');
  });

  it('/memory, /remember and deleting work while the model is down; /remember off and on; /forget all', async () => {
    await tg.start();
    e2e.openai.setHandler(() => ({ status: 503 }));
    await say(ann, privateChat(ann), '/remember I work night shifts');
    expect((await say(ann, privateChat(ann), '/remember off')).text).toContain(
      'I will not learn new facts about you',
    );
    const listed = await say(ann, privateChat(ann), '/memory');
    expect(listed.text).toContain('1. I work night shifts');
    expect(listed.text).toContain('Learning facts about you: off (/remember on resumes it).');
    expect(await press(ann, listed, buttonsOf(listed)[0]!.data)).toBe(
      'Deleted: I no longer know that.',
    );
    expect((await say(ann, privateChat(ann), '/remember on')).text).toContain('again');

    await say(ann, group, '/remember@parrot_test_bot I have two cats');
    expect((await say(ann, privateChat(ann), '/forget all')).text).toMatch(
      /^Done: I have forgotten/,
    );
    expect((await say(ann, privateChat(ann), '/memory')).text).not.toContain('cats');
  });
});
