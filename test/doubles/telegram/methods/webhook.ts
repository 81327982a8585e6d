/**
 * The webhook methods: setWebhook, deleteWebhook and getWebhookInfo. No webhook is ever called:
 * setting one only records it and, as on Telegram, makes getUpdates fail with 409.
 */
import { badRequest } from '../api-error.js';
import type { LongPoll } from '../long-poll.js';
import type { Params } from '../params.js';
import type { TelegramState } from '../state.js';

/** A `true` result with the note Telegram sends along in `description`. */
export interface DescribedResult {
  result: true;
  description: string;
}

export function setWebhook(state: TelegramState, poll: LongPoll, params: Params): DescribedResult {
  const url = params.string('url') ?? '';
  if (params.boolean('drop_pending_updates')) state.queue = [];
  if (url === '') return clearWebhook(state);
  let parsed: URL;
  try {
    parsed = new URL(url.includes('://') ? url : `https://${url}`);
  } catch {
    throw badRequest('invalid webhook URL specified');
  }
  if (parsed.protocol !== 'https:') {
    throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
  }
  const secret = params.string('secret_token');
  if (secret !== undefined && secret.length > 256) throw badRequest('secret token is too long');
  if (secret !== undefined && !/^[A-Za-z0-9_-]*$/.test(secret)) {
    throw badRequest('secret token contains unallowed characters');
  }
  state.setAllowedUpdates(params.raw('allowed_updates'));
  const maxConnections = Math.min(100, Math.max(1, params.integer('max_connections') ?? 40));
  const already = state.webhook.url === url && state.webhook.secret_token === secret;
  poll.terminate('Conflict: terminated by setWebhook request');
  const allowed = state.allowedUpdates;
  state.webhook = {
    url,
    ...(secret !== undefined ? { secret_token: secret } : {}),
    max_connections: maxConnections,
    ...(allowed !== 'default' ? { allowed_updates: [...allowed] } : {}),
  };
  return { result: true, description: already ? 'Webhook is already set' : 'Webhook was set' };
}

function clearWebhook(state: TelegramState): DescribedResult {
  const had = state.webhook.url !== undefined;
  state.webhook = {};
  return {
    result: true,
    description: had ? 'Webhook was deleted' : 'Webhook is already deleted',
  };
}

export function deleteWebhook(state: TelegramState, params: Params): DescribedResult {
  if (params.boolean('drop_pending_updates')) state.queue = [];
  return clearWebhook(state);
}

export function getWebhookInfo(state: TelegramState): Record<string, unknown> {
  const { webhook, allowedUpdates } = state;
  return {
    url: webhook.url ?? '',
    has_custom_certificate: false,
    pending_update_count: state.queue.length,
    ...(webhook.url !== undefined
      ? { max_connections: webhook.max_connections, ip_address: '127.0.0.1' }
      : {}),
    ...(allowedUpdates !== 'default' ? { allowed_updates: [...allowedUpdates] } : {}),
  };
}
