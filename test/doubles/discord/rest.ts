/**
 * The REST side of the fake Discord: every request below `/api/v10` recorded, checked against the
 * scripted failures, routed, authenticated, and answered; anything else is 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../shared/http.js';
import type { FakeDiscord } from './context.js';
import { decodeSegment } from './helpers.js';
import type { RecordedRequest } from './records.js';
import { Errors, failureReply, sendReply, type Reply } from './replies.js';
import { appRoutes } from './routes/app-routes.js';
import { channelRoutes } from './routes/channel-routes.js';
import type { Route } from './routes/route.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import type { FakeFailure } from './types.js';
import type { ScriptedFailure } from './world.js';

const API_PREFIX = '/api/v10';

type ParsedBody = Awaited<ReturnType<typeof parseRequestBody>>;

/** Parses a JSON or multipart body; a multipart body's JSON is its `payload_json` part. */
async function parseRequestBody(
  contentType: string | undefined,
  raw: Buffer,
): Promise<{ body: unknown; files: RecordedRequest['files']; invalid: boolean }> {
  if (raw.length === 0) return { body: undefined, files: [], invalid: false };
  if (contentType?.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), {
      headers: { 'content-type': contentType },
    }).formData();
    const files: RecordedRequest['files'] = [];
    let body: unknown;
    let invalid = false;
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') {
          try {
            body = JSON.parse(value);
          } catch {
            invalid = true;
          }
        }
      } else {
        files.push({ field, filename: value.name, contentType: value.type, size: value.size });
      }
    }
    return { body, files, invalid };
  }
  try {
    return { body: JSON.parse(raw.toString('utf8')), files: [], invalid: false };
  } catch {
    return { body: undefined, files: [], invalid: true };
  }
}

function takeFailure(
  failures: ScriptedFailure[],
  method: string,
  path: string,
): FakeFailure | undefined {
  const index = failures.findIndex((scripted) => {
    if (scripted.method !== '*' && scripted.method !== method) return false;
    if (typeof scripted.path === 'string') return scripted.path === path;
    scripted.path.lastIndex = 0;
    return scripted.path.test(path);
  });
  const scripted = failures[index];
  if (!scripted) return undefined;
  scripted.remaining--;
  if (scripted.remaining <= 0) failures.splice(index, 1);
  return scripted.failure;
}

/** Answers the REST requests of `discord`: `handle(req, res)` for each HTTP request. */
export function createRestHandler(
  discord: FakeDiscord,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { world } = discord;
  const routes: Route[] = [
    ...appRoutes(discord),
    ...channelRoutes(discord),
    ...webhookRoutes(discord),
  ];

  const answer = async (
    method: string,
    path: string,
    inApi: boolean,
    parsed: ParsedBody,
    query: URLSearchParams,
    authorization: string | undefined,
  ): Promise<Reply> => {
    const failure = takeFailure(world.failures, method, path);
    if (failure) return failureReply(failure, method, path);
    if (!inApi) return Errors.notFound();
    let pathMatched = false;
    for (const candidate of routes) {
      const match = candidate.pattern.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (candidate.method !== method) continue;
      const authorized = !world.tokenRevoked && authorization === `Bot ${world.settings.token}`;
      if (candidate.auth && !authorized) return Errors.unauthorized();
      if (parsed.invalid) return Errors.invalidJson();
      const params = match.slice(1).map((param) => param ?? '');
      return candidate.handle({ params, body: parsed.body, query, files: parsed.files });
    }
    return pathMatched ? Errors.methodNotAllowed() : Errors.notFound();
  };

  return async (req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake-discord');
    const raw = await readBody(req);
    // discord.js percent-encodes segments (`/messages/%40original`); Discord accepts both forms.
    const pathname = url.pathname.split('/').map(decodeSegment).join('/');
    const inApi = pathname.startsWith(`${API_PREFIX}/`);
    const path = inApi ? pathname.slice(API_PREFIX.length) : pathname;
    const parsed = await parseRequestBody(req.headers['content-type'], raw);
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body: parsed.body,
      files: parsed.files,
      status: 0,
      at: Date.now(),
    };
    world.requests.push(record);
    const reply = await answer(
      method,
      path,
      inApi,
      parsed,
      url.searchParams,
      req.headers.authorization,
    );
    record.status = reply.status;
    sendReply(res, reply);
  };
}
