/** Telegram's HTML parse mode, ported from tdlib's `parse_html` with its error texts. */
import {
  byteOffset,
  isSpaceAt,
  parseFailure,
  sortDrafts,
  type Draft,
  type EntityType,
  type UserLookup,
} from './draft.js';
import { customEmojiId, dateTimeFromAttributes, linkDraft } from './links.js';

/** tdlib's `decode_html_entity`: &lt; &gt; &amp; &quot; and numeric references, `;` optional. */
function decodeHtmlEntity(text: string, pos: number): { code: number; end: number } | undefined {
  let end = pos + 1;
  let code = 0;
  if (text.charAt(pos + 1) === '#') {
    end++;
    if (text.charAt(pos + 2) === 'x') {
      end++;
      while (/[0-9a-fA-F]/.test(text.charAt(end))) {
        code = code * 16 + Number.parseInt(text.charAt(end), 16);
        end++;
      }
    } else {
      while (/[0-9]/.test(text.charAt(end))) {
        code = code * 10 + Number(text.charAt(end));
        end++;
      }
    }
    if (code === 0 || code >= 0x10ffff || end - pos >= 10) return undefined;
  } else {
    while (/[a-zA-Z]/.test(text.charAt(end))) end++;
    const name = text.slice(pos + 1, end);
    const named: Record<string, number> = { lt: 60, gt: 62, amp: 38, quot: 34 };
    code = named[name] ?? 0;
    if (code === 0) return undefined;
  }
  if (text.charAt(end) === ';') end++;
  return { code, end };
}

const HTML_TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'tg-time',
  'span',
  'pre',
  'code',
  'blockquote',
]);

/** Tags that only mark a range: the entity type each one makes. */
const SIMPLE_TAGS: ReadonlyMap<string, EntityType> = new Map<string, EntityType>([
  ['i', 'italic'],
  ['em', 'italic'],
  ['b', 'bold'],
  ['strong', 'bold'],
  ['s', 'strikethrough'],
  ['strike', 'strikethrough'],
  ['del', 'strikethrough'],
  ['u', 'underline'],
  ['ins', 'underline'],
  ['tg-spoiler', 'spoiler'],
  ['span', 'spoiler'],
]);

/**
 * Telegram's HTML parse mode: a port of tdlib's `parse_html` with its error texts, plus
 * `<blockquote expandable>` and `<tg-time unix format>`. Like Telegram it is lenient where HTML
 * would be: a bare `&` that starts no known entity and a bare `>` are literal text, and `</>`
 * closes whatever tag is open. A bare `<` is not: it starts a tag, so `1 < 2` fails with
 * `Unsupported start tag "" at byte offset 2`.
 */
