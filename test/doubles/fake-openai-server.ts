/**
 * A fake OpenAI-compatible Chat Completions server for tests: real HTTP on 127.0.0.1, so the real
 * `ChatOpenAI` (and the `openai` SDK under it) is exercised end to end — headers, SSE parsing,
 * timeouts, retries — while the network to api.openai.com stays off.
 *
 * Only `node:http`; no dependency beyond Node itself.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeTranscriptions, type TranscriptionEndpoint } from './openai/transcriptions.js';

export type {
  ImagePart,
  RecordedTranscription,
  TranscriptionEndpoint,
  TranscriptionReply,
} from './openai/transcriptions.js';
export { dataUrlBytes, imagePartsOf } from './openai/transcriptions.js';

/** One message as the client sent it; `content` is a string or an array of content parts. */
export interface ChatMessageIn {
  role: string;
  content: unknown;
  name?: string;
}

/** The JSON body of `POST /v1/chat/completions`, loosely typed: unknown fields are kept. */
export interface ChatCompletionRequestBody {
  model: string;
  messages: ChatMessageIn[];
  stream?: boolean;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  stream_options?: { include_usage?: boolean };
  [k: string]: unknown;
}

/** A chat completion request as it arrived, recorded before the reply is chosen. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** Node's lower-cased request headers, e.g. `headers.authorization === 'Bearer test-key'`. */
  headers: Record<string, string | string[] | undefined>;
  /** `undefined` when the body was not JSON or not a chat completion request (answered 400). */
  body: ChatCompletionRequestBody | undefined;
  /** `Date.now()` when the body had been read. */
  at: number;
}

/**
 * What the server answers to one chat completion request.
 *
 * - `{ text }`: a successful completion. Non-streaming requests get `text` as the message content;
 *   streaming requests get `chunks` (default: `text` cut into pieces of 8 characters) as deltas.
 *   `delayMs` (default 0) waits before the status line, so it counts against the client's timeout;
 *   `chunkDelayMs` (default 0) waits before each content delta, after the headers were sent — the
 *   `openai` SDK's `timeout` no longer applies then. `usage` defaults to an estimate of
 *   characters / 4, rounded up (prompt: all message contents; completion: `text`).
 * - `{ status }`: an error response. `body` defaults to OpenAI's error shape
 *   `{ error: { message, type, param, code } }` with a message fitting the status; a string body is
 *   sent verbatim as text/plain (a proxy's HTML page, say). `headers` are added as given, e.g.
 *   `{ 'retry-after': '0' }` or `{ 'retry-after-ms': '10' }`.
 * - `{ hang: true }`: the request is accepted and never answered, until the client gives up or
 *   {@link FakeOpenAIServer.close} runs.
 * - `{ dropConnection: true }`: the socket is destroyed without a response.
 */
export type FakeReply =
  | {
      text: string;
      chunks?: string[];
      delayMs?: number;
      chunkDelayMs?: number;
      usage?: { prompt_tokens: number; completion_tokens: number };
    }
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { hang: true }
  | { dropConnection: true };

/**
 * Chooses the reply to a valid chat completion request. `index` is the request's position in
 * {@link FakeOpenAIServer.requests} (0-based, counting since the last `reset()`). A handler that
 * throws is answered with a 500 whose message names the thrown error, so a broken test double
 * shows up as a failing call rather than a hang.
 */
export type FakeHandler = (
  body: ChatCompletionRequestBody,
  index: number,
) => FakeReply | Promise<FakeReply>;

export interface FakeOpenAIServer {
  /** `http://127.0.0.1:<port>/v1` — the value for `OPENAI_BASE_URL` or `configuration.baseURL`. */
  readonly baseURL: string;
  /** Chat completion requests only (not `/v1/models`, not 404s), in arrival order. */
  readonly requests: RecordedRequest[];
  /** `POST /v1/audio/transcriptions`: its recorded requests and scripted replies (reset too). */
  readonly transcriptions: TranscriptionEndpoint;
  /** Replaces the current handler; the default answers `echo: <last user message text>`. */
  setHandler(handler: FakeHandler): void;
  /** One-shot replies, used first-in first-out before the handler is asked. */
  enqueue(...replies: FakeReply[]): void;
  /**
   * Empties `requests` (in place: references to the array stay valid) and the queue, and restores
   * the handler given to {@link startFakeOpenAIServer} (the echo handler when none was given).
   */
  reset(): void;
  /** Stops listening and destroys every open socket, hanging requests included. Idempotent. */
  close(): Promise<void>;
}

/** The model `GET /v1/models` lists; requests may name any model, the reply echoes it. */
const LISTED_MODEL = 'gpt-4o-mini';

/** Piece size when a streamed reply gives no `chunks`: small, so even short texts stream in parts. */
const DEFAULT_CHUNK_SIZE = 8;

interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * Default bodies per status, worded like OpenAI's but without hints such as "try again in 20s",
 * which LangChain's retry logic parses into a wait.
 */
const DEFAULT_ERRORS: Record<number, OpenAIErrorBody['error']> = {
  400: {
    message: 'Invalid request (fake OpenAI server).',
    type: 'invalid_request_error',
    param: null,
    code: null,
  },
  401: {
    message: 'Incorrect API key provided.',
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  },
  403: {
    message: 'You are not allowed to use this model.',
    type: 'invalid_request_error',
    param: null,
    code: null,
  },
  404: {
    message: 'The model does not exist.',
    type: 'invalid_request_error',
    param: null,
    code: 'model_not_found',
  },
  429: {
    message: 'Rate limit reached for requests.',
    type: 'requests',
    param: null,
    code: 'rate_limit_exceeded',
  },
  500: {
    message: 'The server had an error while processing your request.',
    type: 'server_error',
    param: null,
    code: null,
  },
  502: { message: 'Bad gateway.', type: 'server_error', param: null, code: null },
  503: {
    message: 'The engine is currently overloaded, please try again later.',
    type: 'server_error',
    param: null,
    code: null,
  },
};

function errorBody(
  status: number,
  overrides: Partial<OpenAIErrorBody['error']> = {},
): OpenAIErrorBody {
  const fallback = {
    message: `HTTP ${status} (fake OpenAI server).`,
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    param: null,
    code: null,
  };
  return { error: { ...(DEFAULT_ERRORS[status] ?? fallback), ...overrides } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A message content's text: the string, or its text parts joined by newlines; else ''. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (isRecord(part) && part.type === 'text' && typeof part.text === 'string')
      texts.push(part.text);
  }
  return texts.join('\n');
}

/**
 * Text of the last `user` message: its string content, or its text parts joined by newlines.
 * Returns '' when there is no user message.
 */
export function lastUserText(body: ChatCompletionRequestBody): string {
  for (let i = body.messages.length - 1; i >= 0; i--) {
    const message = body.messages[i];
    if (message?.role === 'user') return contentText(message.content);
  }
  return '';
}

const defaultHandler: FakeHandler = (body) => ({ text: `echo: ${lastUserText(body)}` });

function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function splitIntoChunks(text: string): string[] {
  const characters = Array.from(text); // code points, so a surrogate pair is never cut in half
  const chunks: string[] = [];
  for (let i = 0; i < characters.length; i += DEFAULT_CHUNK_SIZE) {
    chunks.push(characters.slice(i, i + DEFAULT_CHUNK_SIZE).join(''));
  }
  return chunks;
}

function toChatCompletionRequest(value: unknown): ChatCompletionRequestBody | string {
  if (!isRecord(value)) return 'The request body must be a JSON object.';
  if (typeof value.model !== 'string') return 'you must provide a model parameter';
  const messages = value.messages;
  if (
    !Array.isArray(messages) ||
    !messages.every((m) => isRecord(m) && typeof m.role === 'string')
  ) {
    return "Missing or invalid 'messages': expected an array of { role, content }.";
  }
  return value as ChatCompletionRequestBody;
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRaw(req)).toString('utf8');
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/**
 * Starts the server on `host` (default 127.0.0.1: loopback only, no firewall prompt, no IPv6
 * surprises) and an ephemeral port, so parallel test files never collide.
 *
 * Routes: `POST /v1/chat/completions` (also `/chat/completions`), `GET /v1/models` (also
 * `/models`), `POST /v1/audio/transcriptions` (multipart; see `transcriptions`); anything else is a 404 in OpenAI's error shape, and a body that is not a JSON chat
 * completion request is a 400 in that shape. `options.handler` defaults to the echo handler.
 * `options.keepAliveTimeoutMs` (default 1000: idle sockets go away soon) is how long an idle
 * connection stays open; HTTP clients (undici, Node's agent) stop reusing a connection whose
 * server announces 1 s or less, so a benchmark of many requests passes a longer one.
 */
