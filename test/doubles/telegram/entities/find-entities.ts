/** Entities Telegram detects on its own in plain text: mentions, commands, tags, URLs, emails. */
import { sortDrafts, type Draft, type EntityType } from './draft.js';

const WORD = String.raw`\p{L}\p{N}_`;
const HASHTAG_LETTER = String.raw`\p{L}\p{Nd}_\u200c`;
/** Mentions: `@` + 2–32 of [A-Za-z0-9_], not glued to word characters (tdlib `match_mentions`). */
const MENTION = new RegExp(String.raw`(?<![${WORD}])@([a-zA-Z0-9_]{2,32})(?![${WORD}])`, 'gu');
/** `/cmd` or `/cmd@bot_name`, not glued to word characters, `/`, `<`, `>` (tdlib). */
const BOT_COMMAND = new RegExp(
  String.raw`(?<![${WORD}/<>])/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![${WORD}/<>@])`,
  'gu',
);
const HASHTAG = new RegExp(
  String.raw`(?<![${HASHTAG_LETTER}])#[${HASHTAG_LETTER}]{1,256}(?![${HASHTAG_LETTER}]*#)`,
  'gu',
);
const CASHTAG = new RegExp(
  String.raw`(?<![$${HASHTAG_LETTER}])\$(?:1INCH|[A-Z]{1,8})(?![$${HASHTAG_LETTER}])`,
  'gu',
);
/** Top-level domains a bare domain may end with; tdlib knows them all, this fake the common ones. */
const BARE_TLDS =
  'com|org|net|io|me|dev|app|ai|co|info|xyz|ru|de|uk|fr|it|es|nl|eu|us|tk|gg|tv|dog|tech|online|site|page|gov|edu';
const URL_PATTERN = new RegExp(
  String.raw`(?<![${WORD}@.\/-])(?:(?:https?|ftp|tg|ton):\/\/[^\s<>"]+|(?:[a-zA-Z0-9-]+\.)+(?:${BARE_TLDS})(?![${WORD}-])(?::\d{1,5})?(?:[\/?#][^\s<>"]*)?)`,
  'giu',
);
const EMAIL = new RegExp(
  String.raw`(?<![${WORD}.+-])[a-zA-Z0-9._+-]+@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z]{2,}(?![${WORD}])`,
  'gu',
);
/** Mentions of 2 or 3 characters Telegram detects (inline bots); others need 4 or more. */
const SHORT_MENTIONS = new Set(['gif', 'vid', 'pic']);

/**
 * Entities Telegram detects in plain text (tdlib `find_entities`), simplified: mentions, bot
 * commands, hashtags, cashtags, emails, and URLs with a scheme or a common top-level domain;
 * overlapping matches keep the first after sorting. No phone or bank card numbers.
 */
export function findEntities(text: string): Draft[] {
  const found: Draft[] = [];
  const collect = (pattern: RegExp, type: EntityType, keep: (match: string) => boolean): void => {
    for (const match of text.matchAll(pattern)) {
      if (keep(match[0])) found.push({ type, offset: match.index, length: match[0].length });
    }
  };
  collect(MENTION, 'mention', (m) => m.length - 1 >= 4 || SHORT_MENTIONS.has(m.slice(1)));
  collect(BOT_COMMAND, 'bot_command', () => true);
  collect(HASHTAG, 'hashtag', (m) => /\p{L}/u.test(m.slice(1)));
  collect(CASHTAG, 'cashtag', () => true);
  collect(EMAIL, 'email', () => true);
  for (const match of text.matchAll(URL_PATTERN)) {
    // Trailing punctuation ends a sentence, not the URL.
    const url = match[0].replace(/[.,:;!?'")\]]+$/, '');
    if (url.length > 0) found.push({ type: 'url', offset: match.index, length: url.length });
  }
  sortDrafts(found);
  const kept: Draft[] = [];
  let end = 0;
  for (const draft of found) {
    if (draft.offset >= end) {
      kept.push(draft);
      end = draft.offset + draft.length;
    }
  }
  return kept;
}
