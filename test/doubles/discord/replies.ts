/** Answers of the fake Discord's REST API: success, Discord's error shapes, scripted failures. */
import type { ServerResponse } from 'node:http';
import { isRecord } from '../shared/is-record.js';
import type { FakeFailure } from './types.js';
import type { JsonObject } from './wire-types.js';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

export const NO_CONTENT: Reply = { status: 204 };

export function apiError(
  status: number,
  code: number,
  message: string,
  errors?: JsonObject,
): Reply {
  return { status, body: errors ? { message, code, errors } : { message, code } };
}

export const Errors = {
  unauthorized: () => apiError(401, 0, '401: Unauthorized'),
  notFound: () => apiError(404, 0, '404: Not Found'),
  methodNotAllowed: () => apiError(405, 0, '405: Method Not Allowed'),
  invalidJson: () => apiError(400, 50109, 'The request body contains invalid JSON.'),
  unknownChannel: () => apiError(404, 10003, 'Unknown Channel'),
  unknownGuild: () => apiError(404, 10004, 'Unknown Guild'),
  unknownMember: () => apiError(404, 10007, 'Unknown Member'),
  unknownMessage: () => apiError(404, 10008, 'Unknown Message'),
  unknownUser: () => apiError(404, 10013, 'Unknown User'),
  unknownWebhook: () => apiError(404, 10015, 'Unknown Webhook'),
  unknownInteraction: () => apiError(404, 10062, 'Unknown interaction'),
  unknownCommand: () => apiError(404, 10063, 'Unknown application command'),
  missingAccess: () => apiError(403, 50001, 'Missing Access'),
  cannotEditOthers: () => apiError(403, 50005, 'Cannot edit a message authored by another user'),
  emptyMessage: () => apiError(400, 50006, 'Cannot send an empty message'),
  nonTextChannel: () => apiError(400, 50008, 'Cannot send messages in a non-text channel'),
  invalidWebhookToken: () => apiError(401, 50027, 'Invalid Webhook Token'),
  invalidRecipient: () => apiError(400, 50033, 'Invalid Recipient(s)'),
  alreadyAcknowledged: () => apiError(400, 40060, 'Interaction has already been acknowledged.'),
};

const DEFAULT_FAILURES: Record<number, { code: number; message: string }> = {
  400: { code: 0, message: '400: Bad Request' },
  401: { code: 0, message: '401: Unauthorized' },
  403: { code: 50013, message: 'Missing Permissions' },
  404: { code: 0, message: '404: Not Found' },
  405: { code: 0, message: '405: Method Not Allowed' },
  500: { code: 0, message: '500: Internal Server Error' },
  502: { code: 0, message: '502: Bad Gateway' },
  503: { code: 0, message: '503: Service Unavailable' },
  504: { code: 0, message: '504: Gateway Timeout' },
};

/** Collects field errors into Discord's nested `errors` shape (`{ content: { _errors: [...] } }`). */
export class FormErrors {
  readonly tree: JsonObject = {};
  count = 0;

  add(path: readonly (string | number)[], code: string, message: string): void {
    let node = this.tree;
    for (const key of path) {
      const next = node[String(key)];
      if (isRecord(next)) {
        node = next;
      } else {
        const created: JsonObject = {};
        node[String(key)] = created;
        node = created;
      }
    }
    const list = Array.isArray(node._errors) ? (node._errors as unknown[]) : [];
    list.push({ code, message });
    node._errors = list;
    this.count++;
  }

  reply(): Reply {
    return apiError(400, 50035, 'Invalid Form Body', this.tree);
  }
}

/** Whether a handler's result is an answer rather than the entity it looked up. */
export function isReply(value: unknown): value is Reply {
  return isRecord(value) && typeof value.status === 'number' && !('id' in value);
}

/** The answer to a failure scripted with `failNext`, rate-limit headers included. */
export function failureReply(failure: FakeFailure, method: string, path: string): Reply {
  if (failure.status === 429 && 'retryAfter' in failure) {
    const global = failure.global === true;
    const scope = failure.scope ?? (global ? 'global' : 'user');
    const headers: Record<string, string> = {
      'retry-after': String(Math.ceil(failure.retryAfter)),
      'x-ratelimit-scope': scope,
    };
    if (global) {
      headers['x-ratelimit-global'] = 'true';
    } else {
      const bucket = Buffer.from(`${method} ${path.replace(/\d{17,20}/g, ':id')}`)
        .toString('hex')
        .slice(0, 32);
      Object.assign(headers, {
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': (Date.now() / 1000 + failure.retryAfter).toFixed(3),
        'x-ratelimit-reset-after': failure.retryAfter.toFixed(3),
        'x-ratelimit-bucket': bucket,
      });
    }
    return {
      status: 429,
      headers,
      body: {
        message: 'You are being rate limited.',
        retry_after: failure.retryAfter,
        global,
        code: 0,
      },
    };
  }
  const fallback = DEFAULT_FAILURES[failure.status] ?? { code: 0, message: `${failure.status}` };
  const scripted = failure as Exclude<FakeFailure, { retryAfter: number }>;
  return apiError(
    failure.status,
    scripted.code ?? fallback.code,
    scripted.message ?? fallback.message,
    scripted.errors,
  );
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  if (reply.body === undefined) {
    res.writeHead(reply.status, reply.headers ?? {});
    res.end();
    return;
  }
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...reply.headers,
  });
  res.end(payload);
}
