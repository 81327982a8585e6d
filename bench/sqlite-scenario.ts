import { mkdtempSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Redis } from 'ioredis';
import { OursSide, ourRedis } from './ours.js';
import { memoryUsage } from './redis-env.js';
import {
  freshSessions,
  load,
  measureThroughput,
  warmUp,
  type BenchContext,
  type ThroughputRow,
} from './scenarios.js';
import type { Side } from './side.js';
import { SqliteSide } from './sqlite-side.js';

export const SQLITE = 'ours, SQLite store';
export const SQLITE_BUFFERED = 'ours, SQLite store + write buffer (as src/app.ts)';
export const SQLITE_REDIS = 'ours, Redis store';
/** Sessions in flight of the throughput comparison, the figure issue 12 asks for. */
export const SQLITE_CONCURRENCY = 50;
/** Repetitions of each configuration, interleaved; the fastest is reported. */
export const SQLITE_RUNS = 3;
/** The bytes-per-session runs: this many sessions of `DISK_TURNS` turns, all in flight. */
export const DISK_SESSIONS = 50;
export const DISK_TURNS = 200;

export interface SqliteThroughputRow extends ThroughputRow {
  /** CPU of the Redis server per turn (its INFO cpu; shared with other clients: indicative). */
  readonly serverCpuMsPerTurn?: number;
}

export interface FileSizes {
  readonly db: number;
  readonly wal: number;
  readonly shm: number;
}

export interface TableBytes {
  readonly name: string;
  readonly bytes: number;
  /** Bytes of row data in those pages, the rest being headers and free space. */
  readonly payload: number;
}

export interface SqliteDisk {
  readonly pace: Pace;
  readonly fileSystem: string;
  /** The schema alone, after a checkpoint. */
  readonly empty: FileSizes;
  readonly beforeCheckpoint: FileSizes;
  readonly afterCheckpoint: FileSizes;
  /** `PRAGMA wal_checkpoint(TRUNCATE)`: 1 if a reader kept it from finishing. */
  readonly checkpointBusy: number;
  readonly pageSize: number;
  readonly freelistPages: number;
  /** The most pages in use (not free) seen during the run, sampled every 100 ms, in bytes. */
  readonly peakLiveBytes: number;
  readonly byTable: readonly TableBytes[];
  readonly storedMessages: number;
  readonly seconds: number;
}

export interface SqliteResults {
  readonly throughput: readonly SqliteThroughputRow[];
  /** The paced run (the figure to compare) and the flood run. */
  readonly disk: SqliteDisk;
  readonly flood: SqliteDisk;
  /** The paced run on the Redis store: `MEMORY USAGE` of every key it left. */
  readonly redisDisk: { readonly bytes: number; readonly keys: number };
}

/**
 * Issue 12's figures of the SQLite store, next to ours on Redis in the same run: turns/s and
 * latency at 50 sessions in flight (section 2's workload, the three configurations interleaved),
 * then bytes per session after `DISK_TURNS` turns, on disk (paced and flooded) and in Redis
 * (paced). Files live in a temporary
 * directory removed at the end; `track` registers what must be closed also on failure.
 */
export async function measureSqlite(
  ctx: BenchContext,
  redis: { readonly url: string; readonly prefix: string; readonly ours: OursSide },
  track: (close: () => Promise<unknown>) => void,
): Promise<SqliteResults> {
  const dir = mkdtempSync(join(tmpdir(), 'chatmem-bench-sqlite-'));
  track(async () => rmSync(dir, { recursive: true, force: true }));
  const open = async (file: string, buffered: boolean) => {
    const side = await SqliteSide.create(join(dir, file), ctx.texts, ctx.tokens, { buffered });
    track(() => side.close());
    return side;
  };
  const bare = await open('bare.db', false);
  const buffered = await open('buffered.db', true);
  const configs: [string, Side][] = [
    [SQLITE_REDIS, redis.ours],
    [SQLITE, bare],
    [SQLITE_BUFFERED, buffered],
  ];
  for (const [, side] of configs) await warmUp(ctx, side);
  const runs = new Map<string, SqliteThroughputRow[]>();
  for (let run = 1; run <= SQLITE_RUNS; run++) {
    for (const [label, side] of configs) {
      const cpuBefore = side === redis.ours ? await serverCpuMs(ctx.admin) : undefined;
      const row: SqliteThroughputRow = await measureThroughput(
        ctx,
        label,
        side,
        SQLITE_CONCURRENCY,
      );
      const measured =
        cpuBefore === undefined
          ? row
          : {
              ...row,
              serverCpuMsPerTurn: ((await serverCpuMs(ctx.admin)) - cpuBefore) / row.turns,
            };
      runs.set(label, [...(runs.get(label) ?? []), measured]);
      ctx.log(
        `  ${label.padEnd(50)} ${row.turnsPerSecond.toFixed(0).padStart(5)} turns/s, ` +
          `${row.cpuMsPerTurn.toFixed(2)} ms CPU/turn, p50 ${row.latency.p50.toFixed(2)} ms, ` +
          `p99 ${row.latency.p99.toFixed(2)} ms`,
      );
    }
  }
  const throughput = [...runs.values()].map((rows) => {
    const best = rows.reduce((a, b) => (b.turnsPerSecond > a.turnsPerSecond ? b : a));
    return { ...best, otherRuns: rows.filter((r) => r !== best).map((r) => r.turnsPerSecond) };
  });
  const disk = await measureDisk(ctx, join(dir, 'paced.db'), 'paced', track);
  const flood = await measureDisk(ctx, join(dir, 'flood.db'), 'flood', track);
  const redisDisk = await measureRedisBytes(ctx, redis, track);
  return { throughput, disk, flood, redisDisk };
}

