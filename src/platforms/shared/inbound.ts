import type { SessionRef } from '../../core/types.js';
import type { Place } from './access.js';
import type { Locale } from './i18n/locales.js';

/**
 * What every platform's mapping says of a message that is a turn for the bot; a platform adds
 * where its answer goes. `A` is the platform's attachment descriptor.
 */
export interface InboundTurn<A> {
  readonly kind: 'turn';
  readonly session: SessionRef;
  readonly text: string;
  readonly authorName: string;
  readonly place: Place;
  /** A private chat or DM: refusals are said there; in groups and servers they are silent. */
  readonly private: boolean;
  /** Attachments as the platform describes them (fetched only once the turn runs). */
  readonly attachments: readonly A[];
  /** The language to answer the bot's own words in, when the platform tells it. */
  readonly locale?: Locale;
}

/**
 * A message's text once the bot's mention is cut out: no leading punctuation ("@bot, hi" → "hi"),
 * no doubled spaces, no space before punctuation the cut left behind.
 */
export function tidyAfterMention(text: string): string {
  return text
    .replace(/^[\s,:;.!-]+/, '')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/[ \t]+([,.;:!?])/g, '$1')
    .trim();
}
