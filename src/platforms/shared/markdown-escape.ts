import { cleanDisplayName } from '../../core/untrusted-text.js';

/**
 * Every ASCII punctuation character Markdown may give a meaning to, and `:` and `@`, which GFM
 * turns into links (`https://…`, `name@host`) even when the dots are escaped.
 */
const MARKDOWN_SPECIAL = /[\\`*_{}[\]()<>#+\-.!|~&:@/]/g;

/** Text shown literally inside the bot's own Markdown messages: no link, no formatting. */
export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN_SPECIAL, (c) => `\\${c}`);
}

/** A person's display name fit for the bot's own messages: cleaned, bounded and escaped. */
export function safeName(name: string | undefined, fallback: string): string {
  return escapeMarkdown(cleanDisplayName(name) ?? fallback);
}
