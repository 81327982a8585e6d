import { types } from 'node:util';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/**
 * Keys whose values never reach a log: censored at the top of a log object (and of a child
 * logger's bindings) and up to three levels down in plain objects and arrays (so
 * `client.password`, `headers.authorization`, `config.headers.authorization`). A second line of
 * defence: errors go through {@link serializeError}, which copies none of those properties in the
 * first place.
 */
export const CENSORED_KEYS: ReadonlySet<string> = new Set([
  'apiKey',
  'token',
  'password',
  'authorization',
]);
/** Levels below the top searched for censored keys. */
const CENSOR_DEPTH = 3;

/** What is logged of an error. Everything else a library attached to it is left out. */
export interface SerializedError {
  name?: string;
  /** Absent only when the value logged had none but other fields (a platform's summary). */
  message?: string;
  code?: string | number;
  status?: number;
  statusCode?: number;
  /** The HTTP method or platform API method that failed (the platforms' error summaries). */
  method?: string;
  /** A platform API's own description of the failure (Telegram). */
  description?: string;
  /** Masked like the message: its first line repeats it. */
  stack?: string;
  cause?: SerializedError;
  /** What a plain (non-Error) object holds under `error`, serialized the same way. */
  error?: SerializedError;
  /** The first few errors of an AggregateError (e.g. each address a connect attempt tried). */
  errors?: SerializedError[];
}

/**
 * Causes followed below the logged error. Default 4: enough for an SDK error wrapping a network
 * error wrapping a system error, and a cycle (`a.cause = b; b.cause = a`) still ends.
 */
const MAX_DEPTH = 4;
/** Errors of an AggregateError kept. Default 5: one per address family and a few retries. */
const MAX_AGGREGATED = 5;
/** Lengths past which text is cut: a message is a sentence, a stack a few dozen frames. */
const MAX_SHORT = 200;
const MAX_MESSAGE = 2000;
const MAX_STACK = 8000;

const CENSOR = '[redacted]';

/**
 * Masks what looks like a credential in free text: the password (or the whole userinfo when it
 * has no `user:` part) of a URL, a Telegram bot token in an API path, an API key an endpoint
 * echoes, `Bearer`/`Basic` tokens and secret-looking query parameters. A second line of defence for messages and stacks, which are
 * kept; credentials attached as properties are never copied at all.
 */
