/**
 * Gateway sessions and connections, and the wire-level steps on them: sending a payload (with
 * zlib-stream or per-payload compression), closing with Discord's codes, and numbering dispatches.
 */
import { deflateSync, constants as zlibConstants } from 'node:zlib';
import type { Deflate } from 'node:zlib';
import type { WebSocket } from 'ws';
import { shardOf } from './helpers.js';

export interface GatewayDispatch {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

export interface GatewaySession {
  readonly id: string;
  readonly shard: readonly [number, number];
  readonly intents: number;
  seq: number;
  readonly log: GatewayDispatch[];
  connection: GatewayConnection | undefined;
  ended: boolean;
}

export interface GatewayConnection {
  readonly socket: WebSocket;
  /** zlib-stream transport compression: one deflate context for the connection's lifetime. */
  readonly deflate: Deflate | undefined;
  identifyCompress: boolean;
  session: GatewaySession | undefined;
}

export interface DispatchTarget {
  /** Routes to the shard of this guild; DMs and guild-less events go to shard 0. */
  guildId: string | undefined;
  /** The intent a session needs to receive the event; 0 = every session. */
  intent: number;
}

const CLOSE_REASONS: Record<number, string> = {
  4000: 'Unknown error.',
  4001: 'Unknown opcode.',
  4002: 'Error while decoding payload.',
  4003: 'Not authenticated.',
  4004: 'Authentication failed.',
  4005: 'Already authenticated.',
  4007: 'Invalid seq.',
  4009: 'Session timed out.',
  4010: 'Invalid shard.',
  4012: 'Invalid API version.',
  4013: 'Invalid intent(s).',
  4014: 'Disallowed intent(s).',
};

/** Dispatches kept per session for RESUME; older ones make a resume fail with INVALID_SESSION. */
const SESSION_LOG_LIMIT = 1_000;

export function sendPayload(connection: GatewayConnection, payload: unknown): void {
  const { socket } = connection;
  if (socket.readyState !== socket.OPEN) return;
  const text = JSON.stringify(payload);
  if (connection.deflate) {
    // One zlib context per connection; each payload ends in a sync flush (00 00 ff ff), which is
    // how clients know a message is complete. Chunks go out as zlib emits them, possibly split.
    connection.deflate.write(text);
    connection.deflate.flush(zlibConstants.Z_SYNC_FLUSH);
  } else if (connection.identifyCompress) {
    socket.send(deflateSync(text));
  } else {
    socket.send(text);
  }
}

export function closeConnection(
  connection: GatewayConnection,
  code: number,
  reason?: string,
): void {
  const { socket } = connection;
  if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) {
    socket.close(code, reason ?? CLOSE_REASONS[code] ?? '');
  }
}

export function sessionReceives(session: GatewaySession, target: DispatchTarget): boolean {
  if (session.ended) return false;
  if (target.intent !== 0 && (session.intents & target.intent) === 0) return false;
  const [shardId, count] = session.shard;
  return target.guildId === undefined ? shardId === 0 : shardOf(target.guildId, count) === shardId;
}

export function pushToSession(session: GatewaySession, t: string, d: unknown): void {
  const payload: GatewayDispatch = { op: 0, t, s: ++session.seq, d };
  session.log.push(payload);
  if (session.log.length > SESSION_LOG_LIMIT) session.log.shift();
  if (session.connection) sendPayload(session.connection, payload);
}
