import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

export interface HttpResponse {
  readonly status: number;
  readonly body?: string;
  readonly contentType?: string;
}

export type HttpHandler = (
  request: IncomingMessage,
  body: Buffer,
) => HttpResponse | Promise<HttpResponse>;

/** A handler with a check of the request's headers that runs before its body is read. */
export interface GuardedRoute {
  /** A response to refuse the request with, or undefined to go on and read the body. */
  readonly guard: (request: IncomingMessage) => HttpResponse | undefined;
  readonly handle: HttpHandler;
}

export interface HttpRoutes {
  /** Keyed by `METHOD /path`, e.g. `POST /telegram/webhook`. */
  readonly [route: string]: HttpHandler | GuardedRoute;
}

export interface RunningHttpServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Largest request body accepted. Telegram updates are a few KB; 1 MB leaves room. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A small HTTP server for webhooks and health checks: routes by method and path, bounded bodies,
 * and no handler error ever reaches the client or stops the process.
 */
export async function startHttpServer(options: {
  port: number;
  host?: string;
  routes: HttpRoutes;
  logger: Logger;
}): Promise<RunningHttpServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const route = options.routes[`${request.method} ${path}`];
    const send = ({
      status,
      body = '',
      contentType = 'text/plain; charset=utf-8',
    }: HttpResponse) => {
      if (response.headersSent) return;
      response.writeHead(status, {
        'content-type': contentType,
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    };
    if (!route) return send({ status: 404, body: 'not found\n' });
    const handler = typeof route === 'function' ? route : route.handle;
    const refusal = typeof route === 'function' ? undefined : route.guard(request);
    if (refusal) {
      send(refusal);
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        send({ status: 413, body: 'payload too large\n' });
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      Promise.resolve()
        .then(() => handler(request, Buffer.concat(chunks)))
        .then(send, (error: unknown) => {
          options.logger.error({ err: error, route: path }, 'http handler failed');
          send({ status: 500, body: 'internal error\n' });
        });
    });
    request.on('error', () => request.destroy());
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
