import { isIPv4, isIPv6 } from 'node:net';
import { redactCredentials } from './redact.js';

/**
 * Where the memory lives: one Redis (`REDIS_URL`), a Sentinel-managed master
 * (`REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`) or a Redis Cluster (`REDIS_CLUSTER_NODES`).
 * Every key of a user shares one hash tag, so all three work with the same scripts. Plain data:
 * the configuration produces it, `src/memory/redis-client.ts` connects to it.
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
  url?: string | undefined;
  /** `REDIS_SENTINELS`: `host:port,host:port`, IPv6 as `[addr]:port`. */
  sentinels?: string | undefined;
  /** `REDIS_SENTINEL_NAME`. */
  sentinelName?: string | undefined;
  /** `REDIS_CLUSTER_NODES`: `host:port,host:port`, IPv6 as `[addr]:port`. */
  clusterNodes?: string | undefined;
}

/**
 * The target (`undefined`: none configured, the embedded store is used), or every problem that
 * prevents it. Each problem names its variable and says how to fix it; none echoes a credential.
 */
export type RedisTargetResult =
  | { readonly target: RedisTarget | undefined; readonly problems: readonly [] }
  | { readonly target?: undefined; readonly problems: readonly [string, ...string[]] };

const SENTINELS_EXAMPLE = '"10.0.0.1:26379,10.0.0.2:26379,[fd00::3]:26379"';
const CLUSTER_EXAMPLE = '"10.0.0.1:6379,10.0.0.2:6379,[fd00::3]:6379"';
const URL_EXAMPLE = 'redis://:password@localhost:6379/0 (rediss:// for TLS)';
const PERCENT_ENCODING =
  'percent-encode special characters of the user name and password (% as %25, / as %2F, ' +
  '@ as %40, : as %3A, # as %23, ? as %3F)';

const blankToUndefined = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

/**
 * Turns the Redis configuration into a target. Pure.
 *
 * Precedence: `clusterNodes` > `sentinels` > `url`. With Sentinel or Cluster, `url` may still
 * carry the password, ACL user, database and TLS (`rediss://:pass@ignored-host/2`), and for
 * Sentinel a `?sentinelPassword=` — its host and port are ignored.
 */
export function parseRedisTarget(input: RedisTargetInput): RedisTargetResult {
  const problems: string[] = [];
  const report = (problem: string) => void problems.push(problem);
  const target = resolve(input, report);
  const [first, ...more] = problems;
  return first === undefined ? { target, problems: [] } : { problems: [first, ...more] };
}

function resolve(
  input: RedisTargetInput,
  report: (problem: string) => void,
): RedisTarget | undefined {
  const url = blankToUndefined(input.url);
  const sentinels = blankToUndefined(input.sentinels);
  const sentinelName = blankToUndefined(input.sentinelName);
  const clusterNodes = blankToUndefined(input.clusterNodes);
  const settings = url === undefined ? undefined : parseUrl(url, report);

  if (clusterNodes !== undefined) {
    if (settings?.db !== undefined && settings.db !== 0) {
      report(
        `Redis Cluster has only database 0, but REDIS_URL selects database ${settings.db}: ` +
          'remove the /<db> from REDIS_URL (REDIS_KEY_PREFIX keeps bots apart instead).',
      );
    }
    return {
      kind: 'cluster',
      nodes: parseHostPorts(clusterNodes, 'REDIS_CLUSTER_NODES', CLUSTER_EXAMPLE, report),
      ...definedOnly({
        username: settings?.username,
        password: settings?.password,
        tls: settings?.tls || undefined,
      }),
    };
  }
  if (sentinels !== undefined) {
    const nodes = parseHostPorts(sentinels, 'REDIS_SENTINELS', SENTINELS_EXAMPLE, report);
    if (sentinelName === undefined) {
      report(
        'REDIS_SENTINEL_NAME must be set with REDIS_SENTINELS: the name of the master group the ' +
          'sentinels watch (their "sentinel monitor <name> …" line), e.g. mymaster.',
      );
    } else if (/\s/.test(sentinelName)) {
      report(`REDIS_SENTINEL_NAME must be one word, e.g. mymaster; got "${sentinelName}".`);
    }
    return {
      kind: 'sentinel',
      sentinels: nodes,
      name: sentinelName ?? '',
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
    report(
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

/**
 * Echoes no more of the URL than its scheme, or, when it has user info, the URL with that masked
 * (the rest of a mangled value could be a password typed in the wrong place).
 */
function parseUrl(url: string, report: (problem: string) => void): UrlSettings | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1];
  if (scheme === undefined || !/^rediss?$/i.test(scheme)) {
    const not = scheme === undefined ? '' : `, not ${scheme}://`;
    report(`REDIS_URL must start with redis:// or rediss://${not}, e.g. ${URL_EXAMPLE}.`);
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const got = url.includes('@') ? ` (got ${JSON.stringify(redactCredentials(url))})` : '';
    report(`REDIS_URL is not a valid URL${got}: ${PERCENT_ENCODING}, e.g. ${URL_EXAMPLE}.`);
    return undefined;
  }
  const path = /^\/?(\d*)$/.exec(parsed.pathname);
  if (!path) {
    report(`REDIS_URL's path must be a database number, e.g. ${URL_EXAMPLE}.`);
    return undefined;
  }
  let username: string | undefined;
  let password: string | undefined;
  try {
    username = parsed.username ? decodeURIComponent(parsed.username) : undefined;
    password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  } catch {
    // decodeURIComponent's own message ("URI malformed") names neither the variable nor the fix.
    report(`REDIS_URL's user name or password is not valid percent-encoding: ${PERCENT_ENCODING}.`);
    return undefined;
  }
  return {
    ...definedOnly({
      username,
      password,
      sentinelPassword: parsed.searchParams.get('sentinelPassword') ?? undefined,
      db: path[1] ? Number(path[1]) : undefined,
    }),
    tls: parsed.protocol === 'rediss:',
  };
}

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/;

/** Reports each malformed entry; never echoes the credentials an entry may wrongly carry. */
function parseHostPorts(
  value: string,
  variable: string,
  example: string,
  report: (problem: string) => void,
): { host: string; port: number }[] {
  const fail = (why: string) =>
    report(`${variable} must be host:port pairs separated by commas, e.g. ${example}; ${why}.`);
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) fail('it lists none');
  const nodes: { host: string; port: number }[] = [];
  for (const entry of entries) {
    const shown = JSON.stringify(redactCredentials(entry));
    if (entry.includes('@') || entry.includes('://')) {
      fail(
        `${shown} is not one: give only host and port here, and a password in REDIS_URL ` +
          '(redis://:password@any-host; its host is then ignored)',
      );
      continue;
    }
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(entry);
    if (!match) {
      fail(
        entry.split(':').length > 2
          ? `${shown} is not one (put IPv6 addresses in brackets: [fd00::1]:6379)`
          : `${shown} is not one`,
      );
      continue;
    }
    const [, ipv6, name, portText] = match;
    const host = ipv6 ?? name!;
    const port = Number(portText);
    if (ipv6 !== undefined ? !isIPv6(ipv6) : !(isIPv4(host) || HOSTNAME.test(host))) {
      fail(`"${host}" in ${shown} is not a host name or IP address`);
    } else if (port < 1 || port > 65_535) {
      fail(`the port in ${shown} is not between 1 and 65535`);
    } else {
      nodes.push({ host, port });
    }
  }
  return nodes;
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
