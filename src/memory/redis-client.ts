import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTarget } from '../config/redis-target.js';

export interface RedisClientOptions {
  /**
   * Receives every connection error (for a Cluster also each node's). Without it errors are
   * swallowed; either way ioredis never prints "Unhandled error event". Commands still reject.
   */
  onError?: (err: Error) => void;
  /** Sent as CLIENT SETNAME, so the bot's connections stand out in CLIENT LIST. */
  connectionName?: string;
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Reconnect forever, 200 ms more per attempt up to 5 s: a Redis restart or failover heals by
 * itself, and a long outage costs one attempt every 5 s.
 */
const backoff = (attempt: number) => Math.min(attempt * 200, 5000);

/** Connect and command timeouts (ms). A turn waits at most this long for Redis, then fails. */
const TIMEOUT_MS = 5000;

/**
 * Options shared by every connection to a data node. The bot prefers a quick, polite failure of
 * one turn to a growing queue: a command issued while the connection is down waits (the offline
 * queue), but fails after one reconnection attempt (`maxRetriesPerRequest: 1`) and in any case
 * after `commandTimeout`, so an outage never piles up work without bound.
 */
function nodeOptions(
  options: RedisClientOptions,
  credentials: { username?: string; password?: string; tls?: boolean },
) {
  return {
    maxRetriesPerRequest: 1,
    connectTimeout: TIMEOUT_MS,
    commandTimeout: TIMEOUT_MS,
    // Wait for a server that is still loading its data set before sending commands.
    enableReadyCheck: true,
    // Commands issued in the same tick go out in one write: with many turns in flight, the
    // socket writes per turn drop (the end-to-end bench measured ~325 µs of client CPU per turn
    // without it against ~131 µs for the recipe's client).
    enableAutoPipelining: true,
    ...definedOnly({
      connectionName: options.connectionName,
      username: credentials.username,
      password: credentials.password,
      tls: credentials.tls ? {} : undefined,
    }),
  } satisfies RedisOptions;
}

/**
 * Creates the client for a target and starts connecting (`lazyConnect: false`). The caller owns
 * it: pass it to `RedisMemoryStore` and `quit()` it at shutdown. An 'error' listener is always
 * attached (`onError` or a no-op); failures reach callers as rejected commands.
 *
 * - Standalone and Sentinel: offline queue on, `retryStrategy` as {@link backoff}; see
 *   {@link nodeOptions} for why a command waits at most one retry or 5 s. Sentinel resolves the
 *   master on every (re)connect, and a `READONLY` reply (a demoted master) reconnects to the new
 *   one and resends the command, which was refused and so not executed.
 * - Cluster: reads and writes go to masters (`scaleReads: 'master'`): a load must see the turn
 *   written just before. The cluster-level offline queue is OFF: ioredis keeps commands issued
 *   while the whole cluster is unreachable in that queue without any timeout (neither
 *   `commandTimeout` nor `maxRetriesPerRequest` applies there), so they fail at once instead;
 *   a node that is reconnecting still queues with the per-node bounds above. Hence call
 *   `RedisMemoryStore.init()`, which waits for the cluster to be ready, before the first turn.
 */
export function createRedisClient(
  target: RedisTarget,
  options: RedisClientOptions = {},
): Redis | Cluster {
  const onError = options.onError ?? (() => {});
  switch (target.kind) {
    case 'standalone': {
      const client = new Redis(target.url, {
        ...nodeOptions(options, {}),
        enableOfflineQueue: true,
        retryStrategy: backoff,
        lazyConnect: false,
      });
      client.on('error', onError);
      return client;
    }
    case 'sentinel': {
      const client = new Redis({
        ...nodeOptions(options, target),
        sentinels: target.sentinels,
        name: target.name,
        ...definedOnly({ sentinelPassword: target.sentinelPassword, db: target.db }),
        ...(target.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
        // While no sentinel answers, the client keeps asking them with this back-off; commands
        // issued meanwhile fail after `commandTimeout`.
        sentinelRetryStrategy: backoff,
        sentinelCommandTimeout: TIMEOUT_MS,
        reconnectOnError: (err) => (err.message.includes('READONLY') ? 2 : false),
        enableOfflineQueue: true,
        retryStrategy: backoff,
        lazyConnect: false,
      });
      client.on('error', onError);
      return client;
    }
    case 'cluster': {
      const clusterOptions: ClusterOptions = {
        redisOptions: nodeOptions(options, target),
        clusterRetryStrategy: backoff,
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        // Ready only once CLUSTER INFO says cluster_state:ok.
        enableReadyCheck: true,
        scaleReads: 'master',
        // CLUSTER SLOTS over TLS or a busy network can exceed the 1 s default.
        slotsRefreshTimeout: 2000,
        lazyConnect: false,
        // With TLS, connect by the names given so certificates match (ioredis' advice for
        // managed clusters such as ElastiCache); no natMap: nodes must announce reachable
        // addresses (cluster-announce-ip) when behind NAT.
        ...(target.tls
          ? {
              dnsLookup: (address: string, callback: (err: null, address: string) => void) =>
                callback(null, address),
            }
          : {}),
      };
      const client = new Cluster(target.nodes, clusterOptions);
      client.on('error', onError);
      client.on('node error', onError);
      return client;
    }
  }
}
