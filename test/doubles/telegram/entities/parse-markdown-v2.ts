/** Telegram's MarkdownV2 parse mode, ported from tdlib's `parse_markdown_v2` with its error texts. */
import {
  byteOffset,
  parseFailure,
  readPreOpening,
  sortDrafts,
  type Draft,
  type EntityType,
  type UserLookup,
} from './draft.js';
import { customEmojiFromUrl, dateTimeDraft, linkDraft } from './links.js';

type MarkdownV2Entity =
  | 'Bold'
  | 'Italic'
  | 'Underline'
  | 'Strikethrough'
  | 'Spoiler'
  | 'Code'
  | 'Pre'
  | 'PreCode'
  | 'TextUrl'
  | 'CustomEmoji'
  | 'BlockQuote';

const MARKDOWN_V2_TYPES: Partial<Record<MarkdownV2Entity, EntityType>> = {
  Bold: 'bold',
  Italic: 'italic',
  Underline: 'underline',
  Strikethrough: 'strikethrough',
  Spoiler: 'spoiler',
  Code: 'code',
  Pre: 'pre',
};

function reservedCharacter(c: string): never {
  parseFailure(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
}

/**
 * Telegram's MarkdownV2: a port of tdlib's `parse_markdown_v2` with its error texts, including
 * block quotes (`>` at line starts, `**>` too) and expandable ones (a quote whose last line ends
 * with `||`). Any of `_*[]()~\`>#+-=|{}.!` outside an entity must be escaped with `\`; inside
 * code and pre only `` ` `` and `\`, inside a link's `(…)` only `)` and `\`.
 */
export function parseMarkdownV2(
  text: string,
  userById: UserLookup,
): { text: string; entities: Draft[] } {
  interface OpenEntity {
    type: MarkdownV2Entity;
    argument: string;
    offset: number;
    byteOffset: number;
    expandable: boolean;
  }
  const stack: OpenEntity[] = [];
  const drafts: Draft[] = [];
  const n = text.length;
  const ch = (k: number): string => text.charAt(k);
  const escapable = (k: number): boolean => {
    const code = text.charCodeAt(k);
    return code > 0 && code <= 126;
  };
  const atLineEnd = (k: number): boolean =>
    k >= n || ch(k) === '\n' || (ch(k) === '\r' && (k + 1 >= n || ch(k + 1) === '\n'));
  /** Reads `(url)` after `]` at `i`; returns the URL and the index of `)`. */
  const readUrl = (i: number, what: string): { url: string; end: number } => {
    let k = i + 2;
    const urlBegin = k;
    let url = '';
    while (k < n && ch(k) !== ')') {
      if (ch(k) === '\\' && escapable(k + 1)) {
        url += ch(k + 1);
        k += 2;
        continue;
      }
      url += ch(k);
      k++;
    }
    if (ch(k) !== ')')
      parseFailure(`Can't find end of ${what} at byte offset ${byteOffset(text, urlBegin)}`);
    return { url, end: k };
  };

  let out = '';
  let haveBlockquote = false;
  for (let i = 0; i < n; i++) {
    const c = ch(i);
    if (c === '\\' && escapable(i + 1)) {
      i++;
      out += ch(i);
      continue;
    }
    const top = stack.at(-1);
    const inCode =
      top !== undefined && (top.type === 'Code' || top.type === 'Pre' || top.type === 'PreCode');
    const reserved = inCode ? '`' : '_*[]()~`>#+-=|{}.!\n';
    if (!reserved.includes(c)) {
      out += c;
      continue;
    }

    if (top?.type === 'BlockQuote' && c === '|' && ch(i + 1) === '|' && atLineEnd(i + 2)) {
      top.expandable = true; // `||` ending a quote's line makes the quote expandable
      i++;
      continue;
    }

    let isEnd = false;
    if (top !== undefined) {
      if (haveBlockquote && c === '\n' && (i + 1 === n || ch(i + 1) !== '>')) isEnd = true;
      else {
        switch (top.type) {
          case 'Bold':
            isEnd = c === '*';
            break;
          case 'Italic':
            isEnd = c === '_' && ch(i + 1) !== '_';
            break;
          case 'Code':
            isEnd = c === '`';
            break;
          case 'Pre':
          case 'PreCode':
            isEnd = c === '`' && ch(i + 1) === '`' && ch(i + 2) === '`';
            break;
          case 'TextUrl':
          case 'CustomEmoji':
            isEnd = c === ']';
            break;
          case 'Underline':
            isEnd = c === '_' && ch(i + 1) === '_';
            break;
          case 'Strikethrough':
            isEnd = c === '~';
            break;
          case 'Spoiler':
            isEnd = c === '|' && ch(i + 1) === '|';
            break;
          case 'BlockQuote':
            isEnd = false;
            break;
        }
      }
    }

    if (!isEnd) {
      const entityByteOffset = byteOffset(text, i);
      // Nothing written on this line yet: entity markers such as `*` may precede a quote's `>`.
      const atLineStart = out === '' || out.endsWith('\n') || out.endsWith('\r');
      let type: MarkdownV2Entity | undefined;
      let argument = '';
      switch (c) {
        case '_':
          if (ch(i + 1) === '_') {
            type = 'Underline';
            i++;
          } else type = 'Italic';
          break;
        case '*':
          if (atLineStart && !haveBlockquote && text.startsWith('**>', i)) {
            i += 2;
            type = 'BlockQuote';
            haveBlockquote = true;
          } else type = 'Bold';
          break;
        case '~':
          type = 'Strikethrough';
          break;
        case '|':
          if (ch(i + 1) !== '|') reservedCharacter(c);
          i++;
          type = 'Spoiler';
          break;
        case '[':
          type = 'TextUrl';
          break;
        case '`':
          if (ch(i + 1) === '`' && ch(i + 2) === '`') {
            const opening = readPreOpening(text, i + 3);
            type = opening.language === '' ? 'Pre' : 'PreCode';
            argument = opening.language;
            i = opening.end - 1;
          } else type = 'Code';
          break;
        case '!':
          if (ch(i + 1) !== '[') reservedCharacter(c);
          i++;
          type = 'CustomEmoji';
          break;
        case '\n':
          out += '\n';
          if (i + 1 < n && ch(i + 1) === '>') {
            i++;
            if (!haveBlockquote) {
              type = 'BlockQuote';
              haveBlockquote = true;
            }
          }
          break;
        case '>':
          if (!atLineStart) reservedCharacter(c);
          if (!haveBlockquote) {
            type = 'BlockQuote';
            haveBlockquote = true;
          }
          break;
        default:
          reservedCharacter(c);
      }
      if (type !== undefined) {
        stack.push({
          type,
          argument,
          offset: out.length,
          byteOffset: entityByteOffset,
          expandable: false,
        });
      }
      continue;
    }

    // The end of the innermost entity.
    const open = top;
    if (open === undefined) continue; // unreachable: isEnd implies an open entity
    if (c === '\n' && open.type !== 'BlockQuote') {
      parseFailure(`Can't find end of ${open.type} entity at byte offset ${open.byteOffset}`);
    }
    const offset = open.offset;
    let draft: Draft | undefined;
    switch (open.type) {
      case 'Underline':
      case 'Spoiler':
        i++;
        break;
      case 'Pre':
      case 'PreCode':
        i += 2;
        break;
      case 'TextUrl': {
        let url: string;
        if (ch(i + 1) !== '(') url = out.slice(offset);
        else {
          const read = readUrl(i, 'a URL');
          url = read.url;
          i = read.end;
        }
        draft = linkDraft(url, offset, out.length - offset, userById);
        break;
      }
      case 'CustomEmoji': {
        if (ch(i + 1) !== '(') parseFailure('Custom emoji entity must contain a tg://emoji URL');
        const read = readUrl(i, 'a custom emoji URL');
        i = read.end;
        draft =
          dateTimeDraft(read.url, offset, out.length - offset) ??
          ({
            type: 'custom_emoji',
            offset,
            length: out.length - offset,
            custom_emoji_id: customEmojiFromUrl(read.url),
          } satisfies Draft);
        break;
      }
      case 'BlockQuote':
        haveBlockquote = false;
        out += c;
        break;
      default:
        break;
    }
    const length = out.length - offset;
    if (length > 0) {
      if (open.type === 'BlockQuote') {
        draft = { type: open.expandable ? 'expandable_blockquote' : 'blockquote', offset, length };
      } else if (open.type === 'PreCode') {
        draft = { type: 'pre', offset, length, language: open.argument };
      } else {
        const simple = MARKDOWN_V2_TYPES[open.type];
        if (simple !== undefined) draft = { type: simple, offset, length };
      }
      if (draft !== undefined && draft.length > 0) drafts.push(draft);
    }
    stack.pop();
  }
  if (haveBlockquote) {
    const quote = stack.at(-1);
    if (quote?.type === 'BlockQuote') {
      const length = out.length - quote.offset;
      if (length > 0) {
        drafts.push({
          type: quote.expandable ? 'expandable_blockquote' : 'blockquote',
          offset: quote.offset,
          length,
        });
      }
      stack.pop();
    }
  }
  const unclosed = stack.at(-1);
  if (unclosed !== undefined) {
    parseFailure(`Can't find end of ${unclosed.type} entity at byte offset ${unclosed.byteOffset}`);
  }
  return { text: out, entities: sortDrafts(drafts) };
}
