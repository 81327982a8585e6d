/**
 * The fake OpenAI's `POST /v1/audio/transcriptions`: multipart (`file`, `model`, optional
 * `response_format`, `language`, `prompt`), answered with a scripted transcript or a scripted
 * failure, every request recorded with the audio's bytes. Also what the chat side needs to look
 * at images: the image parts of a request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** A transcription request as it arrived. */
export interface RecordedTranscription {
  readonly model: string | undefined;
  /** The `file` part: its name, type and bytes. */
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
  readonly bytes: Buffer;
  /** Every text field (`model`, `response_format`, `language`…). */
  readonly fields: Readonly<Record<string, string>>;
  readonly headers: IncomingMessage['headers'];
  readonly at: number;
}

/**
 * The answer to one transcription request: `{ text }` (as `{"text": …}`, after `delayMs`), or an
 * error `{ status, message? }` in OpenAI's error shape.
 */
export type TranscriptionReply =
  | { readonly text: string; readonly delayMs?: number }
  | { readonly status: number; readonly message?: string };

export interface TranscriptionEndpoint {
  /** Requests since the last reset, in arrival order. */
  readonly requests: RecordedTranscription[];
  /** One-shot replies, first in first out, before the default. */
  enqueue(...replies: TranscriptionReply[]): void;
  /** The reply when nothing is queued. Default: `{ text: 'transcript of <filename>' }`. */
  setDefault(reply: TranscriptionReply | undefined): void;
}

function errorBody(status: number, message: string) {
  return { error: { message, type: 'invalid_request_error', param: null, code: null } };
}

export class FakeTranscriptions implements TranscriptionEndpoint {
  readonly requests: RecordedTranscription[] = [];
  private readonly queue: TranscriptionReply[] = [];
  private fallback: TranscriptionReply | undefined;

  enqueue(...replies: TranscriptionReply[]): void {
    this.queue.push(...replies);
  }

  setDefault(reply: TranscriptionReply | undefined): void {
    this.fallback = reply;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.fallback = undefined;
  }

  /** Answers one request whose body is `raw`. */
  async handle(req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('multipart/form-data')) {
      return send(res, 400, errorBody(400, 'Expected multipart/form-data.'));
    }
    const form = await new Response(new Uint8Array(raw), {
      headers: { 'content-type': type },
    })
      .formData()
      .catch(() => undefined);
    if (form === undefined) return send(res, 400, errorBody(400, 'Malformed multipart body.'));
    const fields: Record<string, string> = {};
    let file: File | undefined;
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') fields[name] = value;
      else if (name === 'file') file = value;
    }
    const bytes = file ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
    this.requests.push({
      model: fields.model,
      filename: file?.name,
      contentType: file?.type || undefined,
      bytes,
      fields,
      headers: { ...req.headers },
      at: Date.now(),
    });
    if (!file) return send(res, 400, errorBody(400, "1 validation error: 'file' is required"));
    if (!fields.model) return send(res, 400, errorBody(400, 'you must provide a model parameter'));
    const reply = this.queue.shift() ??
      this.fallback ?? { text: `transcript of ${file.name || 'audio'}` };
    if ('status' in reply) {
      return send(
        res,
        reply.status,
        errorBody(reply.status, reply.message ?? `HTTP ${reply.status}`),
      );
    }
    if (reply.delayMs) await sleep(reply.delayMs);
    send(res, 200, { text: reply.text });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** An image part of a chat message, as the client sent it. */
export interface ImagePart {
  readonly url: string;
  readonly detail?: string;
}

/** The image parts of every message of a chat completion request's `messages`, in order. */
export function imagePartsOf(messages: readonly { content: unknown }[]): ImagePart[] {
  const parts: ImagePart[] = [];
  for (const message of messages) {
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content as unknown[]) {
      const image = (part as { type?: unknown; image_url?: { url?: unknown; detail?: unknown } })
        .image_url;
      if ((part as { type?: unknown }).type !== 'image_url' || typeof image?.url !== 'string') {
        continue;
      }
      parts.push({
        url: image.url,
        ...(typeof image.detail === 'string' ? { detail: image.detail } : {}),
      });
    }
  }
  return parts;
}

/** The bytes of a `data:` URL, or undefined for another URL. */
export function dataUrlBytes(url: string): { mime: string; bytes: Buffer } | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match ? { mime: match[1]!, bytes: Buffer.from(match[2]!, 'base64') } : undefined;
}
