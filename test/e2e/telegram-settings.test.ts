import { beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { groupChat, makeUser, privateChat } from '../doubles/fake-telegram-server.js';
import { useTelegramE2E } from '../support/telegram-e2e.js';

/**
 * Personas, models and budgets on Telegram, through the real grammY bot against the fake Bot API
 * and the real ChatOpenAI against the fake OpenAI server: /persona in a group for its
 * administrators only (getChatMember), /model changing the request's `model` field, and the
 * daily budget refusing turns without a model call until the next UTC day.
 */
describe('Telegram: each chat its own persona and model, each person a budget', () => {
  const tg = useTelegramE2E('telegram-settings', {
    botUsername: 'parrot_test_bot',
    apiKey: 'sk-telegram-settings',
    env: { LLM_TIMEOUT_MS: '3000', LLM_MAX_RETRIES: '0' },
  });
  const { e2e } = tg;
  const say = tg.firstReply;
  const ann = makeUser(3001, 'Ann');
  const bob = makeUser(3002, 'Bob');
  const pirates = groupChat(-5101, 'Pirates');
  const others = groupChat(-5102, 'Others');
  let now = Date.parse('2025-03-14T12:00:00Z');

  beforeEach(() => {
    now = Date.parse('2025-03-14T12:00:00Z');
  });

  const startBot = (env: Record<string, string> = {}): Promise<App> =>
    tg.start(env, { now: () => now });

  /** The system message of the last chat turn. */
  const systemPrompt = () => String(e2e.openai.requests.at(-1)!.body!.messages[0]!.content);

  it('gives a group the persona its administrator set, in that group only; others are refused politely', async () => {
    await startBot();
    tg.telegram.setMemberStatus(pirates.id, ann.id, 'administrator');
    const persona = 'You are Captain Hook: speak like a pirate.';
    expect((await say(ann, pirates, `/persona@parrot_test_bot ${persona}`)).text).toBe(
      'Done: this is the persona of this chat now. /persona shows it, /persona reset removes it.',
    );
    expect(tg.telegram.callsTo('getChatMember').at(-1)!.params).toMatchObject({
      chat_id: pirates.id,
      user_id: ann.id,
    });

    // Bob is not an administrator here: he may read the persona, not change it.
    const refused = await say(bob, pirates, '/persona@parrot_test_bot You are a parrot.');
    expect(refused.text).toBe(
      'Sorry, only the administrators of this group can change its persona.',
    );
    expect((await say(bob, pirates, '/persona@parrot_test_bot')).text).toBe(
      `The persona of this chat:\n\n${persona}\n\n/persona reset removes it.`,
    );
    expect((await say(bob, pirates, '/persona@parrot_test_bot reset')).text).toMatch(/^Sorry/);

    // Everyone's turns in the group carry it, after the operator's prompt; other chats do not.
    await say(bob, pirates, '@parrot_test_bot hello');
    expect(systemPrompt()).toMatch(/^You are a friendly, concise assistant/);
    expect(systemPrompt()).toContain(JSON.stringify(persona));
    await say(bob, others, '@parrot_test_bot hello');
    expect(systemPrompt()).not.toContain('Captain Hook');
    await say(ann, privateChat(ann), 'hello');
    expect(systemPrompt()).not.toContain('Captain Hook');

    // In a private chat the person sets their own, without asking Telegram who they are.
    const lookups = tg.telegram.callsTo('getChatMember').length;
    await say(bob, privateChat(bob), '/persona You are a butler.');
    await say(bob, privateChat(bob), 'hello');
    expect(systemPrompt()).toContain(JSON.stringify('You are a butler.'));
    expect(tg.telegram.callsTo('getChatMember')).toHaveLength(lookups);

    expect((await say(ann, pirates, '/persona@parrot_test_bot reset')).text).toBe(
      'Done: this chat has no persona any more.',
    );
    await say(bob, pirates, '@parrot_test_bot hello again');
    expect(systemPrompt()).not.toContain('Captain Hook');
  });

  it('switches the model of the person’s next request with /model, and refuses one not offered', async () => {
    await startBot({ LLM_MODEL: 'gpt-4o-mini', LLM_MODELS: 'gpt-4o-mini,gpt-4o' });
    expect((await say(ann, privateChat(ann), '/model')).text).toBe(
      'I answer you with gpt-4o-mini here. You can pick gpt-4o-mini and gpt-4o: /model and its name.',
    );
    await say(ann, privateChat(ann), 'first');
    expect(e2e.openai.requests.at(-1)!.body!.model).toBe('gpt-4o-mini');
    expect((await say(ann, privateChat(ann), '/model gpt-4o')).text).toBe(
      'Done: I will answer you with gpt-4o in this chat.',
    );
    await say(ann, privateChat(ann), 'second');
    expect(e2e.openai.requests.at(-1)!.body!.model).toBe('gpt-4o');
    // Only Ann's conversation here: Bob in a group still gets the default.
    await say(bob, pirates, '@parrot_test_bot hi');
    expect(e2e.openai.requests.at(-1)!.body!.model).toBe('gpt-4o-mini');

    const requests = e2e.openai.requests.length;
    expect((await say(ann, privateChat(ann), '/model gpt-5-ultra')).text).toBe(
      'I do not offer that model. You can pick gpt-4o-mini and gpt-4o: /model and its name.',
    );
    await say(ann, privateChat(ann), 'third');
    expect(e2e.openai.requests).toHaveLength(requests + 1);
    expect(e2e.openai.requests.at(-1)!.body!.model).toBe('gpt-4o');
  });

  it('refuses turns once the day’s budget is spent, once and without a model call, until midnight UTC', async () => {
    await startBot({ USER_DAILY_TOKEN_BUDGET: '100' });
    e2e.openai.setHandler(() => ({
      text: 'ok',
      usage: { prompt_tokens: 80, completion_tokens: 30 },
    }));
    const chat = privateChat(ann);
    expect((await say(ann, chat, 'first')).text).toBe('ok');
    const calls = e2e.openai.requests.length;
    expect((await say(ann, chat, 'second')).text).toBe(
      "You have used today's 100 tokens. I can answer again after midnight UTC, in about 12 hours.",
    );
    // Said once: the next refused turn is silent (the next message is /usage's answer), and the
    // commands still work.
    tg.telegram.sendMessage(ann, chat, 'third');
    expect((await say(ann, chat, '/usage')).text).toBe(
      'Tokens you used today: 110. This month: 110. Answers, summaries of our conversations and ' +
        'the facts I learn all count.\n\nYour daily allowance is 100 tokens: 0 left today. It ' +
        'starts again at midnight UTC.',
    );
    expect((await say(ann, chat, '/forget')).text).toBe(
      'Done: I have forgotten our conversation here.',
    );
    expect((await say(ann, chat, '/usage')).text).toMatch(/^Tokens you used today: 110\./);
    expect(e2e.openai.requests).toHaveLength(calls);
    // Bob has his own budget.
    expect((await say(bob, privateChat(bob), 'hello')).text).toBe('ok');

    now = Date.parse('2025-03-15T00:00:05Z');
    expect((await say(ann, chat, 'a new day')).text).toBe('ok');
    expect((await say(ann, chat, '/usage')).text).toMatch(
      /^Tokens you used today: 110\. This month: 220\./,
    );
  });
});
