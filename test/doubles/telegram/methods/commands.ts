/** The command list methods: setMyCommands, getMyCommands and deleteMyCommands. */
import type { BotCommand } from 'grammy/types';
import { isRecord } from '../../shared/is-record.js';
import { badRequest } from '../api-error.js';
import type { Params } from '../params.js';
import type { TelegramState } from '../state.js';

/** The key of a command list: its scope (default `{ type: 'default' }`) and language. */
function commandKey(scope: unknown, languageCode: string | undefined): string {
  const given = isRecord(scope) ? scope : { type: 'default' };
  const normalized = {
    type: given.type,
    ...(given.chat_id !== undefined ? { chat_id: String(given.chat_id) } : {}),
    ...(given.user_id !== undefined ? { user_id: String(given.user_id) } : {}),
  };
  const language = languageCode ?? '';
  if (language !== '' && !/^[a-z]{2}$/.test(language)) {
    throw badRequest('invalid language code specified');
  }
  return `${JSON.stringify(normalized)}|${language}`;
}

function scopeOf(params: Params): unknown {
  const scope = params.json('scope', 'BotCommandScope');
  if (scope !== undefined && !isRecord(scope))
    throw badRequest('BotCommandScope must be an Object');
  return scope;
}

/** setMyCommands, validated like tdlib's `set_commands` and the server behind it. */
export function setMyCommands(state: TelegramState, params: Params): true {
  const value = params.json('commands', 'commands');
  if (!Array.isArray(value)) throw badRequest('expected an Array of BotCommand');
  const commands: BotCommand[] = [];
  for (const item of value as unknown[]) {
    if (!isRecord(item)) throw badRequest('expected BotCommand');
    let command = typeof item.command === 'string' ? item.command.trim() : '';
    if (command.startsWith('/')) command = command.slice(1);
    const description = typeof item.description === 'string' ? item.description.trim() : '';
    if (command === '') throw badRequest('command must be non-empty');
    if ([...command].length > 32) throw badRequest('command length must not exceed 32');
    if (description === '') throw badRequest('command description must be non-empty');
    if ([...description].length > 256) {
      throw badRequest('command description length must not exceed 256');
    }
    if (!/^[a-z0-9_]+$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
    commands.push({ command, description });
  }
  if (commands.length > 100) throw badRequest('BOT_COMMANDS_TOO_MUCH');
  const key = commandKey(scopeOf(params), params.string('language_code'));
  if (commands.length === 0) state.commandSets.delete(key);
  else state.commandSets.set(key, commands);
  return true;
}

/** Copies of the commands stored for exactly this scope and language (no fallback, as Telegram). */
export function commandsFor(
  state: TelegramState,
  scope: unknown,
  languageCode: string | undefined,
): BotCommand[] {
  return (state.commandSets.get(commandKey(scope, languageCode)) ?? []).map((c) => ({ ...c }));
}

export function getMyCommands(state: TelegramState, params: Params): BotCommand[] {
  return commandsFor(state, scopeOf(params), params.string('language_code'));
}

export function deleteMyCommands(state: TelegramState, params: Params): true {
  state.commandSets.delete(commandKey(scopeOf(params), params.string('language_code')));
  return true;
}
