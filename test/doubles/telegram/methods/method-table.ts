/** The Bot API methods the fake implements, by lower-case name (Telegram ignores the case). */
import type { LongPoll } from '../long-poll.js';
import type { Params } from '../params.js';
import type { TelegramState } from '../state.js';
import { deleteMyCommands, getMyCommands, setMyCommands } from './commands.js';
import { getChatMember } from './members.js';
import {
  answerCallbackQuery,
  deleteMessage,
  editMessageText,
  sendChatAction,
  sendMessage,
} from './messages.js';
import { deleteWebhook, getWebhookInfo, setWebhook } from './webhook.js';

/**
 * A method by its canonical name. A result with `description` carries Telegram's note along;
 * `getUpdates` is answered by the long poll, which needs the response itself.
 */
export interface ApiMethod {
  name: string;
  run: (params: Params) => unknown;
}

export function apiMethods(state: TelegramState, poll: LongPoll): Map<string, ApiMethod> {
  const table: [string, (params: Params) => unknown][] = [
    ['getMe', () => state.botUser],
    ['getFile', (params) => state.files.getFile(params)],
    ['sendMessage', (params) => sendMessage(state, params)],
    ['editMessageText', (params) => editMessageText(state, params)],
    ['deleteMessage', (params) => deleteMessage(state, params)],
    ['sendChatAction', (params) => sendChatAction(state, params)],
    ['setMyCommands', (params) => setMyCommands(state, params)],
    ['getMyCommands', (params) => getMyCommands(state, params)],
    ['deleteMyCommands', (params) => deleteMyCommands(state, params)],
    ['setWebhook', (params) => setWebhook(state, poll, params)],
    ['deleteWebhook', (params) => deleteWebhook(state, params)],
    ['getWebhookInfo', () => getWebhookInfo(state)],
    ['answerCallbackQuery', (params) => answerCallbackQuery(state, params)],
    ['getChatMember', (params) => getChatMember(state, params)],
    ['getUpdates', () => undefined],
  ];
  return new Map(table.map(([name, run]) => [name.toLowerCase(), { name, run }]));
}
