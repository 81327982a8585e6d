import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throw-away Redis Cluster of three masters on loopback, for tests. */
export interface TestRedisCluster {
  readonly nodes: { host: string; port: number }[];
  /** Kills the servers and removes their directory; safe to call twice. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
/** The cluster bus listens on port + 10000, which must stay a valid, free port. */
const BUS_OFFSET = 10_000;
const LOWEST_PORT = 20_000;
const HIGHEST_PORT = 55_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function requireBinaries(): void {
  for (const bin of ['redis-server', 'redis-cli']) {
    const probe = spawnSync(bin, ['--version']);
    if (probe.error || probe.status !== 0) {
      throw new Error(
        `The Redis Cluster tests need ${bin} (Redis 7) on PATH. Install it with ` +
          '`sudo apt-get install redis-server` on Debian/Ubuntu (it includes redis-cli) or ' +
          '`brew install redis` on macOS; .ci/run installs it when missing.',
      );
    }
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** A port whose cluster bus port is free too, and that no port in `taken` collides with. */
async function freeClusterPort(taken: readonly number[]): Promise<number> {
  const clashes = (p: number) =>
    taken.some((t) => t === p || t === p + BUS_OFFSET || t + BUS_OFFSET === p);
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOWEST_PORT + Math.floor(Math.random() * (HIGHEST_PORT - LOWEST_PORT));
    if (clashes(port)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + BUS_OFFSET))) return port;
  }
  throw new Error(`no free port pair (p, p+${BUS_OFFSET}) found in ${LOWEST_PORT}-${HIGHEST_PORT}`);
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', HOST, '-p', String(port), ...args], {
    timeout: 5000,
  });
  return stdout;
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

interface Server {
  readonly port: number;
  readonly child: ChildProcess;
}

/**
 * Starts one cluster-enabled `redis-server` on a free port pair and waits until it answers PING.
 * A port grabbed by someone else between the check and the start only costs a retry.
 */
async function startServer(dir: string, taken: readonly number[]): Promise<Server> {
  let lastLog = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freeClusterPort(taken);
    const logFile = join(dir, `redis-${port}.log`);
    const child = spawn(
      'redis-server',
      [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '2000',
        '--port',
        String(port),
        '--bind',
        HOST,
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--logfile',
        logFile,
      ],
      { stdio: 'ignore' },
    );
    let exited = false;
    child.once('exit', () => (exited = true));
    for (let i = 0; i < 100 && !exited; i++) {
      const answer = await cli(port, 'PING').catch(() => '');
      if (answer.trim() === 'PONG') return { port, child };
      await sleep(50);
    }
    lastLog = logTail(logFile);
    child.kill('SIGKILL');
  }
  throw new Error(`redis-server did not start in cluster mode; its log ends with:\n${lastLog}`);
}

async function stopServer({ child }: Server): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts three `redis-server --cluster-enabled yes` processes in a temporary directory, joins
 * them with `redis-cli --cluster create` (three masters, no replicas) and waits until every node
 * reports `cluster_state:ok`. Takes a few seconds; give the calling hook a generous timeout.
 */
export async function startRedisCluster(): Promise<TestRedisCluster> {
  requireBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'chatmem-cluster-'));
  const servers: Server[] = [];
  // If the test process dies without calling stop(), take the servers along.
  const killAll = () => servers.forEach((s) => s.child.kill('SIGKILL'));
  process.once('exit', killAll);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killAll);
    await Promise.all(servers.map(stopServer));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i++) {
      servers.push(
        await startServer(
          dir,
          servers.map((s) => s.port),
        ),
      );
    }
    const addresses = servers.map((s) => `${HOST}:${s.port}`);
    await run(
      'redis-cli',
      ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'],
      { timeout: 30_000 },
    ).catch((err: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(
        `redis-cli --cluster create failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`,
      );
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const states = await Promise.all(
        servers.map((s) => cli(s.port, 'CLUSTER', 'INFO').catch(() => '')),
      );
      if (states.every((info) => /^cluster_state:ok\r?$/m.test(info))) break;
      if (Date.now() > deadline) {
        throw new Error(
          `the cluster did not reach cluster_state:ok in 30 s:\n${states.join('\n')}`,
        );
      }
      await sleep(100);
    }
    return { nodes: servers.map((s) => ({ host: HOST, port: s.port })), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
