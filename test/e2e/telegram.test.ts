import { describe, expect, it } from 'vitest';
import { lastUserText } from '../doubles/fake-openai-server.js';
import {
  groupChat,
  makeUser,
  privateChat,
  supergroupChat,
} from '../doubles/fake-telegram-server.js';
import { startProgram } from '../support/program.js';
import { useTelegramE2E } from '../support/telegram-e2e.js';

/**
 * The real grammY bot of the project (built by createApp, exactly as `npm start` builds it)
 * against the fake Bot API server, with the real ChatOpenAI against the fake OpenAI server and
 * real Redis.
 */
describe('Telegram end to end', () => {
  const tg = useTelegramE2E('telegram', {
    botUsername: 'parrot_test_bot',
    apiKey: 'sk-telegram-e2e',
    env: { LLM_TIMEOUT_MS: '5000' },
  });
  const { e2e, say, sentSince, promptOf } = tg;

  const ann = makeUser(1001, 'Ann');
  const bob = makeUser(1002, 'Bob');
  const group = groupChat(-4001, 'Friends');
  const forum = supergroupChat(-1001234567890, 'Forum', { isForum: true });

  it('remembers a private conversation, answering as a reply with "typing…" and registered commands', async () => {
    await tg.start();
    expect(tg.telegram.commands().map((c) => c.command)).toEqual([
      'start',
      'help',
      'memory',
      'remember',
      'forget',
      'persona',
      'model',
      'usage',
    ]);
    const first = await say(ann, privateChat(ann), 'My name is Ann.');
    expect(first.replies).toHaveLength(1);
    expect(first.replies[0]).toMatchObject({
      text: 'echo: My name is Ann.',
      reply_parameters: { message_id: first.update.message!.message_id },
    });
    expect(tg.telegram.callsTo('sendChatAction').at(-1)!.params).toMatchObject({
      action: 'typing',
      chat_id: ann.id,
    });

    await say(ann, privateChat(ann), 'What is my name?');
    expect(promptOf(1)).toEqual(
      expect.arrayContaining(['My name is Ann.', 'echo: My name is Ann.', 'What is my name?']),
    );
    expect(promptOf(1)[0]).toContain(
      'You are chatting on Telegram with a person whose display name is "Ann"',
    );
  });

  it('in groups answers only mentions and replies to its messages, never calling the model otherwise', async () => {
    await tg.start();
    const before = tg.telegram.sentMessages().length;
    tg.telegram.sendMessage(ann, group, 'just talking among friends');
    tg.telegram.sendMessage(bob, group, 'hey @someone_else look');
    const mentioned = await say(ann, group, '@parrot_test_bot what is 2+2?');
    expect(e2e.openai.requests).toHaveLength(1);
    expect(lastUserText(e2e.openai.requests[0]!.body!)).toBe('what is 2+2?');
    expect(sentSince(before)).toHaveLength(1);
    expect(mentioned.replies[0]!.text).toBe('echo: what is 2+2?');

    const reply = await say(ann, group, 'and times 3?', {
      reply_to_message_id: mentioned.replies[0]!.message_id,
    });
    expect(reply.replies[0]!.text).toBe('echo: and times 3?');
    expect(e2e.openai.requests).toHaveLength(2);
  });

  it('never shares memory between users in a group, or with the same user in a DM', async () => {
    await tg.start();
    await say(ann, group, '@parrot_test_bot Ann secret: blue');
    await say(bob, group, '@parrot_test_bot what is the secret?');
    await say(ann, privateChat(ann), 'what is the secret?');
    expect(promptOf(1).join('\n')).not.toContain('blue');
    expect(promptOf(2).join('\n')).not.toContain('blue');
    await say(ann, group, '@parrot_test_bot again?');
    expect(promptOf(3).join('\n')).toContain('Ann secret: blue');
  });

  it('keeps forum topics apart and answers in the same topic', async () => {
    await tg.start();
    const topicA = tg.telegram.createForumTopic(ann, forum, 'Topic A').message_thread_id;
    const topicB = tg.telegram.createForumTopic(ann, forum, 'Topic B').message_thread_id;
    const inA = await say(ann, forum, '@parrot_test_bot in topic A', { message_thread_id: topicA });
    expect(inA.replies[0]).toMatchObject({ message_thread_id: topicA, text: 'echo: in topic A' });
    await say(ann, forum, '@parrot_test_bot in topic B', { message_thread_id: topicB });
    expect(promptOf(1).join('\n')).not.toContain('in topic A');
    const againA = await say(ann, forum, '@parrot_test_bot back in A', {
      message_thread_id: topicA,
    });
    expect(promptOf(2).join('\n')).toContain('in topic A');
    expect(againA.replies[0]!.message_thread_id).toBe(topicA);
  });

  it('/memory, /forget and /forget all', async () => {
    await tg.start();
    await say(ann, privateChat(ann), 'I like oolong.');
    await say(ann, group, '@parrot_test_bot I like espresso.');
    expect((await say(ann, privateChat(ann), '/memory')).replies[0]!.text).toMatch(
      /^2 recent messages/,
    );
    expect((await say(ann, group, '/forget@parrot_test_bot')).replies[0]!.text).toBe(
      'Done: I have forgotten our conversation here.',
    );
    expect((await say(ann, group, '/memory@parrot_test_bot')).replies[0]!.text).toMatch(
      /^I do not remember anything of this conversation yet\.\n\nLearning facts about you: on/,
    );
    expect((await say(ann, privateChat(ann), '/memory')).replies[0]!.text).toMatch(
      /^2 recent messages/,
    );
    expect((await say(ann, privateChat(ann), '/forget all')).replies[0]!.text).toBe(
      'Done: I have forgotten all our conversations (1).',
    );
    await say(ann, privateChat(ann), 'What do I like?');
    expect(promptOf(2).join('\n')).not.toContain('oolong');
    const start = await say(ann, privateChat(ann), '/start');
    expect(start.replies[0]!.text).toMatch(/^Hi Ann! I am a chat bot that remembers/);
    expect(start.replies[0]!.text).toContain('for 7 days after your last message');
  });

  it('delivers a 10,000-character answer in valid pieces, the first as a reply', async () => {
    await tg.start();
    const paragraph = '**Point.** This & that < those, with `code` and _style_. '.repeat(8);
    const code =
      '```python\n' +
      Array.from({ length: 80 }, (_, i) => `print(${i} < ${i + 1})`).join('\n') +
      '\n```';
    const answer = [...Array.from({ length: 20 }, () => paragraph), code, paragraph].join('\n\n');
    expect(answer.length).toBeGreaterThan(10_000);
    e2e.openai.enqueue({ text: answer });
    const before = tg.telegram.sentMessages().length;
    tg.telegram.sendMessage(ann, privateChat(ann), 'long please');
    await tg.telegram.waitFor(() => tg.telegram.sentMessages().length - before >= 3, 8000);
    await new Promise((r) => setTimeout(r, 300));
    const pieces = sentSince(before);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    for (const piece of pieces) {
      expect(piece.parse_mode).toBe('HTML');
      expect(piece.text.length).toBeLessThanOrEqual(4096);
    }
    expect(pieces[0]!.reply_parameters).toBeDefined();
    expect(pieces.slice(1).every((p) => p.reply_parameters === undefined)).toBe(true);
    const all = pieces.map((p) => p.text).join('\n');
    expect(all.match(/print\(\d+ < \d+\)/g)).toHaveLength(80);
    expect(all.match(/Point\./g)).toHaveLength(21 * 8);
  });

  it('gets the words through when markup is broken or Telegram rejects the entities', async () => {
    await tg.start();
    e2e.openai.enqueue({ text: '**unclosed bold and <b>raw tag & `code' });
    const broken = await say(ann, privateChat(ann), 'break it');
    expect(broken.replies[0]!.text).toBe('**unclosed bold and <b>raw tag & `code');

    e2e.openai.enqueue({ text: 'Fine **text**' });
    tg.telegram.failNext('sendMessage', {
      error_code: 400,
      description: "Bad Request: can't parse entities: Unsupported start tag",
    });
    const rejected = await say(ann, privateChat(ann), 'again');
    expect(rejected.replies[0]).toMatchObject({ text: 'Fine **text**' });
    expect(rejected.replies[0]!.parse_mode).toBeUndefined();
  });

  it('retries a 429 on sendMessage after retry_after and delivers once', async () => {
    await tg.start();
    tg.telegram.failNext('sendMessage', { error_code: 429, retry_after: 1 });
    const started = Date.now();
    const { replies } = await say(ann, privateChat(ann), 'rate limited?');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(replies).toHaveLength(1);
    expect(
      tg.telegram.callsTo('sendMessage').filter((c) => c.params.text === 'echo: rate limited?'),
    ).toHaveLength(2);
  });

  it('answers unreadable media in a private chat with a notice, and apologises for failures, without silence', async () => {
    await tg.start();
    const sticker = await say(ann, privateChat(ann), '', {
      sticker: { file_id: 'f', file_unique_id: 'u', width: 1, height: 1 } as never,
    });
    expect(sticker.replies[0]!.text).toBe(
      'I can only read text, images, voice messages and text files.',
    );
    const long = await say(ann, privateChat(ann), 'x '.repeat(2500));
    expect(long.replies[0]!.text).toMatch(/^Your message is 4,999 characters long/);
    expect(e2e.openai.requests).toHaveLength(0);

    e2e.openai.setHandler(() => ({ status: 500 }));
    const down = await say(ann, privateChat(ann), 'are you there?');
    expect(down.replies[0]!.text).toBe(
      'Sorry, I cannot reach my language model right now. Please try again in a moment.',
    );
  });

  it('keeps "typing…" up while a slow answer is generated', async () => {
    await tg.start();
    e2e.openai.enqueue({ text: 'slow but sure', delayMs: 4600 });
    const before = tg.telegram.callsTo('sendChatAction').length;
    await say(ann, privateChat(ann), 'take your time');
    expect(tg.telegram.callsTo('sendChatAction').length - before).toBeGreaterThanOrEqual(2);
  });

  it('still answers when Redis is unreachable, saying it answered without memory', async () => {
    await tg.start({ REDIS_URL: 'redis://127.0.0.1:1' });
    const { replies } = await say(ann, privateChat(ann), 'hello?');
    expect(replies[0]!.text).toBe(
      'echo: hello?\n\nI cannot reach my memory right now, so I answered without our earlier conversation.',
    );
    expect(replies[0]!.entities).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'italic' })]),
    );
  });

  it('ignores edited messages and messages from bots', async () => {
    await tg.start();
    const { update } = await say(ann, privateChat(ann), 'original');
    tg.telegram.editMessage(ann.id, update.message!.message_id, 'edited');
    const otherBot = { ...makeUser(3003, 'Robo'), is_bot: true };
    tg.telegram.sendMessage(otherBot, group, '@parrot_test_bot hi from a bot');
    await new Promise((r) => setTimeout(r, 500));
    expect(e2e.openai.requests).toHaveLength(1);
  });

  it('streams a slow answer by editing one message, at most about once a second', async () => {
    await tg.start({ STREAM_REPLIES: 'true' });
    const words = Array.from({ length: 24 }, (_, i) => `word${i} `);
    e2e.openai.enqueue({ text: words.join('').trim(), chunks: words, chunkDelayMs: 150 });
    const before = tg.telegram.sentMessages().length;
    tg.telegram.sendMessage(ann, privateChat(ann), 'stream please');
    await tg.telegram.waitFor(() => sentSince(before)[0]?.text === words.join('').trim(), 10_000);
    const [message] = sentSince(before);
    expect(sentSince(before)).toHaveLength(1);
    expect(message!.edits.length).toBeGreaterThanOrEqual(2);
    const edits = tg.telegram.callsTo('editMessageText').map((c) => c.at);
    for (let i = 1; i < edits.length - 1; i++)
      expect(edits[i]! - edits[i - 1]!).toBeGreaterThanOrEqual(900);
  });

  it('answers only allowed users and chats: a polite refusal in private, silence in groups', async () => {
    await tg.start({
      ALLOWED_USER_IDS: `telegram:${ann.id}`,
      TELEGRAM_ALLOWED_CHAT_IDS: String(group.id),
    });
    const refused = await say(bob, privateChat(bob), 'let me in');
    expect(refused.replies[0]!.text).toMatch(/^Sorry, I am not available to you here/);
    tg.telegram.sendMessage(bob, group, '@parrot_test_bot me too?');
    const annInGroup = await say(ann, group, '@parrot_test_bot hello');
    expect(annInGroup.replies.map((m) => m.text)).toEqual(['echo: hello']);
    const annInDm = await say(ann, privateChat(ann), 'and in private?');
    expect(annInDm.replies[0]!.text).toMatch(/^Sorry, I am not available/);
    expect(e2e.openai.requests).toHaveLength(1);
    // Anyone may still make the bot forget them.
    expect((await say(bob, privateChat(bob), '/forget all')).replies[0]!.text).toMatch(/^Done/);
  });

  it('keeps memory across a restart of the bot (Redis)', async () => {
    await tg.start();
    await say(ann, privateChat(ann), 'Remember: my cat is called Tom.');
    await e2e.stop(1000);
    await tg.start();
    await say(ann, privateChat(ann), 'What is my cat called?');
    expect(promptOf(1)).toContain('Remember: my cat is called Tom.');
  });

  it('serves the webhook, checking the secret on every request', async () => {
    const started = await tg.start({
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
      TELEGRAM_WEBHOOK_SECRET: 'hook-secret',
      HTTP_PORT: '0',
    });
    expect(tg.telegram.webhook).toMatchObject({
      url: 'https://bot.example.com/telegram/webhook',
      secret_token: 'hook-secret',
    });
    const url = `http://127.0.0.1:${started.httpPort}/telegram/webhook`;
    // The fake queues it for getUpdates (unused in webhook mode); we deliver it as Telegram would.
    const update = tg.telegram.sendMessage(ann, privateChat(ann), 'via webhook');
    const wrong = await fetch(url, {
      method: 'POST',
      body: JSON.stringify(update),
      headers: { 'x-telegram-bot-api-secret-token': 'nope' },
    });
    expect(wrong.status).toBe(401);
    // The secret is checked before the body is read or parsed.
    const garbage = await fetch(url, {
      method: 'POST',
      body: '{not json',
      headers: { 'x-telegram-bot-api-secret-token': 'nope' },
    });
    expect(garbage.status).toBe(401);
    const noSecret = await fetch(url, { method: 'POST', body: '{not json' });
    expect(noSecret.status).toBe(401);
    const badJson = await fetch(url, {
      method: 'POST',
      body: '{not json',
      headers: { 'x-telegram-bot-api-secret-token': 'hook-secret' },
    });
    expect(badJson.status).toBe(400);
    const before = tg.telegram.sentMessages().length;
    const ok = await fetch(url, {
      method: 'POST',
      body: JSON.stringify(update),
      headers: { 'x-telegram-bot-api-secret-token': 'hook-secret' },
    });
    expect(ok.status).toBe(200);
    await tg.telegram.waitFor(() => tg.telegram.sentMessages().length > before, 8000);
    expect(sentSince(before)[0]!.text).toBe('echo: via webhook');
    expect(e2e.openai.requests).toHaveLength(1);
  });

  it('the real program stops cleanly on SIGTERM while polling', async () => {
    const program = startProgram('main.ts', { LOG_LEVEL: 'info', ...tg.env });
    await tg.telegram.waitFor(
      () => program.stdout().includes('telegram long polling started'),
      15_000,
    );
    const before = tg.telegram.sentMessages().length;
    tg.telegram.sendMessage(bob, privateChat(bob), 'hello from the real process');
    await tg.telegram.waitFor(() => tg.telegram.sentMessages().length > before, 8000);
    program.child.kill('SIGTERM');
    expect(await program.exited).toBe(0);
    expect(program.stdout()).toContain('"msg":"stopped"');
    expect(program.stdout()).not.toContain(tg.telegram.token.split(':')[1]!);
  });
});
