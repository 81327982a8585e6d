/** The `entities` parameter of a send or edit, checked the way the Bot API checks it. */
import { isRecord } from '../../shared/is-record.js';
import { badRequest } from '../api-error.js';
import { isDateTimeFormat, type Draft, type UserLookup } from './draft.js';
import { linkDraft } from './links.js';

/** Entity types the Bot API ignores when given: Telegram detects them itself. */
const DETECTED_TYPES = new Set([
  'mention',
  'hashtag',
  'cashtag',
  'bot_command',
  'url',
  'email',
  'phone_number',
  'bank_card_number',
]);

/** The `entities` parameter, validated like the Bot API's `get_text_entity`. */
export function inputEntities(value: unknown, userById: UserLookup): Draft[] {
  if (!Array.isArray(value)) return [];
  const drafts: Draft[] = [];
  const fail = (why: string): never => {
    throw badRequest(`can't parse MessageEntity: ${why}`);
  };
  for (const item of value as unknown[]) {
    if (!isRecord(item)) fail('expected an Object');
    const record = item as Record<string, unknown>;
    const offset = record.offset;
    const length = record.length;
    const type = record.type;
    if (typeof offset !== 'number' || !Number.isInteger(offset)) {
      fail('Field "offset" must be of type Number');
    }
    if (typeof length !== 'number' || !Number.isInteger(length)) {
      fail('Field "length" must be of type Number');
    }
    if (typeof type !== 'string') fail('Field "type" must be of type String');
    const o = Number(offset);
    const l = Number(length);
    if (o < 0) throw badRequest(`receive an entity with incorrect offset ${o}`);
    if (l < 0) throw badRequest(`receive an entity with incorrect length ${l}`);
    const t = String(type);
    if (DETECTED_TYPES.has(t)) continue;
    switch (t) {
      case 'bold':
      case 'italic':
      case 'underline':
      case 'strikethrough':
      case 'spoiler':
      case 'code':
      case 'blockquote':
      case 'expandable_blockquote':
        drafts.push({ type: t, offset: o, length: l });
        break;
      case 'pre':
        drafts.push({
          type: 'pre',
          offset: o,
          length: l,
          ...(typeof record.language === 'string' ? { language: record.language } : {}),
        });
        break;
      case 'text_link': {
        if (typeof record.url !== 'string') fail('Field "url" must be of type String');
        const draft = linkDraft(String(record.url), o, l, userById);
        if (draft === undefined) throw badRequest('entity URL is invalid');
        drafts.push(draft);
        break;
      }
      case 'text_mention': {
        const user = record.user;
        if (!isRecord(user) || typeof user.id !== 'number')
          fail('Field "user" must be of type Object');
        const known = userById(Number((user as Record<string, unknown>).id));
        if (known === undefined) throw badRequest('user not found');
        drafts.push({ type: 'text_mention', offset: o, length: l, user: known });
        break;
      }
      case 'custom_emoji':
        if (typeof record.custom_emoji_id !== 'string') {
          fail('Field "custom_emoji_id" must be of type String');
        }
        drafts.push({
          type: 'custom_emoji',
          offset: o,
          length: l,
          custom_emoji_id: String(record.custom_emoji_id),
        });
        break;
      case 'date_time': {
        const format = typeof record.date_time_format === 'string' ? record.date_time_format : '';
        if (typeof record.unix_time !== 'number' || !isDateTimeFormat(format)) {
          fail('invalid date_time entity');
        }
        drafts.push({
          type: 'date_time',
          offset: o,
          length: l,
          unix_time: Number(record.unix_time),
          date_time_format: isDateTimeFormat(format) ? format : '',
        });
        break;
      }
      default:
        fail('Unsupported type specified');
    }
  }
  return drafts;
}
