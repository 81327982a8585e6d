/** Telegram's legacy `Markdown` parse mode, ported from tdlib's `parse_markdown`. */
import {
  byteOffset,
  parseFailure,
  readPreOpening,
  sortDrafts,
  type Draft,
  type UserLookup,
} from './draft.js';
import { linkDraft } from './links.js';

/** Telegram's legacy `Markdown`: a port of tdlib's `parse_markdown` (no escaping rules to break). */
export function parseLegacyMarkdown(
  text: string,
  userById: UserLookup,
): { text: string; entities: Draft[] } {
  const drafts: Draft[] = [];
  const n = text.length;
  const ch = (k: number): string => text.charAt(k);
  let out = '';
  for (let i = 0; i < n; i++) {
    const c = ch(i);
    if (c === '\\' && '_*`['.includes(ch(i + 1)) && ch(i + 1) !== '') {
      i++;
      out += ch(i);
      continue;
    }
    if (c !== '_' && c !== '*' && c !== '`' && c !== '[') {
      out += c;
      continue;
    }
    const beginPos = i;
    const endCharacter = c === '[' ? ']' : c;
    let isPre = false;
    let language = '';
    i++;
    if (c === '`' && ch(i) === '`' && ch(i + 1) === '`') {
      isPre = true;
      const opening = readPreOpening(text, i + 2);
      language = opening.language;
      i = opening.end;
    }
    const offset = out.length;
    while (
      i < n &&
      (ch(i) !== endCharacter || (isPre && !(ch(i + 1) === '`' && ch(i + 2) === '`')))
    ) {
      out += ch(i);
      i++;
    }
    if (i === n) {
      parseFailure(
        `Can't find end of the entity starting at byte offset ${byteOffset(text, beginPos)}`,
      );
    }
    const length = out.length - offset;
    if (length > 0) {
      if (c === '_') drafts.push({ type: 'italic', offset, length });
      else if (c === '*') drafts.push({ type: 'bold', offset, length });
      else if (c === '[') {
        let url = '';
        if (ch(i + 1) !== '(') url = text.slice(beginPos + 1, i);
        else {
          i += 2;
          while (i < n && ch(i) !== ')') {
            url += ch(i);
            i++;
          }
        }
        const draft = linkDraft(url, offset, length, userById);
        if (draft !== undefined) drafts.push(draft);
      } else if (isPre) {
        drafts.push({ type: 'pre', offset, length, ...(language !== '' ? { language } : {}) });
      } else drafts.push({ type: 'code', offset, length });
    }
    if (isPre) i += 2;
  }
  return { text: out, entities: sortDrafts(drafts) };
}
