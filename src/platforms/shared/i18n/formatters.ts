import type { Locale } from './locales.js';
import { formatNumber } from './message-format.js';

/**
 * Values that go into messages already written for the locale: lists, durations, sizes. Numbers
 * alone need nothing: `translate` formats them.
 */

/** `['a', 'b', 'c']` → `a, b and c` (`a、b、c` in Japanese). */
export function formatList(locale: Locale, items: readonly string[]): string {
  return new Intl.ListFormat(locale, { type: 'conjunction' }).format(items);
}

/** Intl.DurationFormat (Node 23+), not yet in TypeScript's ES2024 library. */
interface DurationFormat {
  format(duration: { minutes?: number; seconds?: number }): string;
}
type DurationFormatConstructor = new (
  locale: string,
  options: { style: 'short' | 'long' | 'narrow' },
) => DurationFormat;

/** `75` → `1 min, 15 sec` / `1 мин 15 с` / `1分15秒`; rounded up to whole seconds. */
export function formatDuration(locale: Locale, seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  const parts =
    minutes === 0 ? { seconds: rest } : rest === 0 ? { minutes } : { minutes, seconds: rest };
  const DurationFormatCtor = (Intl as unknown as { DurationFormat?: DurationFormatConstructor })
    .DurationFormat;
  if (DurationFormatCtor) return new DurationFormatCtor(locale, { style: 'short' }).format(parts);
  return [minutes && `${minutes} min`, rest && `${rest} s`].filter(Boolean).join(' ');
}

/** `5242880` → `5`, `1572864` → `1.5` (`1,5` in German): megabytes to one decimal. */
export function formatMegabytes(locale: Locale, bytes: number): string {
  return formatNumber(locale, Math.round((bytes / 1024 / 1024) * 10) / 10);
}
