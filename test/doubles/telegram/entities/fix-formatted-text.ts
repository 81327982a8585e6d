/** The clean-up Telegram applies to every formatted text before storing it. */
import { badRequest } from '../api-error.js';
import { sortDrafts, type Draft, type EntityType } from './draft.js';
import { findEntities } from './find-entities.js';

const SPLITTABLE: ReadonlySet<EntityType> = new Set([
  'bold',
  'italic',
  'underline',
  'strikethrough',
  'spoiler',
]);
const BLOCKQUOTES: ReadonlySet<EntityType> = new Set(['blockquote', 'expandable_blockquote']);
/** Entities whose data is not in the text, so whitespace-only ones stay (tdlib "hidden data"). */
const HIDDEN_DATA: ReadonlySet<EntityType> = new Set(['text_link', 'text_mention', 'pre', 'code']);

const isBlank = (s: string): boolean => /^[ \n]*$/.test(s);
const intersects = (a: Draft, b: Draft): boolean =>
  a.offset < b.offset + b.length && b.offset < a.offset + a.length;

/**
 * tdlib's `fix_formatted_text` for a message from a bot, simplified: control characters become
 * spaces and `\r` is dropped (U+2028–U+202E too), entities holding only spaces and line breaks are
 * dropped and the others lose leading ones, the text is trimmed (at the start only up to the first
 * entity), then detected entities that clash with no link or code are added. Entities that
 * overlap improperly are kept as given (Telegram would split or drop them).
 */
export function fixFormattedText(
  input: string,
  given: Draft[],
): { text: string; entities: Draft[] } {
  for (const draft of given) {
    if (draft.offset > input.length) {
      throw badRequest(`entity begins after the end of the text at UTF-16 offset ${draft.offset}`);
    }
    if (draft.offset + draft.length > input.length) {
      throw badRequest(
        `entity beginning at UTF-16 offset ${draft.offset} ends after the end of the text at UTF-16 offset ${draft.offset + draft.length}`,
      );
    }
  }
  // Clean the text, remembering where each old position went.
  let text = '';
  const moved: number[] = [];
  for (let k = 0; k < input.length; k++) {
    moved.push(text.length);
    const code = input.charCodeAt(k);
    if (code === 13) continue;
    if (
      (code >= 0x2028 && code <= 0x202e) ||
      code === 0x030a ||
      code === 0x0333 ||
      code === 0x033f
    ) {
      continue;
    }
    text += code < 32 && code !== 10 ? ' ' : input.charAt(k);
  }
  moved.push(text.length);
  let drafts = given
    .map((d) => {
      const offset = moved[d.offset] ?? text.length;
      const end = moved[d.offset + d.length] ?? text.length;
      return { ...d, offset, length: end - offset };
    })
    .filter((d) => d.length > 0);

  if (isBlank(text)) throw badRequest('message must be non-empty');
  drafts = drafts.flatMap((d) => {
    if (HIDDEN_DATA.has(d.type)) return [d];
    const slice = text.slice(d.offset, d.offset + d.length);
    if (isBlank(slice)) return [];
    const lead = slice.length - slice.replace(/^[ \n]+/, '').length;
    return [{ ...d, offset: d.offset + lead, length: d.length - lead }];
  });

  const last = text.length - text.replace(/[ \n]+$/, '').length;
  text = text.slice(0, text.length - last);
  drafts = drafts
    .filter((d) => d.offset < text.length)
    .map((d) => ({ ...d, length: Math.min(d.length, text.length - d.offset) }));
  sortDrafts(drafts);
  const firstEntity = drafts[0]?.offset ?? text.length;
  let lead = 0;
  while (lead < firstEntity && (text.charAt(lead) === ' ' || text.charAt(lead) === '\n')) lead++;
  if (lead > 0) {
    text = text.slice(lead);
    drafts = drafts.map((d) => ({ ...d, offset: d.offset - lead }));
  }

  const blocking = drafts.filter((d) => !SPLITTABLE.has(d.type) && !BLOCKQUOTES.has(d.type));
  const quotes = drafts.filter((d) => BLOCKQUOTES.has(d.type));
  const detected = findEntities(text).filter(
    (d) =>
      !blocking.some((b) => intersects(b, d)) &&
      !quotes.some(
        (q) =>
          intersects(q, d) && (d.offset < q.offset || d.offset + d.length > q.offset + q.length),
      ),
  );
  return { text, entities: sortDrafts([...drafts, ...detected]) };
}