export function parseHtml(text: string, userById: UserLookup): { text: string; entities: Draft[] } {
  interface OpenTag {
    tag: string;
    argument: string;
    attributes: Map<string, string>;
    expandable: boolean;
    offset: number;
  }
  const stack: OpenTag[] = [];
  const drafts: Draft[] = [];
  let out = '';
  let mayHaveLoneSurrogate = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '&') {
      const decoded = decodeHtmlEntity(text, i);
      if (decoded !== undefined) {
        if (decoded.code >= 0xd800 && decoded.code <= 0xdfff) mayHaveLoneSurrogate = true;
        out += String.fromCodePoint(decoded.code);
        i = decoded.end;
        continue;
      }
    }
    if (c !== '<') {
      out += c;
      i++;
      continue;
    }

    const beginPos = i;
    const at = (): number => byteOffset(text, beginPos);
    i++;
    if (text.charAt(i) !== '/') {
      while (!isSpaceAt(text, i) && text.charAt(i) !== '>') i++;
      if (i >= text.length) parseFailure(`Unclosed start tag at byte offset ${at()}`);
      const tag = text.slice(beginPos + 1, i).toLowerCase();
      if (!HTML_TAGS.has(tag)) {
        parseFailure(`Unsupported start tag "${tag}" at byte offset ${at()}`);
      }
      const attributes = new Map<string, string>();
      let expandable = false;
      while (text.charAt(i) !== '>') {
        while (i < text.length && isSpaceAt(text, i)) i++;
        if (i >= text.length) parseFailure(`Unclosed start tag at byte offset ${at()}`);
        if (text.charAt(i) === '>') break;
        const nameBegin = i;
        while (!isSpaceAt(text, i) && text.charAt(i) !== '=' && text.charAt(i) !== '>') i++;
        const name = text.slice(nameBegin, i);
        if (name === '') {
          parseFailure(`Empty attribute name in the tag "${tag}" at byte offset ${at()}`);
        }
        while (i < text.length && isSpaceAt(text, i)) i++;
        if (text.charAt(i) !== '=') {
          if (tag === 'blockquote' && name.toLowerCase() === 'expandable') {
            expandable = true;
            continue;
          }
          parseFailure(
            `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${at()}`,
          );
        }
        i++;
        while (i < text.length && isSpaceAt(text, i)) i++;
        if (i >= text.length) parseFailure(`Unclosed start tag "${tag}" at byte offset ${at()}`);
        let value = '';
        const quote = text.charAt(i);
        if (quote !== '"' && quote !== "'") {
          const tokenBegin = i;
          while (/[a-zA-Z0-9.-]/.test(text.charAt(i))) i++;
          value = text.slice(tokenBegin, i).toLowerCase();
          if (!isSpaceAt(text, i) && text.charAt(i) !== '>') {
            parseFailure(
              `Unexpected end of name token at byte offset ${byteOffset(text, tokenBegin)}`,
            );
          }
        } else {
          i++;
          while (i < text.length && text.charAt(i) !== quote) {
            if (text.charAt(i) === '&') {
              const decoded = decodeHtmlEntity(text, i);
              if (decoded !== undefined) {
                value += String.fromCodePoint(decoded.code);
                i = decoded.end;
                continue;
              }
            }
            value += text.charAt(i);
            i++;
          }
          if (text.charAt(i) === quote) i++;
        }
        if (i >= text.length) parseFailure(`Unclosed start tag at byte offset ${at()}`);
        attributes.set(name, value);
      }

      let argument = '';
      if (tag === 'a') argument = attributes.get('href') ?? '';
      if (tag === 'code' && attributes.get('class')?.startsWith('language-') === true) {
        argument = (attributes.get('class') ?? '').slice('language-'.length);
      }
      if (tag === 'span') {
        const cls = attributes.get('class') ?? '';
        argument = cls.startsWith('tg-') ? cls.slice(3) : '';
        if (argument !== 'spoiler') {
          parseFailure(`Tag "span" must have class "tg-spoiler" at byte offset ${at()}`);
        }
      }
      if (tag === 'tg-emoji') argument = attributes.get('emoji-id') ?? '';
      stack.push({ tag, argument, attributes, expandable, offset: out.length });
      i++;
      continue;
    }

    // An end tag.
    const open = stack.at(-1);
    if (open === undefined) parseFailure(`Unexpected end tag at byte offset ${at()}`);
    while (!isSpaceAt(text, i) && text.charAt(i) !== '>') i++;
    const endTag = text.slice(beginPos + 2, i).toLowerCase();
    while (i < text.length && isSpaceAt(text, i)) i++;
    if (text.charAt(i) !== '>') parseFailure(`Unclosed end tag at byte offset ${at()}`);
    if (endTag !== '' && endTag !== open.tag) {
      parseFailure(
        `Unmatched end tag at byte offset ${at()}, expected "</${open.tag}>", found "</${endTag}>"`,
      );
    }
    const offset = open.offset;
    const length = out.length - offset;
    if (length > 0) {
      const last = drafts.at(-1);
      const sameRange = last !== undefined && last.offset === offset && last.length === length;
      const simple = SIMPLE_TAGS.get(open.tag);
      if (simple !== undefined) drafts.push({ type: simple, offset, length });
      switch (open.tag) {
        case 'tg-emoji':
          drafts.push({
            type: 'custom_emoji',
            offset,
            length,
            custom_emoji_id: customEmojiId(open.argument),
          });
          break;
        case 'tg-time':
          drafts.push(
            dateTimeFromAttributes(
              open.attributes.get('unix') ?? '',
              open.attributes.get('format') ?? '',
              offset,
              length,
            ),
          );
          break;
        case 'a': {
          const url = open.argument === '' ? out.slice(offset) : open.argument;
          const draft = linkDraft(url, offset, length, userById);
          if (draft !== undefined) drafts.push(draft);
          break;
        }
        case 'pre':
          // <pre><code class="language-x">…</code></pre> is one pre entity with a language.
          if (sameRange && last.type === 'code' && last.language !== undefined) {
            last.type = 'pre';
          } else drafts.push({ type: 'pre', offset, length });
          break;
        case 'code':
          if (sameRange && last.type === 'pre' && open.argument !== '') {
            last.language = open.argument;
          } else {
            drafts.push({
              type: 'code',
              offset,
              length,
              ...(open.argument !== '' ? { language: open.argument } : {}),
            });
          }
          break;
        case 'blockquote':
          drafts.push({
            type: open.expandable ? 'expandable_blockquote' : 'blockquote',
            offset,
            length,
          });
          break;
      }
    }
    stack.pop();
    i++;
  }
  const unclosed = stack.at(-1);
  if (unclosed !== undefined) {
    parseFailure(`Can't find end tag corresponding to start tag ${unclosed.tag}`);
  }
  // A language on a code entity only counts inside pre.
  for (const draft of drafts) if (draft.type === 'code') delete draft.language;
  if (mayHaveLoneSurrogate && !out.isWellFormed()) {
    parseFailure(
      'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
    );
  }
  return { text: out, entities: sortDrafts(drafts) };
}
