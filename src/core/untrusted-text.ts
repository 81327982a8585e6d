/**
 * Text that comes from people (display names, messages) is neutralised here before the core uses
 * it: control and format characters removed from names, names bounded, blank messages detected.
 */

/** Longest display name kept, in code points: enough for any real name, too short for a payload. */
export const MAX_NAME_LENGTH = 64;

/** Control (Cc), format (Cf: zero-width, bidi overrides), separators other than space, surrogates. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

/**
 * A display name fit to show or to put in a prompt: invisible characters removed, whitespace
 * collapsed, at most `MAX_NAME_LENGTH` code points (cut with "…"). Undefined when nothing is left.
 */
export function cleanDisplayName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const visible = name.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
  if (!visible) return undefined;
  const points = Array.from(visible);
  return points.length <= MAX_NAME_LENGTH
    ? visible
    : `${points
        .slice(0, MAX_NAME_LENGTH - 1)
        .join('')
        .trimEnd()}…`;
}

/** True when a message holds nothing visible: only whitespace and zero-width or format characters. */
export function isBlank(text: string): boolean {
  return text.replace(INVISIBLE, '').trim().length === 0;
}
