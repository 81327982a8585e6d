import { isIPv4, isIPv6 } from 'node:net';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/**
 * Where the memory lives: one Redis (`REDIS_URL`), a Sentinel-managed master
 * (`REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`) or a Redis Cluster (`REDIS_CLUSTER_NODES`).
 * Every key of a user shares one hash tag, so all three work with the same scripts.
 */
export type RedisTarget =
  | { kind: 'standalone'; url: string }
  | {
      kind: 'sentinel';
      sentinels: { host: string; port: number }[];
      /** The master group the sentinels watch (`sentinel monitor <name> …`). */
      name: string;
      /** ACL user of the data nodes (Redis 6+); the default user when absent. */
      username?: string;
      password?: string;
      sentinelPassword?: string;
      db?: number;
      /** TLS to the sentinels and to the master alike. */
      tls?: boolean;
    }
  | {
      kind: 'cluster';
      /** Seed nodes; the client discovers the others with CLUSTER SLOTS. */
      nodes: { host: string; port: number }[];
      username?: string;
      password?: string;
      tls?: boolean;
    };

/** The raw configuration values; empty or blank strings count as unset. */
export interface RedisTargetInput {
  /** `REDIS_URL`. With Sentinel or Cluster its host is ignored; credentials, db and TLS count. */
  url?: string;
  /** `REDIS_SENTINELS`: `host:port,host:port`, IPv6 as `[addr]:port`. */
  sentinels?: string;
  /** `REDIS_SENTINEL_NAME`. */
  sentinelName?: string;
  /** `REDIS_CLUSTER_NODES`: `host:port,host:port`, IPv6 as `[addr]:port`. */
  clusterNodes?: string;
}

export interface RedisClientOptions {
  /**
   * Receives every connection error (for a Cluster also each node's). Without it errors are
   * swallowed; either way ioredis never prints "Unhandled error event". Commands still reject.
   */
  onError?: (err: Error) => void;
  /** Sent as CLIENT SETNAME, so the bot's connections stand out in CLIENT LIST. */
  connectionName?: string;
}

const SENTINELS_EXAMPLE = '"10.0.0.1:26379,10.0.0.2:26379,[fd00::3]:26379"';
const CLUSTER_EXAMPLE = '"10.0.0.1:6379,10.0.0.2:6379,[fd00::3]:6379"';
const URL_EXAMPLE = 'redis://:password@localhost:6379/0 (rediss:// for TLS)';

const blankToUndefined = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

/**
 * Turns the Redis configuration into a target, or `undefined` when none is set (the embedded
 * in-process store is used then). Pure; throws an Error naming the variable on malformed input.
 *
 * Precedence: `clusterNodes` > `sentinels` > `url`. With Sentinel or Cluster, `url` may still
 * carry the password, ACL user, database and TLS (`rediss://:pass@ignored-host/2`), and for
 * Sentinel a `?sentinelPassword=` — its host and port are ignored.
 */
export function parseRedisTarget(input: RedisTargetInput): RedisTarget | undefined {
  const url = blankToUndefined(input.url);
  const sentinels = blankToUndefined(input.sentinels);
  const sentinelName = blankToUndefined(input.sentinelName);
  const clusterNodes = blankToUndefined(input.clusterNodes);
  const settings = url === undefined ? undefined : parseUrl(url);

  if (clusterNodes !== undefined) {
    if (settings?.db !== undefined && settings.db !== 0) {
      throw new Error(
        `Redis Cluster has only database 0, but REDIS_URL selects database ${settings.db}: ` +
          'remove the /<db> from REDIS_URL (REDIS_KEY_PREFIX keeps bots apart instead).',
      );
    }
    return {
      kind: 'cluster',
      nodes: parseHostPorts(clusterNodes, 'REDIS_CLUSTER_NODES', CLUSTER_EXAMPLE),
      ...definedOnly({
        username: settings?.username,
        password: settings?.password,
        tls: settings?.tls || undefined,
      }),
    };
  }
  if (sentinels !== undefined) {
    if (sentinelName === undefined) {
      throw new Error(
        'REDIS_SENTINEL_NAME must be set with REDIS_SENTINELS: the name of the master group the ' +
          'sentinels watch (their "sentinel monitor <name> …" line), e.g. mymaster.',
      );
    }
    if (/\s/.test(sentinelName)) {
      throw new Error(
        `REDIS_SENTINEL_NAME must be one word, e.g. mymaster; got "${sentinelName}".`,
      );
    }
    return {
      kind: 'sentinel',
      sentinels: parseHostPorts(sentinels, 'REDIS_SENTINELS', SENTINELS_EXAMPLE),
      name: sentinelName,
      ...definedOnly({
        username: settings?.username,
        password: settings?.password,
        sentinelPassword: settings?.sentinelPassword,
        db: settings?.db,
        tls: settings?.tls || undefined,
      }),
    };
  }
  if (sentinelName !== undefined) {
    throw new Error(
      `REDIS_SENTINEL_NAME is set but REDIS_SENTINELS is not: list the sentinels as host:port ` +
        `pairs separated by commas, e.g. ${SENTINELS_EXAMPLE}, or unset REDIS_SENTINEL_NAME.`,
    );
  }
  return url === undefined ? undefined : { kind: 'standalone', url };
}

interface UrlSettings {
  username?: string;
  password?: string;
  sentinelPassword?: string;
  db?: number;
  tls: boolean;
}

/** Never echoes the URL: it may hold a password. */
function parseUrl(url: string): UrlSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`REDIS_URL must be a redis:// or rediss:// URL, e.g. ${URL_EXAMPLE}.`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(
      `REDIS_URL must start with redis:// or rediss://, not ${parsed.protocol}//, e.g. ${URL_EXAMPLE}.`,
    );
  }
  const path = /^\/?(\d*)$/.exec(parsed.pathname);
  if (!path) {
    throw new Error(`REDIS_URL's path must be a database number, e.g. ${URL_EXAMPLE}.`);
  }
  const decode = (value: string | null) => (value ? decodeURIComponent(value) : undefined);
  return definedOnly({
    username: decode(parsed.username),
    password: decode(parsed.password),
    sentinelPassword: parsed.searchParams.get('sentinelPassword') ?? undefined,
    db: path[1] ? Number(path[1]) : undefined,
    tls: parsed.protocol === 'rediss:',
  }) as UrlSettings;
}

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/;

function parseHostPorts(
  value: string,
  variable: string,
  example: string,
): { host: string; port: number }[] {
  const fail = (why: string): never => {
    throw new Error(
      `${variable} must be host:port pairs separated by commas, e.g. ${example}; ${why}.`,
    );
  };
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) fail('it lists none');
  return entries.map((entry) => {
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(entry);
    if (!match) {
      return fail(
        entry.split(':').length > 2
          ? `"${entry}" is not one (put IPv6 addresses in brackets: [fd00::1]:6379)`
          : `"${entry}" is not one`,
      );
    }
    const [, ipv6, name, portText] = match;
    const host = ipv6 ?? name!;
    if (ipv6 !== undefined ? !isIPv6(ipv6) : !(isIPv4(host) || HOSTNAME.test(host))) {
      fail(`"${host}" in "${entry}" is not a host name or IP address`);
    }
    const port = Number(portText);
    if (port < 1 || port > 65_535) fail(`the port in "${entry}" is not between 1 and 65535`);
    return { host, port };
  });
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
