/**
 * The recipe bot the end-to-end benchmark compares ours with (dev-only): the bot people build from
 * the grammY and LangChain docs. grammY with @grammyjs/runner (concurrent long polling, as ours),
 * "typing…" once, then `RunnableWithMessageHistory` over `ChatPromptTemplate` [system,
 * `MessagesPlaceholder('history')`, human] piped into `ChatOpenAI`, with `RedisChatMessageHistory`
 * (@langchain/redis, node-redis 4) sharing one connected client, and the answer sent as plain text
 * in one message. No markdown rendering, no streaming, no logging, no window, no summaries.
 *
 * Only package imports, so bench/e2e/bot-process.ts can compile this one file to JavaScript and
 * run it on bare `node`, as ours runs from its build.
 *
 * Environment: TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, OPENAI_BASE_URL, OPENAI_API_KEY, LLM_MODEL,
 * REDIS_URL, RECIPE_KEY_PREFIX (namespace of the history keys), RECIPE_TTL_SECONDS, SYSTEM_PROMPT;
 * RECIPE_RUNNER_CONCURRENCY (unset: the runner's default, 500 updates at once) for a diagnostic
 * run that shows what that default costs.
 */
import { run } from '@grammyjs/runner';
import { ChatPromptTemplate, MessagesPlaceholder } from '@langchain/core/prompts';
import { RunnableWithMessageHistory } from '@langchain/core/runnables';
import { ChatOpenAI } from '@langchain/openai';
import { RedisChatMessageHistory } from '@langchain/redis';
import { Bot } from 'grammy';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`recipe bot: ${name} is not set`);
  return value;
}

const keyPrefix = required('RECIPE_KEY_PREFIX');
const ttl = Number(process.env.RECIPE_TTL_SECONDS ?? 3600);

// One connected client for every session (a `config` per history would open a connection each).
const client = new RedisChatMessageHistory({
  sessionId: 'unused',
  config: { url: required('REDIS_URL') },
}).client;
await client.connect();

const model = new ChatOpenAI({
  model: process.env.LLM_MODEL ?? 'gpt-4o-mini',
  temperature: 0.7,
  apiKey: required('OPENAI_API_KEY'),
  configuration: { baseURL: required('OPENAI_BASE_URL') },
});
const prompt = ChatPromptTemplate.fromMessages([
  ['system', required('SYSTEM_PROMPT')],
  new MessagesPlaceholder('history'),
  ['human', '{question}'],
]);
const chain = new RunnableWithMessageHistory({
  runnable: prompt.pipe(model),
  getMessageHistory: (sessionId: string) =>
    new RedisChatMessageHistory({ sessionId, sessionTTL: ttl, client }),
  inputMessagesKey: 'question',
  historyMessagesKey: 'history',
});

const bot = new Bot(required('TELEGRAM_BOT_TOKEN'), {
  client: { apiRoot: required('TELEGRAM_API_ROOT') },
});
bot.on('message:text', async (ctx) => {
  void ctx.replyWithChatAction('typing').catch(() => undefined);
  const answer = await chain.invoke(
    { question: ctx.message.text },
    { configurable: { sessionId: `${keyPrefix}:telegram:${ctx.chat.id}:${ctx.from.id}` } },
  );
  await ctx.reply(answer.text, { reply_parameters: { message_id: ctx.message.message_id } });
});
bot.catch((error) => {
  process.stderr.write(`update ${error.ctx.update.update_id} failed: ${String(error.error)}\n`);
});

const concurrency = Number(process.env.RECIPE_RUNNER_CONCURRENCY ?? 0);
const runner = run(bot, {
  runner: { fetch: { allowed_updates: ['message'] } },
  ...(concurrency > 0 ? { sink: { concurrency } } : {}),
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (async () => {
      if (runner.isRunning()) await runner.stop();
      await client.quit().catch(() => undefined);
      process.exit(0);
    })();
  });
}