/**
 * How the disk runs send their turns. `paced`: round after round, each session sends its next
 * turn (all in flight) and the next round starts once the side is idle (its summaries done), as
 * when people take seconds to answer: the state section 4 measures, for many sessions. `flood`:
 * each session sends its turns back to back; with a zero-latency model the summaries (2 at a
 * time, `SUMMARY_CONCURRENCY`) fall behind and the lists grow towards the hard cap first.
 */
export type Pace = 'paced' | 'flood';

async function play(ctx: BenchContext, side: Side, pace: Pace): Promise<void> {
  const sessions = freshSessions(ctx, DISK_SESSIONS);
  const question = (s: number, t: number) => ctx.texts.question(s, t);
  let ok = 0;
  if (pace === 'flood') {
    ok = (await load(side, sessions, DISK_TURNS, DISK_SESSIONS, question)).outcomes.ok;
  } else {
    for (let turn = 1; turn <= DISK_TURNS; turn++) {
      const outcomes = await Promise.all(sessions.map((s) => side.turn(s, question(s, turn))));
      ok += outcomes.filter((o) => o === 'ok').length;
      await side.idle();
    }
  }
  if (ok !== DISK_SESSIONS * DISK_TURNS) {
    throw new Error(`${pace} disk run: ${DISK_SESSIONS * DISK_TURNS - ok} turns not stored`);
  }
}

async function measureDisk(
  ctx: BenchContext,
  path: string,
  pace: Pace,
  track: (close: () => Promise<unknown>) => void,
): Promise<SqliteDisk> {
  const side = await SqliteSide.create(path, ctx.texts, ctx.tokens, { buffered: true });
  track(() => side.close());
  // A second connection, as `sqlite3` on the command line would be: checkpoints and statistics.
  const probe = new DatabaseSync(path);
  track(async () => probe.isOpen && probe.close());
  const pragma = (name: string) => Number(Object.values(probe.prepare(`PRAGMA ${name}`).get()!)[0]);
  const checkpoint = () =>
    Number(probe.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get()?.busy ?? 1);
  const pageSize = pragma('page_size');
  const live = () => (pragma('page_count') - pragma('freelist_count')) * pageSize;
  checkpoint();
  const empty = sizes(path);
  ctx.log(`  SQLite, ${pace}: ${DISK_SESSIONS} sessions × ${DISK_TURNS} turns`);
  let peakLiveBytes = live();
  const sampler = setInterval(() => (peakLiveBytes = Math.max(peakLiveBytes, live())), 100);
  const started = performance.now();
  try {
    await play(ctx, side, pace);
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  const beforeCheckpoint = sizes(path);
  const checkpointBusy = checkpoint();
  const afterCheckpoint = sizes(path);
  peakLiveBytes = Math.max(peakLiveBytes, live());
  const byTable = probe
    .prepare(
      'SELECT name, SUM(pgsize) AS bytes, SUM(payload) AS payload FROM dbstat ' +
        'GROUP BY name ORDER BY bytes DESC',
    )
    .all()
    .map((row) => ({
      name: String(row.name),
      bytes: Number(row.bytes),
      payload: Number(row.payload),
    }));
  const disk: SqliteDisk = {
    pace,
    fileSystem: fileSystemOf(path),
    empty,
    beforeCheckpoint,
    afterCheckpoint,
    checkpointBusy,
    pageSize,
    freelistPages: pragma('freelist_count'),
    peakLiveBytes,
    byTable,
    storedMessages: Number(probe.prepare('SELECT COUNT(*) AS n FROM messages').get()?.n),
    seconds,
  };
  probe.close();
  return disk;
}

/** The paced run on the Redis store, under a prefix of its own: every key it left, then deleted. */
async function measureRedisBytes(
  ctx: BenchContext,
  redis: { readonly url: string; readonly prefix: string },
  track: (close: () => Promise<unknown>) => void,
): Promise<SqliteResults['redisDisk']> {
  const prefix = `${redis.prefix}:disk`;
  const side = await OursSide.create(ourRedis(redis.url), prefix, ctx.texts, ctx.tokens);
  track(() => side.close());
  ctx.log(`  Redis, paced: ${DISK_SESSIONS} sessions × ${DISK_TURNS} turns`);
  await play(ctx, side, 'paced');
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await ctx.admin.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const bytes = await memoryUsage(ctx.admin, keys);
  if (keys.length > 0) await ctx.admin.unlink(...keys);
  return { bytes, keys: keys.length };
}

function sizes(path: string): FileSizes {
  const size = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  return { db: size(path), wal: size(`${path}-wal`), shm: size(`${path}-shm`) };
}

/** `used_cpu_user + used_cpu_sys` of the Redis server, in milliseconds. */
async function serverCpuMs(admin: Redis): Promise<number> {
  const info = await admin.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

const FILE_SYSTEMS: Record<number, string> = {
  0x01021994: 'tmpfs (memory)',
  0xef53: 'ext4',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
  0x794c7630: 'overlayfs',
};

function fileSystemOf(path: string): string {
  const type = statfsSync(path).type;
  return FILE_SYSTEMS[type] ?? `file system type 0x${type.toString(16)}`;
}
