/** Simulated presses of inline keyboard buttons: the `callback_query` updates Telegram sends. */
import type { Message, Update, User } from 'grammy/types';
import type { FakeTelegramServer, SentMessage } from './types.js';

let queries = 0;

/** The callback data of every button of a message the bot sent, row by row. */
export function buttonsOf(sent: SentMessage): { text: string; data: string }[] {
  const keyboard = (sent.message as Message).reply_markup?.inline_keyboard ?? [];
  return keyboard.flat().map((button) => ({
    text: button.text,
    data: 'callback_data' in button ? (button.callback_data ?? '') : '',
  }));
}

/**
 * `from` presses the button with callback data `data` under the bot's message `sent`, as it is
 * now: queues a `callback_query` update (dropped, with `update_id` 0, unless the bot asked for
 * callback queries) whose `message` is that message. Throws on a test mistake: no such button.
 */
export function pressButton(
  telegram: FakeTelegramServer,
  from: User,
  sent: SentMessage,
  data: string,
): Update {
  if (!buttonsOf(sent).some((button) => button.data === data)) {
    throw new Error(`message ${sent.message_id} has no button with data ${JSON.stringify(data)}`);
  }
  queries += 1;
  return telegram.pushUpdate({
    callback_query: {
      id: `${4_000_000_000 + queries}`,
      from,
      message: sent.message,
      chat_instance: `-${sent.chat_id}`,
      data,
    },
  });
}
