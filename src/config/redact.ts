/** Variables whose values an error never echoes, not even in part. */
export const SECRET_VARIABLE = /(_KEY|_TOKEN|_SECRET|_PASSWORD)$/;

/**
 * A value fit to echo in an error message. A URL's user info — everything between the scheme and
 * the last "@", whatever the password holds ("/", "@", "%", ":") — becomes "***", and so does
 * everything after the first "?" or "#" (REDIS_URL's `?sentinelPassword=`). Works on strings that
 * are not valid URLs too (`:pw@host:6379`, a list entry), which is where a mistake is echoed.
 */
export function redactCredentials(value: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(value)?.[0] ?? '';
  let rest = value.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  if (at >= 0) rest = `***${rest.slice(at)}`;
  const query = rest.search(/[?#]/);
  if (query >= 0) rest = `${rest.slice(0, query + 1)}***`;
  return scheme + rest;
}

/** `(got "…")` for an echo of `value` in an error, or nothing for a secret variable. */
export function shownValue(variable: string, value: string | undefined): string {
  if (value === undefined || SECRET_VARIABLE.test(variable)) return '';
  return ` (got ${JSON.stringify(redactCredentials(value))})`;
}
