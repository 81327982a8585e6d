/** Discord's checks on what the bot sends: message fields and application commands. */
import { isRecord } from '../shared/is-record.js';
import { MAX_CONTENT_LENGTH } from './constants.js';
import { codePointLength } from './helpers.js';
import type { FormErrors } from './replies.js';
import type { AllowedMentions, JsonObject } from './wire-types.js';

/** Checks the message fields Discord validates on create and edit; errors land under `path`. */
export function validateMessageFields(
  body: JsonObject,
  form: FormErrors,
  path: readonly string[],
): void {
  const content = body.content;
  if (content !== undefined && content !== null) {
    if (typeof content !== 'string') {
      form.add([...path, 'content'], 'BASE_TYPE_STRING', 'Could not interpret value as string.');
    } else if (codePointLength(content) > MAX_CONTENT_LENGTH) {
      form.add(
        [...path, 'content'],
        'BASE_TYPE_MAX_LENGTH',
        `Must be ${MAX_CONTENT_LENGTH} or fewer in length.`,
      );
    }
  }
  if (Array.isArray(body.embeds) && body.embeds.length > 10) {
    form.add([...path, 'embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  }
  const allowed = body.allowed_mentions;
  if (allowed !== undefined && allowed !== null) {
    if (!isRecord(allowed)) {
      form.add(
        [...path, 'allowed_mentions'],
        'MODEL_TYPE_CONVERT',
        'Only dictionaries may be used in a ModelType',
      );
      return;
    }
    const parse = Array.isArray(allowed.parse) ? allowed.parse : [];
    parse.forEach((value, index) => {
      if (value !== 'users' && value !== 'roles' && value !== 'everyone') {
        form.add(
          [...path, 'allowed_mentions', 'parse', index],
          'BASE_TYPE_CHOICES',
          "Value must be one of ('roles', 'users', 'everyone').",
        );
      }
    });
    for (const kind of ['users', 'roles'] as const) {
      const list = allowed[kind];
      if (parse.includes(kind) && Array.isArray(list) && list.length > 0) {
        form.add(
          [...path, 'allowed_mentions'],
          'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
          `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
        );
      }
    }
  }
}

/** Whether a create body has anything to show; Discord answers 50006 otherwise. */
export function hasSomethingToSend(body: JsonObject, fileCount: number): boolean {
  const nonEmpty = (value: unknown): boolean => Array.isArray(value) && value.length > 0;
  return (
    (typeof body.content === 'string' && body.content.length > 0) ||
    nonEmpty(body.embeds) ||
    nonEmpty(body.components) ||
    nonEmpty(body.sticker_ids) ||
    body.poll !== undefined ||
    fileCount > 0
  );
}

export function toAllowedMentions(value: unknown): AllowedMentions | undefined {
  if (!isRecord(value)) return undefined;
  const strings = (list: unknown): string[] | undefined =>
    Array.isArray(list)
      ? list.filter((item): item is string => typeof item === 'string')
      : undefined;
  const result: AllowedMentions = {};
  const parse = strings(value.parse);
  const users = strings(value.users);
  const roles = strings(value.roles);
  if (parse) result.parse = parse;
  if (users) result.users = users;
  if (roles) result.roles = roles;
  if (typeof value.replied_user === 'boolean') result.replied_user = value.replied_user;
  return result;
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Discord's checks on a command (or a chat input option): names, descriptions, option order. */
export function validateCommand(
  command: unknown,
  form: FormErrors,
  path: readonly (string | number)[],
): void {
  if (!isRecord(command)) {
    form.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return;
  }
  const type = command.type ?? 1;
  if (type !== 1 && type !== 2 && type !== 3 && type !== 4) {
    form.add([...path, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4}.');
    return;
  }
  const name = command.name;
  if (typeof name !== 'string' || name.length === 0) {
    form.add([...path, 'name'], 'BASE_TYPE_REQUIRED', 'This field is required');
  } else if (type === 1 && (!COMMAND_NAME.test(name) || name !== name.toLowerCase())) {
    form.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  } else if (codePointLength(name) > 32) {
    form.add([...path, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
  }
  const description = command.description;
  if (type === 1) {
    if (typeof description !== 'string' || description.length === 0) {
      form.add([...path, 'description'], 'BASE_TYPE_REQUIRED', 'This field is required');
    } else if (codePointLength(description) > 100) {
      form.add(
        [...path, 'description'],
        'BASE_TYPE_BAD_LENGTH',
        'Must be between 1 and 100 in length.',
      );
    }
    validateOptions(command.options, form, [...path, 'options']);
  } else if (typeof description === 'string' && description.length > 0) {
    form.add(
      [...path, 'description'],
      'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION',
      'Context menu commands cannot have description',
    );
  }
}

function validateOptions(
  options: unknown,
  form: FormErrors,
  path: readonly (string | number)[],
): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) {
    form.add(path, 'BASE_TYPE_LIST', 'Could not interpret value as list.');
    return;
  }
  if (options.length > 25) form.add(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  let sawOptional = false;
  const names = new Set<string>();
  options.forEach((option: unknown, index) => {
    const at = [...path, index];
    if (!isRecord(option)) {
      form.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    const { type, name, description } = option;
    if (typeof type !== 'number' || type < 1 || type > 11) {
      form.add(
        [...at, 'type'],
        'BASE_TYPE_CHOICES',
        'Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.',
      );
    }
    if (typeof name !== 'string' || !COMMAND_NAME.test(name) || name !== name.toLowerCase()) {
      form.add([...at, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    } else if (names.has(name)) {
      form.add(
        [...at, 'name'],
        'APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME',
        'Option names must be unique',
      );
    } else {
      names.add(name);
    }
    if (
      typeof description !== 'string' ||
      description.length === 0 ||
      codePointLength(description) > 100
    ) {
      form.add(
        [...at, 'description'],
        'BASE_TYPE_BAD_LENGTH',
        'Must be between 1 and 100 in length.',
      );
    }
    if (type === 1 || type === 2) {
      validateOptions(option.options, form, [...at, 'options']);
      return;
    }
    if (option.required === true && sawOptional) {
      form.add(
        path,
        'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        'Required options must be placed before non-required options',
      );
    }
    if (option.required !== true) sawOptional = true;
    if (Array.isArray(option.choices) && option.choices.length > 25) {
      form.add([...at, 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    }
  });
}