export async function startFakeOpenAIServer(
  options: { handler?: FakeHandler; host?: string; keepAliveTimeoutMs?: number } = {},
): Promise<FakeOpenAIServer> {
  const host = options.host ?? '127.0.0.1';
  const initialHandler = options.handler ?? defaultHandler;
  let handler = initialHandler;
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  const transcriptions = new FakeTranscriptions();
  const closing = new AbortController();
  let requestCounter = 0;

  const server: Server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      // Only reached on a bug in this file; answer rather than leave the client hanging.
      sendJson(
        res,
        500,
        errorBody(500, { message: `fake OpenAI server failed: ${String(error)}` }),
      );
    });
  });
  // Idle client sockets go away soon; close() destroys the rest anyway.
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 1_000;

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const requestId = `req_fake_${++requestCounter}`;
    const baseHeaders = { 'x-request-id': requestId };

    if (method === 'GET' && (path === '/v1/models' || path === '/models')) {
      await readBody(req);
      const created = Math.floor(Date.now() / 1000);
      sendJson(
        res,
        200,
        {
          object: 'list',
          data: [{ id: LISTED_MODEL, object: 'model', created, owned_by: 'fake-openai-server' }],
        },
        baseHeaders,
      );
      return;
    }
    if (
      method === 'POST' &&
      (path === '/v1/audio/transcriptions' || path === '/audio/transcriptions')
    ) {
      await transcriptions.handle(req, await readRaw(req), res);
      return;
    }
    if (method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
      await readBody(req);
      sendJson(
        res,
        404,
        errorBody(404, { message: `Invalid URL (${method} ${path})`, code: null }),
        baseHeaders,
      );
      return;
    }

    const raw = await readBody(req);
    let parsed: unknown;
    let parseError: string | undefined;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parseError = 'We could not parse the JSON body of your request.';
    }
    const validated = parseError === undefined ? toChatCompletionRequest(parsed) : parseError;
    const body = typeof validated === 'string' ? undefined : validated;
    const index = requests.length;
    requests.push({ method, path, headers: { ...req.headers }, body, at: Date.now() });
    if (typeof validated === 'string') {
      sendJson(res, 400, errorBody(400, { message: validated }), baseHeaders);
      return;
    }

    let reply: FakeReply;
    try {
      reply = queue.shift() ?? (await handler(validated, index));
    } catch (error) {
      sendJson(
        res,
        500,
        errorBody(500, { message: `fake OpenAI handler threw: ${String(error)}` }),
        baseHeaders,
      );
      return;
    }
    await answer(validated, reply, res, requestId);
  }

  /** Waits `ms`; false when the client left or the server is closing: the caller stops writing. */
  async function pause(ms: number | undefined, res: ServerResponse): Promise<boolean> {
    if (ms !== undefined && ms > 0) {
      const gone = new AbortController();
      const onClose = (): void => gone.abort();
      res.once('close', onClose);
      try {
        await sleep(ms, undefined, { signal: AbortSignal.any([closing.signal, gone.signal]) });
      } catch {
        return false;
      } finally {
        res.off('close', onClose);
      }
    }
    return !res.destroyed && !closing.signal.aborted;
  }

  async function answer(
    body: ChatCompletionRequestBody,
    reply: FakeReply,
    res: ServerResponse,
    requestId: string,
  ): Promise<void> {
    // The socket stays open until the client aborts or close() destroys it.
    if ('hang' in reply) return;
    if ('dropConnection' in reply) {
      res.socket?.destroy();
      return;
    }
    if ('status' in reply) {
      const headers = { 'x-request-id': requestId, ...reply.headers };
      if (typeof reply.body === 'string') {
        res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
        res.end(reply.body);
      } else {
        sendJson(res, reply.status, reply.body ?? errorBody(reply.status), headers);
      }
      return;
    }

    if (!(await pause(reply.delayMs, res))) return;
    const id = `chatcmpl-${requestId}`;
    const created = Math.floor(Date.now() / 1000);
    const promptTokens =
      reply.usage?.prompt_tokens ??
      estimateTokens(body.messages.map((m) => contentText(m.content)).join(''));
    const completionTokens = reply.usage?.completion_tokens ?? estimateTokens(reply.text);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    };

    if (body.stream !== true) {
      sendJson(
        res,
        200,
        {
          id,
          object: 'chat.completion',
          created,
          model: body.model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: reply.text, refusal: null },
              logprobs: null,
              finish_reason: 'stop',
            },
          ],
          usage,
          system_fingerprint: 'fp_fake',
        },
        { 'x-request-id': requestId },
      );
      return;
    }

    const includeUsage = body.stream_options?.include_usage === true;
    // Like OpenAI: with include_usage every chunk carries `usage: null` and a last chunk the totals.
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: body.model,
        system_fingerprint: 'fp_fake',
        choices,
        ...(includeUsage ? { usage: null } : {}),
        ...extra,
      })}\n\n`;
    const choice = (
      delta: Record<string, unknown>,
      finishReason: string | null,
    ): Record<string, unknown> => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finishReason,
    });

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': requestId,
    });
    res.write(chunk([choice({ role: 'assistant', content: '', refusal: null }, null)]));
    for (const piece of reply.chunks ?? splitIntoChunks(reply.text)) {
      if (!(await pause(reply.chunkDelayMs, res))) return;
      res.write(chunk([choice({ content: piece }, null)]));
    }
    res.write(chunk([choice({}, 'stop')]));
    if (includeUsage) res.write(chunk([], { usage }));
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  return {
    baseURL: `http://${urlHost}:${port}/v1`,
    requests,
    transcriptions,
    setHandler(next) {
      handler = next;
    },
    enqueue(...replies) {
      queue.push(...replies);
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
      transcriptions.reset();
      handler = initialHandler;
    },
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
