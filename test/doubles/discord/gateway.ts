/**
 * The fake Discord gateway: HELLO, IDENTIFY (intents, shards, privileged intents checked), READY
 * and GUILD_CREATE, heartbeats, RESUME with replay, and dispatches routed by shard and intent.
 */
import { randomBytes } from 'node:crypto';
import { createDeflate } from 'node:zlib';
import type { RawData, WebSocket } from 'ws';
import { isRecord } from '../shared/is-record.js';
import { Intent, KNOWN_INTENTS, PRIVILEGED_INTENTS } from './constants.js';
import {
  closeConnection,
  pushToSession,
  sendPayload,
  sessionReceives,
  type DispatchTarget,
  type GatewayConnection,
  type GatewaySession,
} from './gateway-sessions.js';
import { guildCreatePayload } from './guild-payload.js';
import { shardOf } from './helpers.js';
import type { IdentifyPayload, ResumePayload } from './records.js';
import type { JsonObject } from './wire-types.js';
import type { DiscordWorld } from './world.js';

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

const TRACE = ['["fake-discord-gateway",{"micros":0}]'];

export class Gateway {
  readonly sessions = new Map<string, GatewaySession>();
  readonly connections = new Set<GatewayConnection>();
  readonly identifies: IdentifyPayload[] = [];
  readonly resumes: ResumePayload[] = [];
  /** Path and query of every connection, in order. */
  readonly urls: string[] = [];
  /** IDENTIFYs accepted, for `session_start_limit.remaining`. */
  sessionStarts = 0;

  constructor(private readonly world: DiscordWorld) {}

  /** Sends an event to every live session that should get it, each with its own next `s`. */
  dispatch(t: string, build: (session: GatewaySession) => unknown, target: DispatchTarget): void {
    for (const session of this.sessions.values()) {
      if (sessionReceives(session, target)) pushToSession(session, t, build(session));
    }
  }

  /** Takes a WebSocket upgraded at `url` (`/gateway` or `/gateway/resume`) and says HELLO. */
  attach(socket: WebSocket, url: URL): void {
    const compression = url.searchParams.get('compress');
    const deflate = compression === 'zlib-stream' ? createDeflate() : undefined;
    const connection: GatewayConnection = {
      socket,
      deflate,
      identifyCompress: false,
      session: undefined,
    };
    this.connections.add(connection);
    this.urls.push(`${url.pathname}${url.search}`);
    deflate?.on('error', () => undefined); // only after the socket closed; nothing left to send to
    deflate?.on('data', (chunk: Buffer) => {
      if (socket.readyState === socket.OPEN) socket.send(chunk);
    });
    socket.on('error', () => undefined); // a client that vanishes is not the fake's failure
    socket.on('message', (data) => this.onMessage(connection, data));
    socket.on('close', (code) => {
      this.connections.delete(connection);
      deflate?.destroy();
      const { session } = connection;
      if (session?.connection === connection) {
        session.connection = undefined;
        // A normal close (1000/1001) ends the session on Discord; other codes leave it resumable.
        if (code === 1000 || code === 1001 || code === 4004) session.ended = true;
      }
    });
    if (url.searchParams.get('v') !== '10') {
      closeConnection(connection, 4012);
      return;
    }
    sendPayload(connection, {
      op: 10,
      d: { heartbeat_interval: this.world.settings.heartbeatIntervalMs, _trace: TRACE },
    });
  }

  /** Sends `payload` on every open connection. */
  broadcast(payload: unknown): void {
    for (const connection of this.connections) sendPayload(connection, payload);
  }

  /** Closes every open connection with `code` (Discord's reason for it unless `reason`). */
  closeAll(code: number, reason?: string): void {
    for (const connection of this.connections) closeConnection(connection, code, reason);
  }

  /** Cuts every connection at once, without a close frame. */
  terminateAll(): void {
    for (const connection of this.connections) connection.socket.terminate();
  }

