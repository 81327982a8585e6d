/**
 * The fake Discord's one port: REST over HTTP, the CDN's `/attachments/…` files, and the gateway
 * as a WebSocket upgrade of `/gateway` (or `/gateway/resume`), JSON encoding only, optionally
 * zlib-stream compressed.
 */
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { listenOnFreePort } from '../shared/http.js';
import type { FakeDiscord } from './context.js';
import { apiError, sendReply } from './replies.js';
import { createRestHandler } from './rest.js';

export interface DiscordHttp {
  readonly port: number;
  /** Cuts every gateway connection and socket and stops listening. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (loopback only: no firewall prompt, no IPv6 surprises), a free port. */
export async function serveDiscord(discord: FakeDiscord): Promise<DiscordHttp> {
  const handleRest = createRestHandler(discord);
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (discord.world.files.serve(req, res)) return;
    handleRest(req, res).catch((error: unknown) => {
      // Only reached on a bug in the fake; answer rather than leave the client hanging.
      sendReply(res, apiError(500, 0, `fake Discord server failed: ${String(error)}`));
    });
  });
  server.keepAliveTimeout = 1_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'ws://fake-discord');
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/gateway' && url.pathname !== '/gateway/resume')
      return refuse(404, 'Not Found');
    const encoding = url.searchParams.get('encoding');
    if (encoding !== null && encoding !== 'json')
      return refuse(400, 'Bad Request (only encoding=json)');
    const compress = url.searchParams.get('compress');
    if (compress !== null && compress !== 'zlib-stream')
      return refuse(400, 'Bad Request (only compress=zlib-stream)');
    wss.handleUpgrade(req, socket, head, (ws) => discord.gateway.attach(ws, url));
  });

  const port = await listenOnFreePort(server, '127.0.0.1');
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        discord.gateway.terminateAll();
        wss.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}