export function maskSecrets(text: string): string {
  return (
    text
      .replace(
        /\b([a-z][a-z0-9+.-]{0,31}:\/\/)((?:[^\s/?#@]*@)+)/gi,
        (_match, scheme: string, userinfo: string) => {
          const colon = userinfo.indexOf(':');
          return colon >= 0
            ? `${scheme}${userinfo.slice(0, colon)}:${CENSOR}@`
            : `${scheme}${CENSOR}@`;
        },
      )
      .replace(/\bbot\d+:[\w-]+/g, `bot${CENSOR}`)
      // OpenAI-style keys, and whatever an endpoint echoes after "API key provided:".
      .replace(/\bsk-[\w-]{8,}/g, `sk-${CENSOR}`)
      .replace(/(\bapi[ _-]?key\b[^:\n]{0,40}?:\s*)[^\s,;]+/gi, `$1${CENSOR}`)
      .replace(/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, `$1 ${CENSOR}`)
      .replace(
        /([?&](?:token|access_token|password|passwd|pass|secret|key|api_key|apikey|auth)=)[^&\s#]+/gi,
        `$1${CENSOR}`,
      )
  );
}

/**
 * Masked and cut to `max` characters. Only the first `2 * max` are masked: a megabyte message
 * costs no more than a short one, and what is masked is all that is kept.
 */
function clean(value: string, max: number): string {
  const masked = maskSecrets(value.length > 2 * max ? value.slice(0, 2 * max) : value);
  return value.length > max || masked.length > max
    ? `${masked.slice(0, max)}… [${value.length} characters]`
    : masked;
}

/** A property read that a getter or a Proxy cannot turn into a throw. */
function read(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'function') return '[function]';
  try {
    return String(value);
  } catch {
    return typeof value === 'object' ? '[object]' : `[${typeof value}]`;
  }
}

function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' ? clean(value, max) : undefined;
}

function serializeAt(value: unknown, depth: number): SerializedError {
  if (value === null || typeof value !== 'object') {
    return { message: clean(describe(value), MAX_MESSAGE) };
  }
  const isError = types.isNativeError(value) || value instanceof Error;
  const fields: Omit<SerializedError, 'name' | 'message'> = {};
  const code = read(value, 'code');
  if (typeof code === 'string') fields.code = clean(code, MAX_SHORT);
  else if (typeof code === 'number') fields.code = code;
  for (const key of ['status', 'statusCode'] as const) {
    const status = read(value, key);
    if (typeof status === 'number' && Number.isFinite(status)) fields[key] = status;
  }
  const method = text(read(value, 'method'), MAX_SHORT);
  if (method !== undefined) fields.method = method;
  const description = text(read(value, 'description'), MAX_MESSAGE);
  if (description !== undefined) fields.description = description;
  const stack = isError ? text(read(value, 'stack'), MAX_STACK) : undefined;
  if (stack) fields.stack = stack;
  if (depth < MAX_DEPTH) {
    const cause = read(value, 'cause');
    if (cause !== undefined) fields.cause = serializeAt(cause, depth + 1);
    // The platforms' summaries of a non-Error throw: `{ error: String(thrown) }`.
    const inner = isError ? undefined : read(value, 'error');
    if (inner !== undefined) fields.error = serializeAt(inner, depth + 1);
    const errors = read(value, 'errors');
    if (isError && Array.isArray(errors) && errors.length > 0) {
      fields.errors = errors.slice(0, MAX_AGGREGATED).map((each) => serializeAt(each, depth + 1));
    }
  }
  const name = text(read(value, 'name'), MAX_SHORT);
  const message = text(read(value, 'message'), MAX_MESSAGE);
  if (name === undefined && message === undefined && Object.keys(fields).length === 0) {
    // Nothing recognisable: what String() says of it (`[object Object]`), never its properties.
    return { message: clean(describe(value), MAX_SHORT) };
  }
  return {
    ...(name !== undefined && { name }),
    ...(message !== undefined && { message }),
    ...fields,
  };
}

/**
 * The one way an error is logged: name, message, code, a numeric status, the stack (credentials
 * masked in message and stack) and the cause chain, serialized the same way to a bounded depth.
 * Never the properties client libraries attach — ioredis's `command` (with AUTH's password),
 * an HTTP client's `request`, `headers`, `body`, `config`, `options`. Accepts anything a `throw`
 * or a rejection can carry, and never throws. The logger applies it to the `err`, `error`,
 * `reason` and `cause` keys; code that builds its own log object can call it directly.
 */
export function serializeError(value: unknown): SerializedError {
  try {
    return serializeAt(value, 0);
  } catch {
    return { message: '[unserializable error]' };
  }
}

/**
 * `object` with the values under {@link CENSORED_KEYS} replaced, at the top and down to
 * `CENSOR_DEPTH` levels of plain objects and arrays; what holds nothing to censor is returned as
 * it is (the caller's objects are never changed). Class instances (errors, clients) are left to
 * their serializers.
 */
export function censorCredentials<T extends Record<string, unknown>>(object: T): T {
  return censorIn(object, 0) as T;
}

function censorIn(value: unknown, depth: number): unknown {
  if (depth > CENSOR_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const censored = censorIn(value[i], depth + 1);
      if (censored !== value[i]) (copy ??= [...value])[i] = censored;
    }
    return copy ?? value;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const item = record[key];
    const censored =
      CENSORED_KEYS.has(key) && item !== undefined ? CENSOR : censorIn(item, depth + 1);
    if (censored !== item) (copy ??= { ...record })[key] = censored;
  }
  return copy ?? record;
}

/**
 * JSON logs (pino). `destination` is a file descriptor (1 stdout, 2 stderr) or, in tests, any
 * writable stream. Errors under `err` (pino's key for `logger.error(error)` too), `error`,
 * `reason` and `cause` go through {@link serializeError}; values under {@link CENSORED_KEYS} are
 * censored.
 */
export function createLogger(options: {
  level: LogLevel;
  destination?: 1 | 2 | DestinationStream;
}): Logger {
  const destination = options.destination ?? 1;
  const logger = pino(
    {
      level: options.level,
      serializers: {
        err: serializeError,
        error: serializeError,
        reason: serializeError,
        cause: serializeError,
      },
      // Not pino's `redact`: with wildcard paths it deep-copies every value of every line
      // (12.6 KB allocated per turn's log line, measured by bench/e2e); this copies only what
      // it censors.
      formatters: { log: censorCredentials, bindings: censorCredentials },
      base: { service: 'chatmem-bot' },
    },
    typeof destination === 'number'
      ? pino.destination({ fd: destination, sync: false })
      : destination,
  );
  // A child's bindings skip the formatters: censor them when the child is made. Children are
  // made from their parent's prototype, so theirs inherit this too.
  type MakeChild = (
    this: Logger,
    bindings: pino.Bindings,
    options?: pino.ChildLoggerOptions,
  ) => Logger;
  const child = logger.child as unknown as MakeChild; // pino's own, which works on `this`
  const censoredChild: MakeChild = function (bindings, childOptions) {
    return child.call(this, censorCredentials(bindings), childOptions);
  };
  logger.child = censoredChild as unknown as Logger['child'];
  return logger;
}
