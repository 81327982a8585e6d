import { z } from 'zod';

/**
 * Schemas of one environment variable each. Every one reads an empty or blank value
 * (`REDIS_URL=` in a .env file) as unset, and words its error to follow the variable's name:
 * "LLM_TEMPERATURE must be at most 2".
 */

const unsetIfEmpty = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** Free text; unset stays `undefined`. */
export function text() {
  return z.preprocess(unsetIfEmpty, z.string().optional());
}

/** Free text with a default. */
export function textOr(fallback: string) {
  return z.preprocess(unsetIfEmpty, z.string().default(fallback));
}

/** Text matching `pattern`; `rule` completes "<NAME> must …" when it does not. */
export function matching(pattern: RegExp, rule: string) {
  return z.preprocess(unsetIfEmpty, z.string().regex(pattern, rule).optional());
}

function wholeNumber(min: number, max: number, unit: string) {
  return z
    .string()
    .regex(/^\s*-?\d+\s*$/, `must be a whole number${unit}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** A whole number in [min, max]; `unit` completes "must be a whole number…". */
export function integer(min: number, max: number, fallback: number, unit = '') {
  return z.preprocess(unsetIfEmpty, wholeNumber(min, max, unit).default(fallback));
}

/** A whole number in [min, max], or `undefined` when unset (a default that depends on others). */
export function optionalInteger(min: number, max: number, unit = '') {
  return z.preprocess(unsetIfEmpty, wholeNumber(min, max, unit).optional());
}

export function decimal(min: number, max: number, fallback: number) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^\s*-?\d+(\.\d+)?\s*$/, 'must be a number')
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .default(fallback),
  );
}

function urlWith(protocols: readonly string[], example: string) {
  return z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL like ${example}`);
}

/** A URL with one of `protocols` (e.g. `'https:'`); unset stays `undefined`. */
export function optionalUrl(protocols: readonly string[], example: string) {
  return z.preprocess(unsetIfEmpty, urlWith(protocols, example).optional());
}

/** The base URL of an API, without trailing slashes (paths are appended to it). */
export function baseUrl(protocols: readonly string[], fallback: string) {
  return z.preprocess(
    unsetIfEmpty,
    urlWith(protocols, fallback)
      .default(fallback)
      .transform((url) => url.replace(/\/+$/, '')),
  );
}

/** IDs separated by commas or spaces; unset means "no list". */
export function idList(pattern: RegExp, example: string) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .transform((v) => v.split(/[\s,]+/).filter(Boolean))
      .refine((ids) => ids.every((id) => pattern.test(id)), `must be comma-separated ${example}`)
      .transform((ids): ReadonlySet<string> => new Set(ids))
      .optional(),
  );
}

/** true/false, 1/0, yes/no, on/off, in any case. */
export function boolean(fallback: boolean) {
  return z.preprocess(
    (v) => {
      const value = unsetIfEmpty(v);
      return typeof value === 'string' ? value.trim().toLowerCase() : value;
    },
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
        error: 'must be true or false',
      })
      .transform((v) => ['true', '1', 'yes', 'on'].includes(v))
      .default(fallback),
  );
}

/** One of `values`, in any case. */
export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  fallback: T[number],
) {
  return z.preprocess(
    (v) => {
      const value = unsetIfEmpty(v);
      return typeof value === 'string' ? value.trim().toLowerCase() : value;
    },
    z.enum(values, { error: `must be one of ${values.join(', ')}` }).default(fallback),
  );
}
