/** The error a Bot API method answers with: `error_code` is also the HTTP status. */
import type { ResponseParameters } from 'grammy/types';

export class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }
}

/** A 400 with Telegram's prefix: `badRequest('chat not found')` → "Bad Request: chat not found". */
export function badRequest(what: string): ApiError {
  return new ApiError(400, `Bad Request: ${what}`);
}
