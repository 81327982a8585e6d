/**
 * Entities while Telegram's text parsers build them (offsets in UTF-16 code units, as the Bot API
 * reports them), the helpers every parser shares, and the conversion to grammY's `MessageEntity`.
 */
import type { MessageEntity, User } from 'grammy/types';

export type EntityType = MessageEntity['type'];
export type DateTimeFormat = MessageEntity.DateTimeMessageEntity['date_time_format'];

/** An entity while it is being built; turned into a `MessageEntity` at the end. */
export interface Draft {
  type: EntityType;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
  user?: User;
  unix_time?: number;
  date_time_format?: DateTimeFormat;
}

/** Finds users for `tg://user?id=` links, which become `text_mention` entities. */
export type UserLookup = (id: number) => User | undefined;

/** A parser's error text, which the Bot API reports as "Bad Request: can't parse entities: …". */
export class EntityParseError extends Error {}

export function parseFailure(message: string): never {
  throw new EntityParseError(message);
}

/** The UTF-8 byte offset of UTF-16 index `index`: Telegram's parse errors count bytes. */
export function byteOffset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, index), 'utf8');
}

/** tdlib's `is_space`; past the end counts as space, as the C string's terminating NUL does. */
export function isSpaceAt(text: string, index: number): boolean {
  return index >= text.length || ' \t\r\n\v\f\0'.includes(text.charAt(index));
}

/** tdlib's `sort_entities`: offset ascending, then length descending, then a type priority. */
const TYPE_PRIORITY: Partial<Record<EntityType, number>> = {
  blockquote: 0,
  expandable_blockquote: 0,
  pre: 11,
  code: 20,
  text_link: 49,
  text_mention: 49,
  bold: 90,
  italic: 91,
  underline: 92,
  strikethrough: 93,
  spoiler: 94,
  custom_emoji: 99,
};

function priorityOf(draft: Draft): number {
  if (draft.type === 'pre' && draft.language !== undefined) return 10;
  return TYPE_PRIORITY[draft.type] ?? 50;
}

export function sortDrafts(drafts: Draft[]): Draft[] {
  return drafts.sort(
    (a, b) => a.offset - b.offset || b.length - a.length || priorityOf(a) - priorityOf(b),
  );
}

const DATE_TIME_FORMAT = /^(?:r|w?[dD]?[tT]?)$/;

export function isDateTimeFormat(value: string): value is DateTimeFormat {
  return DATE_TIME_FORMAT.test(value);
}

/**
 * The opening of a pre block after its fence (tdlib `parse_markdown` and `parse_markdown_v2`):
 * a language up to the first space or backtick, when text follows it, then one line break that is
 * not part of the text. Returns the language ('' for none) and the index after what was read.
 */
export function readPreOpening(text: string, start: number): { language: string; end: number } {
  const ch = (k: number): string => text.charAt(k);
  let i = start;
  let language = '';
  let languageEnd = i;
  while (!isSpaceAt(text, languageEnd) && ch(languageEnd) !== '`') languageEnd++;
  if (i !== languageEnd && languageEnd < text.length && ch(languageEnd) !== '`') {
    language = text.slice(i, languageEnd);
    i = languageEnd;
  }
  if (ch(i) === '\n' || ch(i) === '\r') {
    if ((ch(i + 1) === '\n' || ch(i + 1) === '\r') && ch(i) !== ch(i + 1)) i += 2;
    else i++;
  }
  return { language, end: i };
}

export function toMessageEntity(draft: Draft): MessageEntity {
  const { type, offset, length } = draft;
  switch (type) {
    case 'pre':
      return draft.language !== undefined && draft.language !== ''
        ? { type, offset, length, language: draft.language }
        : { type, offset, length };
    case 'text_link':
      return { type, offset, length, url: draft.url ?? '' };
    case 'text_mention':
      return { type, offset, length, user: draft.user ?? { id: 0, is_bot: false, first_name: '' } };
    case 'custom_emoji':
      return { type, offset, length, custom_emoji_id: draft.custom_emoji_id ?? '' };
    case 'date_time':
      return {
        type,
        offset,
        length,
        unix_time: draft.unix_time ?? 0,
        date_time_format: draft.date_time_format ?? '',
      };
    default:
      return { type, offset, length };
  }
}
