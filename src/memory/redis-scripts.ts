import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';

type Reply = string | number | null | Reply[];

/** The scripts, registered with `defineCommand`: ioredis sends EVALSHA, or EVAL once per connection. */
export interface ScriptCommands {
  chatmemLoad(...args: (string | number)[]): Promise<Reply>;
  chatmemReleaseLease(lease: string, owner: string): Promise<Reply>;
  chatmemAppend(...args: (string | number)[]): Promise<Reply>;
  chatmemCommitSummary(...args: (string | number)[]): Promise<Reply>;
  chatmemForgetSession(...args: (string | number)[]): Promise<Reply>;
  chatmemForgetUser(...args: (string | number)[]): Promise<Reply>;
  chatmemApplyFacts(...args: (string | number)[]): Promise<Reply>;
  chatmemAddUsage(...args: (string | number)[]): Promise<Reply>;
  chatmemSetModel(...args: (string | number)[]): Promise<Reply>;
}

const SCRIPTS = {
  chatmemLoad: { file: 'load.lua', keys: 9 },
  chatmemReleaseLease: { file: 'release-lease.lua', keys: 1 },
  chatmemAppend: { file: 'append-turn.lua', keys: 9 },
  chatmemCommitSummary: { file: 'commit-summary.lua', keys: 5 },
  chatmemForgetSession: { file: 'forget-session.lua', keys: 5 },
  chatmemForgetUser: { file: 'forget-user.lua', keys: 4 },
  chatmemApplyFacts: { file: 'apply-facts.lua', keys: 5 },
  chatmemAddUsage: { file: 'add-usage.lua', keys: 2 },
  chatmemSetModel: { file: 'set-model.lua', keys: 1 },
} as const satisfies Record<keyof ScriptCommands, { file: string; keys: number }>;

function readScript(file: string): string {
  return readFileSync(new URL(`./scripts/${file}`, import.meta.url), 'utf8');
}

/** Registers the scripts on the client (once per client) and returns it as their caller. */
export function defineScripts(redis: Redis | Cluster): ScriptCommands {
  for (const [name, { file, keys }] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: keys, lua: readScript(file) });
  }
  return redis as unknown as ScriptCommands;
}

/**
 * Loads every script into the server's cache, so the first turn costs two round trips like every
 * other. Scripts are cached per node, and a cluster client sends SCRIPT LOAD to one node only, so
 * on a cluster they go to every master once it is ready (its client queues nothing before). A
 * master added or promoted later gets a script by EVAL on first use, still one round trip.
 */
export async function loadScripts(redis: Redis | Cluster): Promise<void> {
  const sources = Object.values(SCRIPTS).map(({ file }) => readScript(file));
  if (!isCluster(redis)) {
    await Promise.all(sources.map((lua) => redis.script('LOAD', lua)));
    return;
  }
  await clusterReady(redis);
  await Promise.all(
    redis.nodes('master').flatMap((node) => sources.map((lua) => node.script('LOAD', lua))),
  );
}

function isCluster(redis: Redis | Cluster): redis is Cluster {
  return redis.isCluster;
}

/**
 * How long `loadScripts` waits for a Redis Cluster to become ready: several of the client's 5 s
 * connection attempts, then start-up fails with the last error instead of waiting forever.
 */
const CLUSTER_READY_TIMEOUT_MS = 15_000;

function clusterReady(cluster: Cluster): Promise<void> {
  if (cluster.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (err: Error) => (lastError = err);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      cluster.off('ready', onReady);
      cluster.off('end', onEnd);
      cluster.off('error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => finish();
    const onEnd = () =>
      finish(new Error('the Redis Cluster client was closed before it was ready'));
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `Redis Cluster not ready after ${CLUSTER_READY_TIMEOUT_MS / 1000} s ` +
              `(status ${cluster.status}${lastError ? `, last error: ${lastError.message}` : ''}); ` +
              'check that the cluster nodes are reachable and report cluster_state:ok',
          ),
        ),
      CLUSTER_READY_TIMEOUT_MS,
    );
    cluster.on('ready', onReady);
    cluster.on('end', onEnd);
    cluster.on('error', onError);
    if (cluster.status === 'end') onEnd();
    // A lazily connecting client (`lazyConnect: true`) starts here; errors arrive as events.
    else if (cluster.status === 'wait') cluster.connect().catch(() => {});
  });
}
