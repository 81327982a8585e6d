/** Request parameters of a Bot API call: how they are read from the request and then typed. */
import { isRecord } from '../shared/is-record.js';
import { badRequest } from './api-error.js';

/** Request parameters, read as leniently as the Bot API reads them (strings or JSON values). */
export class Params {
  constructor(readonly values: Readonly<Record<string, unknown>>) {}

  raw(name: string): unknown {
    const value = this.values[name];
    return value === null || value === '' ? undefined : value;
  }

  string(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined || typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return JSON.stringify(value);
  }

  /** Like the Bot API's `get_integer_arg`, garbage reads as absent rather than failing. */
  integer(name: string): number | undefined {
    const value = this.raw(name);
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
    return undefined;
  }

  boolean(name: string): boolean {
    const value = this.raw(name);
    return value === true || value === 1 || value === 'true' || value === '1';
  }

  /** A JSON parameter: objects as sent in a JSON body, or a string holding JSON (forms). */
  json(name: string, what: string): unknown {
    const value = this.raw(name);
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw badRequest(`can't parse ${what} JSON object`);
    }
  }
}

/**
 * Parameters of a request: the query string merged with the body. JSON and
 * `application/x-www-form-urlencoded` bodies are understood — grammY sends JSON unless a payload
 * carries an `InputFile`, and no method this fake implements takes one — so `multipart/form-data`
 * is answered with a 400 that says so.
 */
export function parseParams(url: URL, contentType: string, body: string): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (body.trim() === '') return params;
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (!isRecord(parsed)) throw badRequest('JSON object expected');
    return { ...params, ...parsed };
  }
  if (type === 'application/x-www-form-urlencoded') {
    return { ...params, ...Object.fromEntries(new URLSearchParams(body)) };
  }
  if (type === 'multipart/form-data') {
    throw badRequest('multipart/form-data is not supported by the fake Telegram server');
  }
  return params;
}
