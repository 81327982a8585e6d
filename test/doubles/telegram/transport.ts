/**
 * The HTTP side of the fake Telegram: `POST`/`GET /bot<token>/<method>` (method names
 * case-insensitive, as in Telegram), each call recorded, checked (token, method, injected failure)
 * and handed to its method; `GET /file/bot<token>/<path>` serves uploaded files; any other path is
 * 404 "Not Found".
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readBody } from '../shared/http.js';
import { isRecord } from '../shared/is-record.js';
import { ApiError } from './api-error.js';
import type { LongPoll } from './long-poll.js';
import type { ApiMethod } from './methods/method-table.js';
import { Params, parseParams } from './params.js';
import { answer, answerError, injectFailure } from './respond.js';
import type { TelegramState } from './state.js';
import type { RecordedCall } from './types.js';

/** Token shape as the Bot API checks it (`ClientManager::send`). */
export function isWellFormedToken(token: string): boolean {
  const colon = token.indexOf(':');
  return (
    colon > 0 &&
    !token.startsWith('0') &&
    token.length <= 80 &&
    !token.includes('/') &&
    /^\d+$/.test(token.slice(0, colon))
  );
}

export interface TelegramApi {
  token: string;
  state: TelegramState;
  poll: LongPoll;
  methods: ReadonlyMap<string, ApiMethod>;
  /** True once `close()` began: requests still arriving get their socket destroyed. */
  isClosing: () => boolean;
}

/** An HTTP server (not yet listening) that answers the Bot API calls of `api`. */
export function createTelegramHttpServer(api: TelegramApi): Server {
  const server = createServer((req, res) => {
    handleRequest(api, req, res).catch((error: unknown) => {
      // Only reached on a bug in the fake; answer rather than leave the client hanging.
      answerError(
        res,
        undefined,
        new ApiError(500, `Internal Server Error: fake Telegram server failed: ${String(error)}`),
      );
    });
  });
  server.keepAliveTimeout = 1_000;
  return server;
}

async function handleRequest(
  api: TelegramApi,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake.telegram');
  const match = /^\/bot([^/]*)\/(?:test\/)?([^/]+)$/.exec(url.pathname);
  const body = (await readBody(req)).toString('utf8');
  if (api.isClosing()) {
    res.socket?.destroy();
    return;
  }
  if (api.state.files.serve(url.pathname, api.token, res)) return;
  if (match === null) {
    answerError(res, undefined, new ApiError(404, 'Not Found'));
    return;
  }
  const requestToken = decodeURIComponent(match[1] ?? '');
  const requested = decodeURIComponent(match[2] ?? '');
  const method = api.methods.get(requested.toLowerCase());
  const call: RecordedCall = { method: method?.name ?? requested, params: {}, at: Date.now() };
  api.state.calls.push(call);
  let malformed: ApiError | undefined;
  try {
    call.params = parseParams(url, req.headers['content-type'] ?? '', body);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    malformed = error;
  }
  try {
    if (requestToken !== api.token) {
      throw new ApiError(
        401,
        isWellFormedToken(requestToken) ? 'Unauthorized' : 'Unauthorized: invalid token specified',
      );
    }
    if (method === undefined) throw new ApiError(404, 'Not Found');
    if (malformed !== undefined) throw malformed;
    const failure = api.state.failures.get(method.name.toLowerCase())?.shift();
    if (failure !== undefined) {
      injectFailure(res, call, failure);
      return;
    }
    const params = new Params(call.params);
    if (method.name === 'getUpdates') {
      api.poll.getUpdates(params, res, call);
      return;
    }
    const result = method.run(params);
    if (isRecord(result) && result.result === true && typeof result.description === 'string') {
      answer(res, call, 200, { ok: true, result: true, description: result.description });
    } else answer(res, call, 200, { ok: true, result });
  } catch (error) {
    if (error instanceof ApiError) answerError(res, call, error);
    else throw error;
  }
}
