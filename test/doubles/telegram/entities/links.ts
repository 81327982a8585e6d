/** Links inside formatted text: URLs, user mentions, date-time links and custom emoji ids. */
import { isDateTimeFormat, parseFailure, type Draft, type UserLookup } from './draft.js';

/**
 * tdlib's `get_checked_link`, simplified: http(s) URLs and bare domains (made `http://…`) need a
 * dotted host name or an IPv4 address and get a `/` path when they have none; `tg:` and `ton:`
 * links are kept; anything else (or anything with whitespace) is not a link, so the entity is
 * dropped silently, as Telegram does. Unlike WHATWG `URL`, nothing is percent-encoded.
 */
function checkedLink(url: string): string | undefined {
  if (url === '' || /\s/.test(url)) return undefined;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'tg' || scheme === 'ton') return url;
  let candidate: string;
  if (scheme === 'http' || scheme === 'https') candidate = url;
  else if (scheme === undefined || /^[^:/]+:\d+(?:[/?#]|$)/.test(url)) candidate = `http://${url}`;
  else return undefined;
  const parts = /^([a-zA-Z]+):\/\/([^/?#]*)(.*)$/.exec(candidate);
  if (parts === null) return undefined;
  const [, protocol = '', authority = '', rest = ''] = parts;
  const host = authority.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  const isIp = /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
  const isDomain = /^(?:[\p{L}\p{N}-]+\.)+[\p{L}][\p{L}\p{N}-]*$/u.test(host);
  if (!isIp && !isDomain) return undefined;
  return `${protocol.toLowerCase()}://${authority}${rest.startsWith('/') ? rest : `/${rest}`}`;
}

/** A `text_link` or, for `tg://user?id=<known user>`, a `text_mention`; undefined if no link. */
export function linkDraft(
  url: string,
  offset: number,
  length: number,
  userById: UserLookup,
): Draft | undefined {
  const mention = /^tg:(?:\/\/)?user\?id=(\d+)$/i.exec(url.trim());
  if (mention?.[1] !== undefined) {
    const user = userById(Number(mention[1]));
    if (user !== undefined) return { type: 'text_mention', offset, length, user };
  }
  const checked = checkedLink(url);
  return checked === undefined ? undefined : { type: 'text_link', offset, length, url: checked };
}

/** A `tg://time?unix=…&format=…` link as a `date_time` entity (Bot API 9.x), else undefined. */
export function dateTimeDraft(url: string, offset: number, length: number): Draft | undefined {
  const match = /^tg:\/\/time\/?\?(.*)$/i.exec(url.trim());
  if (match === null) return undefined;
  const query = new URLSearchParams(match[1]);
  return dateTimeFromAttributes(query.get('unix') ?? '', query.get('format') ?? '', offset, length);
}

export function dateTimeFromAttributes(
  unix: string,
  format: string,
  offset: number,
  length: number,
): Draft {
  if (!/^\d{1,12}$/.test(unix)) parseFailure('Invalid Unix time specified');
  if (!isDateTimeFormat(format)) parseFailure('Invalid date and time format specified');
  return { type: 'date_time', offset, length, unix_time: Number(unix), date_time_format: format };
}

export function customEmojiId(value: string): string {
  if (!/^[1-9]\d{0,18}$/.test(value)) parseFailure('Invalid custom emoji identifier specified');
  return value;
}

/** `tg://emoji?id=…` as in tdlib's `get_link_custom_emoji_id`, with its error texts. */
export function customEmojiFromUrl(url: string): string {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):(?:\/\/)?([^/?#]*)\/?(?:\?([^#]*))?/.exec(url);
  if (match === null || match[1]?.toLowerCase() !== 'tg') {
    parseFailure('Custom emoji URL must have scheme tg');
  }
  if (match[2]?.toLowerCase() !== 'emoji') parseFailure('Custom emoji URL must have host "emoji"');
  const id = new URLSearchParams(match[3] ?? '').get('id');
  if (id === null) parseFailure('Custom emoji URL must have an emoji identifier');
  return customEmojiId(id);
}
