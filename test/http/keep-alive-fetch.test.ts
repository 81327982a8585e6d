import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { gzipSync, createGzip } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeepAliveFetch, type KeepAliveFetch } from '../../src/http/keep-alive-fetch.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

/** A local server whose handler each test sets; counts connections and requests. */
let server: http.Server;
let base: string;
let handler: Handler;
let connections: number;
let requests: number;
let fetch: KeepAliveFetch;

beforeEach(async () => {
  connections = 0;
  requests = 0;
  handler = echo;
  server = http.createServer((req, res) => {
    requests++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fetch = createKeepAliveFetch();
});

afterEach(async () => {
  fetch.close();
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

const echo: Handler = (req, res, body) => {
  const payload = JSON.stringify({
    method: req.method,
    url: req.url,
    headers: req.headers,
    body: body.toString(),
  });
  const length = Buffer.byteLength(payload);
  res.writeHead(201, 'Made', { 'content-type': 'application/json', 'content-length': length });
  res.end(payload);
};

/** A promise and the function that resolves it. */
function signalled() {
  const { promise: opened, resolve: open } = Promise.withResolvers<void>();
  return { opened, open };
}

describe('createKeepAliveFetch', () => {
  it('round-trips a JSON POST with its status, status text, headers and URL', async () => {
    const body = JSON.stringify({ text: 'x'.repeat(10_000) });
    for (const headers of [
      new Headers({ 'Content-Type': 'application/json', 'X-Key': 'a' }),
      [
        ['Content-Type', 'application/json'],
        ['X-Key', 'a'],
      ] as [string, string][],
      { 'Content-Type': 'application/json', 'X-Key': 'a' },
    ]) {
      const res = await fetch(`${base}/v1/chat?q=1`, { method: 'post', headers, body });
      expect([res.status, res.statusText, res.ok]).toEqual([201, 'Made', true]);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.url).toBe(`${base}/v1/chat?q=1`);
      const seen = (await res.json()) as {
        method: string;
        url: string;
        headers: Record<string, string>;
        body: string;
      };
      expect(seen).toMatchObject({ method: 'POST', url: '/v1/chat?q=1', body });
      expect(seen.headers).toMatchObject({
        'content-type': 'application/json',
        'x-key': 'a',
        'content-length': String(body.length),
      });
      expect(seen.headers['accept-encoding']).toBeUndefined();
    }
  });

  it('reuses one connection for requests one after another, after a 204 too', async () => {
    handler = (req, res, body) =>
      req.url === '/none' ? res.writeHead(204).end() : echo(req, res, body);
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${base}/${i}`, { method: 'POST', body: 'hi' });
      expect([res.status, ((await res.json()) as { body: string }).body]).toEqual([201, 'hi']);
      const none = await fetch(`${base}/none`);
      expect([none.status, none.body]).toEqual([204, null]);
    }
    expect(requests).toBe(10);
    expect(connections).toBe(1);
  });

  it('streams an event stream: the first event is read before the server ends the response', async () => {
    const rest = signalled();
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      void rest.opened.then(() => {
        for (let i = 0; i < 30; i++) res.write(`data: ${i}\n\n`);
        res.end('data: [DONE]\n\n');
      });
    };
    const within2s = <T>(step: Promise<T>) =>
      Promise.race([
        step,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('not streamed')), 2000),
        ),
      ]);
    const res = await within2s(fetch(`${base}/stream`, { method: 'POST', body: '{}' }));
    const reader = res.body!.getReader();
    const first = await within2s(reader.read());
    expect(Buffer.from(first.value!).toString()).toBe('data: first\n\n');
    rest.open();
    let text = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      text += Buffer.from(chunk.value).toString();
    expect(text).toContain('data: 29\n\n');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('rejects with the signal’s reason when aborted before the start, sending nothing', async () => {
    const error = await fetch(base, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    const timeout = await fetch(base, {
      signal: AbortSignal.abort(new DOMException('late', 'TimeoutError')),
    }).catch((e: unknown) => e);
    expect((timeout as DOMException).name).toBe('TimeoutError');
    expect(requests).toBe(0);
  });

  it('aborts a request in flight and destroys its socket (a signal without `reason`, as grammY’s)', async () => {
    const arrived = signalled();
    const closed = signalled();
    handler = (req) => {
      req.socket.on('close', closed.open);
      arrived.open();
    };
    // abort-controller's signal (grammY's): an EventTarget with `aborted` and no `reason`.
    const signal = Object.assign(new EventTarget(), { aborted: false });
    const pending = fetch(base, {
      method: 'POST',
      body: '{}',
      signal: signal as unknown as AbortSignal,
    });
    await arrived.opened;
    signal.aborted = true;
    signal.dispatchEvent(new Event('abort'));
    const error = await pending.catch((e: unknown) => e);
    expect((error as DOMException).name).toBe('AbortError');
    await closed.opened;
  });

  it('aborts while a body streams (the stream errors) or is collected (the call rejects)', async () => {
    const written = { '/stream': signalled(), '/known': signalled() };
    const closed = { '/stream': signalled(), '/known': signalled() };
    handler = (req, res) => {
      const path = req.url as keyof typeof closed;
      res.on('close', () => closed[path].open());
      if (path === '/known') res.writeHead(200, { 'content-length': '100' });
      else res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n', () => written[path].open());
    };
    const controller = new AbortController();
    const res = await fetch(`${base}/stream`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    expect(((await reader.read().catch((e: unknown) => e)) as Error).name).toBe('AbortError');
    await closed['/stream'].opened;

    const collecting = new AbortController();
    const pending = fetch(`${base}/known`, { signal: collecting.signal });
    await written['/known'].opened;
    await new Promise((resolve) => setTimeout(resolve, 20)); // the partial body reaches the client
    collecting.abort();
    expect(((await pending.catch((e: unknown) => e)) as Error).name).toBe('AbortError');
    await closed['/known'].opened;
  });

  it('errors a streamed body the server cuts short, and closes the connection of one cancelled', async () => {
    const closed = signalled();
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' }).write('data: 1\n\n');
      if (req.url === '/cut') setTimeout(() => res.destroy(), 20);
      else res.on('close', () => closed.open());
    };
    const cut = (await fetch(`${base}/cut`)).text();
    await expect(cut).rejects.toThrow();
    const res = await fetch(`${base}/cancel`);
    await res.body!.cancel();
    await closed.opened;
  });

  it('uploads FormData as multipart with its file bytes and a length', async () => {
    let parsed: FormData | undefined;
    let length: string | undefined;
    handler = (req, res, body) => {
      length = req.headers['content-length'];
      parsed = undefined;
      void new Response(body, { headers: { 'content-type': req.headers['content-type']! } })
        .formData()
        .then(
          (form) => ((parsed = form), res.end('{}')),
          () => res.writeHead(400).end(),
        );
    };
    const bytes = Uint8Array.from({ length: 3000 }, (_, i) => i % 251);
    const form = new FormData();
    form.append('model', 'whisper-1');
    form.append('file', new Blob([bytes], { type: 'audio/ogg' }), 'voice.ogg');
    await fetch(`${base}/audio`, { method: 'POST', body: form });
    expect(parsed!.get('model')).toBe('whisper-1');
    const file = parsed!.get('file') as File;
    expect(file.name).toBe('voice.ogg');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
    expect(Number(length)).toBeGreaterThan(3000);
  });

  it('sends a Node Readable, an async iterable (grammY’s multipart) and a web stream, chunked', async () => {
    async function* parts() {
      yield new TextEncoder().encode('--b\r\n');
      yield 'part';
    }
    const bodies = [
      Readable.from(['node ', 'readable']),
      parts(),
      new Blob(['web stream']).stream(),
    ];
    const sent: string[] = [];
    for (const body of bodies) {
      const res = await fetch(base, {
        method: 'POST',
        body: body as RequestInit['body'],
        duplex: 'half',
      } as RequestInit);
      const seen = (await res.json()) as { headers: Record<string, string>; body: string };
      expect(seen.headers['transfer-encoding']).toBe('chunked');
      sent.push(seen.body);
    }
    expect(sent).toEqual(['node readable', '--b\r\npart', 'web stream']);
  });

  it('rejects a refused connection with TypeError("fetch failed") and a cause, no secret', async () => {
    const closed = http.createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const error = (await fetch(`http://127.0.0.1:${port}/bot123:SECRET-TOKEN/getMe`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-secret-key' },
    }).catch((e: unknown) => e)) as TypeError & { cause: NodeJS.ErrnoException };
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expect(error.cause.code).toBe('ECONNREFUSED');
    const text = `${error.message} ${error.cause.message} ${error.stack}`;
    expect(text).not.toMatch(/SECRET-TOKEN|sk-secret-key/);
    // A header Node refuses (a newline in a key read from a file) fails alike, naming no value.
    const refused = (await fetch(`${base}/bot123:SECRET-TOKEN/getMe`, {
      headers: { authorization: 'Bearer sk-secret-key\n' },
    }).catch((e: unknown) => e)) as TypeError & { cause: Error };
    expect([refused.message, requests]).toEqual(['fetch failed', 0]);
    expect(`${refused.cause.message} ${refused.stack}`).not.toMatch(/SECRET-TOKEN|sk-secret-key/);
  });

  it('decodes a gzip answer, collected or streamed, when the caller asked for one', async () => {
    const text = 'hello '.repeat(1000);
    handler = (req, res) => {
      if (req.headers['accept-encoding'] !== 'gzip') return res.writeHead(400).end();
      if (req.url === '/known') {
        const zipped = gzipSync(text);
        return res
          .writeHead(200, { 'content-encoding': 'gzip', 'content-length': zipped.length })
          .end(zipped);
      }
      res.writeHead(200, { 'content-encoding': 'gzip' });
      const gzip = createGzip();
      gzip.pipe(res);
      gzip.end(text);
    };
    for (const path of ['/known', '/chunked']) {
      const res = await fetch(`${base}${path}`, { headers: { 'Accept-Encoding': 'gzip' } });
      expect([res.status, await res.text()]).toEqual([200, text]);
    }
  });

  it('returns a redirect as it is, and HEAD without a body', async () => {
    handler = (_req, res) =>
      res.writeHead(302, { location: '/elsewhere', 'content-length': 0 }).end();
    const res = await fetch(`${base}/moved`);
    expect([res.status, res.headers.get('location'), requests]).toEqual([302, '/elsewhere', 1]);
    const head = await fetch(`${base}/moved`, { method: 'HEAD' });
    expect([head.status, head.body]).toEqual([302, null]);
  });

  it('retries an idempotent call once when a reused connection was reset, never a POST', async () => {
    handler = (req, res) => {
      if (req.url === '/reset' && connections === 1) return req.socket.destroy();
      res.end('ok');
    };
    await (await fetch(`${base}/warm`)).text();
    expect(await (await fetch(`${base}/reset`)).text()).toBe('ok');
    expect(connections).toBe(2);
    handler = (req, res) => (req.url === '/reset' ? req.socket.destroy() : res.end('ok'));
    await (await fetch(`${base}/warm`)).text();
    const error = await fetch(`${base}/reset`, { method: 'POST', body: '{}' }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe('fetch failed');
    expect(requests).toBe(5); // the POST was not sent twice
  });
});
