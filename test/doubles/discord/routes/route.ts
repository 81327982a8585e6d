/** A REST route of the fake Discord: method, path pattern below `/api/v10`, handler. */
import type { RecordedRequest } from '../records.js';
import type { Reply } from '../replies.js';

export interface RouteContext {
  /** The pattern's capture groups, in order ('' for one that did not take part). */
  params: string[];
  body: unknown;
  query: URLSearchParams;
  files: RecordedRequest['files'];
}

export interface Route {
  method: string;
  pattern: RegExp;
  /** False for the interaction callback and webhook routes, which discord.js calls without a token. */
  auth: boolean;
  handle(context: RouteContext): Reply | Promise<Reply>;
}

/** A snowflake path segment, captured. */
export const SNOWFLAKE = String.raw`(\d{1,20})`;

/** A route whose `pattern` matches the whole path; `auth` defaults to true (bot token needed). */
export function route(
  method: string,
  pattern: string,
  handle: Route['handle'],
  auth = true,
): Route {
  return { method, pattern: new RegExp(`^${pattern}$`), auth, handle };
}
