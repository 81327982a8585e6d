/**
 * Files users attach, as Discord's CDN serves them: each attachment of a test message gets a URL
 * on the fake's own port (`/attachments/<channel>/<id>/<filename>?ex=…`, the CDN's path shape),
 * and every download of one is recorded, so a test can assert that a refused file was never
 * fetched. The URL is in the payload only; nothing in a message's text points to it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AttachmentObject } from './wire-types.js';

/** An attachment as a test gives it to `createMessage`. */
export interface AttachmentInput {
  filename: string;
  /** `content_type`; omitted, Discord leaves it out too. */
  contentType?: string;
  data: Uint8Array;
  /** The size the payload declares; default the true size. A test may lie with it. */
  size?: number;
  /** Voice messages: seconds, as `duration_secs`. */
  durationSecs?: number;
  /** Voice messages: a base64 waveform. */
  waveform?: string;
}

/** Files by attachment id, and the downloads of them. */
export class AttachmentFiles {
  private readonly bytes = new Map<string, Uint8Array>();
  /** Attachment ids downloaded, in order. */
  readonly downloads: string[] = [];

  /** Stores the files of a new message and returns the attachment objects of its payload. */
  attach(
    origin: string,
    channelId: string,
    inputs: readonly AttachmentInput[],
    nextId: () => string,
  ): AttachmentObject[] {
    return inputs.map((input) => {
      const id = nextId();
      this.bytes.set(id, input.data);
      const path = `/attachments/${channelId}/${id}/${encodeURIComponent(input.filename)}`;
      const signed = `?ex=${(Date.now() / 1000 + 86_400).toString(16).split('.')[0]}&is=0&hm=fake`;
      return {
        id,
        filename: input.filename,
        size: input.size ?? input.data.length,
        url: `${origin}${path}${signed}`,
        proxy_url: `${origin}${path}`,
        ...(input.contentType !== undefined ? { content_type: input.contentType } : {}),
        ...(input.durationSecs !== undefined ? { duration_secs: input.durationSecs } : {}),
        ...(input.waveform !== undefined ? { waveform: input.waveform } : {}),
      };
    });
  }

  /** Answers `GET /attachments/…`; false when the request is not for the CDN. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://fake-discord');
    const match = /^\/attachments\/\d+\/(\d+)\/[^/]+$/.exec(url.pathname);
    if (match === null || req.method !== 'GET') return false;
    const id = match[1]!;
    const data = this.bytes.get(id);
    if (data === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return true;
    }
    this.downloads.push(id);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': data.length,
    });
    res.end(data);
    return true;
  }
}
