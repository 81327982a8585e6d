import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedDownload, DownloadError } from '../../../src/platforms/shared/bounded-download.js';

/** A file server whose routes misbehave in the ways a download must survive. */
describe('boundedDownload', () => {
  let server: Server;
  let base: string;
  /** Bytes the endless route managed to write before the client went away. */
  let endlessWritten = 0;
  let endlessClosed = false;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const route = req.url ?? '/';
      if (route === '/small') return void res.end(Buffer.from('hello'));
      if (route === '/declared-large') {
        res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
        return void res.write(Buffer.alloc(1024));
      }
      if (route === '/endless') return endless(res);
      if (route === '/slow') return void res.writeHead(200).write('a');
      if (route === '/redirect') return void res.writeHead(302, { location: '/small' }).end();
      res.writeHead(404).end('no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Chunked, no Content-Length, never ends: as a lying declared size would look from here. */
  function endless(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'image/png' });
    const chunk = Buffer.alloc(64 * 1024, 1);
    const timer = setInterval(() => {
      if (res.destroyed) return;
      res.write(chunk);
      endlessWritten += chunk.length;
    }, 1);
    res.on('close', () => {
      endlessClosed = true;
      clearInterval(timer);
    });
  }

  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as DownloadError,
    );

  it('returns a body within the cap', async () => {
    const bytes = await boundedDownload(`${base}/small`, { maxBytes: 5 });
    expect(Buffer.from(bytes).toString()).toBe('hello');
  });

  it('aborts a stream that passes the cap whatever was declared, and closes the connection', async () => {
    const error = await failureOf(boundedDownload(`${base}/endless`, { maxBytes: 1024 * 1024 }));
    expect(error).toBeInstanceOf(DownloadError);
    expect(error?.failure).toBe('too_large');
    await expect.poll(() => endlessClosed).toBe(true);
    // It stopped soon after the cap, not after the server's whole (endless) body.
    expect(endlessWritten).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    const error = await failureOf(boundedDownload(`${base}/declared-large`, { maxBytes: 4096 }));
    expect(error?.failure).toBe('too_large');
  });

  it('times out a server that trickles, refuses redirects and errors, never naming the URL', async () => {
    const slow = await failureOf(
      boundedDownload(`${base}/slow`, { maxBytes: 100, timeoutMs: 200 }),
    );
    expect(slow?.failure).toBe('timeout');
    const redirect = await failureOf(boundedDownload(`${base}/redirect`, { maxBytes: 100 }));
    expect(redirect?.failure).toBe('failed');
    const missing = await failureOf(
      boundedDownload(`${base}/missing?token=secret`, { maxBytes: 100 }),
    );
    expect(missing?.message).toBe('file endpoint answered HTTP 404');
    for (const error of [slow, redirect, missing]) {
      expect(error?.message).not.toContain('127.0.0.1');
    }
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = failureOf(
      boundedDownload(`${base}/slow`, { maxBytes: 100, signal: controller.signal }),
    );
    controller.abort();
    expect((await pending)?.failure).toBe('failed');
  });
});