  private onMessage(connection: GatewayConnection, data: RawData): void {
    let payload: unknown;
    try {
      payload = JSON.parse(rawText(data));
    } catch {
      closeConnection(connection, 4002);
      return;
    }
    if (!isRecord(payload) || typeof payload.op !== 'number') {
      closeConnection(connection, 4002);
      return;
    }
    switch (payload.op) {
      case 1: // HEARTBEAT → HEARTBEAT_ACK
        sendPayload(connection, { op: 11 });
        return;
      case 2:
        this.onIdentify(connection, payload.d);
        return;
      case 6:
        this.onResume(connection, payload.d);
        return;
      case 3: // PRESENCE_UPDATE
      case 4: // VOICE_STATE_UPDATE
      case 8: // REQUEST_GUILD_MEMBERS
      case 31: // REQUEST_SOUNDBOARD_SOUNDS
        if (!connection.session) closeConnection(connection, 4003);
        return;
      default:
        closeConnection(connection, 4001);
    }
  }

  /**
   * The checks IDENTIFY and RESUME share: no session on this connection yet (4005), an object
   * payload (4002), recorded by `record`, then the valid token (4004). Undefined once closed.
   */
  private handshake(
    connection: GatewayConnection,
    d: unknown,
    record: (payload: JsonObject) => void,
  ): JsonObject | undefined {
    if (connection.session) {
      closeConnection(connection, 4005);
      return undefined;
    }
    if (!isRecord(d)) {
      closeConnection(connection, 4002);
      return undefined;
    }
    record(d);
    if (!this.world.acceptsGatewayToken(d.token)) {
      closeConnection(connection, 4004);
      return undefined;
    }
    return d;
  }

  private onIdentify(connection: GatewayConnection, payload: unknown): void {
    const d = this.handshake(connection, payload, (p) =>
      this.identifies.push(p as unknown as IdentifyPayload),
    );
    if (d === undefined) return;
    const intents = d.intents;
    if (
      typeof intents !== 'number' ||
      !Number.isInteger(intents) ||
      intents < 0 ||
      (intents & ~KNOWN_INTENTS) !== 0
    ) {
      closeConnection(connection, 4013);
      return;
    }
    if ((intents & PRIVILEGED_INTENTS & ~this.world.settings.privilegedIntents) !== 0) {
      closeConnection(connection, 4014);
      return;
    }
    let shard: [number, number] = [0, 1];
    if (d.shard !== undefined) {
      const [shardId, count] = Array.isArray(d.shard) ? d.shard : [];
      if (
        typeof shardId !== 'number' ||
        typeof count !== 'number' ||
        count < 1 ||
        shardId < 0 ||
        shardId >= count
      ) {
        closeConnection(connection, 4010);
        return;
      }
      shard = [shardId, count];
    }
    connection.identifyCompress = d.compress === true && connection.deflate === undefined;
    this.sessionStarts++;
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      shard,
      intents,
      seq: 0,
      log: [],
      connection,
      ended: false,
    };
    this.sessions.set(session.id, session);
    connection.session = session;
    const { world } = this;
    const shardGuilds = [...world.guilds.values()].filter(
      (guild) => shardOf(guild.id, shard[1]) === shard[0],
    );
    pushToSession(session, 'READY', {
      v: 10,
      user: { ...world.botUser, verified: true, mfa_enabled: false, email: null },
      guilds: shardGuilds.map((guild) => ({ id: guild.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: `${world.gatewayUrl}/resume`,
      shard,
      application: { id: world.applicationId, flags: 0 },
      user_settings: {},
      relationships: [],
      private_channels: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['fake-local'],
      _trace: TRACE,
    });
    if ((intents & Intent.Guilds) !== 0) {
      for (const guild of shardGuilds) {
        pushToSession(session, 'GUILD_CREATE', guildCreatePayload(guild));
      }
    }
  }

  private onResume(connection: GatewayConnection, payload: unknown): void {
    const d = this.handshake(connection, payload, (p) =>
      this.resumes.push(p as unknown as ResumePayload),
    );
    if (d === undefined) return;
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    const seq = typeof d.seq === 'number' ? d.seq : -1;
    const oldest = session?.log[0]?.s ?? 1;
    if (!session || session.ended || seq < oldest - 1) {
      sendPayload(connection, { op: 9, d: false });
      return;
    }
    if (seq > session.seq) {
      closeConnection(connection, 4007);
      return;
    }
    if (session.connection && session.connection !== connection) {
      closeConnection(session.connection, 4000);
    }
    session.connection = connection;
    connection.session = session;
    for (const entry of session.log) if (entry.s > seq) sendPayload(connection, entry);
    pushToSession(session, 'RESUMED', null);
  }
}
