/** How the fake answers a call: Telegram's JSON envelope, its errors, and injected failures. */
import type { ServerResponse } from 'node:http';
import type { ResponseParameters } from 'grammy/types';
import { ApiError } from './api-error.js';
import type { InjectedFailure, RecordedCall, TelegramResponse } from './types.js';

export const CONFLICT_OTHER_POLL =
  'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: CONFLICT_OTHER_POLL,
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
};

/** Writes `body` with `status` and records both on `call` (if any); a closed response is skipped. */
export function answer(
  res: ServerResponse,
  call: RecordedCall | undefined,
  status: number,
  body: TelegramResponse,
): void {
  if (call !== undefined) {
    call.status = status;
    call.response = body;
  }
  if (res.destroyed || res.headersSent) return;
  const payload = JSON.stringify(body);
  const retryAfter = body.ok ? undefined : body.parameters?.retry_after;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}),
  });
  res.end(payload);
}

export function answerError(
  res: ServerResponse,
  call: RecordedCall | undefined,
  error: ApiError,
): void {
  answer(res, call, error.errorCode, {
    ok: false,
    error_code: error.errorCode,
    description: error.description,
    ...(error.parameters !== undefined ? { parameters: error.parameters } : {}),
  });
}

export function injectFailure(
  res: ServerResponse,
  call: RecordedCall,
  failure: InjectedFailure,
): void {
  if ('dropConnection' in failure) {
    call.status = 0;
    res.socket?.destroy();
    return;
  }
  if ('httpStatus' in failure) {
    call.status = failure.httpStatus;
    res.writeHead(failure.httpStatus, { 'content-type': 'text/html' });
    res.end(failure.body);
    return;
  }
  const parameters: ResponseParameters = {
    ...(failure.retry_after !== undefined ? { retry_after: failure.retry_after } : {}),
    ...(failure.migrate_to_chat_id !== undefined
      ? { migrate_to_chat_id: failure.migrate_to_chat_id }
      : {}),
  };
  const description =
    failure.description ??
    (failure.error_code === 429
      ? `Too Many Requests: retry after ${failure.retry_after ?? 5}`
      : (DEFAULT_DESCRIPTIONS[failure.error_code] ?? `Error ${failure.error_code}`));
  answerError(
    res,
    call,
    new ApiError(
      failure.error_code,
      description,
      Object.keys(parameters).length > 0 ? parameters : undefined,
    ),
  );
}
