import type { ConversationResult, ThroughputRow } from './scenarios.js';
import {
  DISK_SESSIONS,
  DISK_TURNS,
  SQLITE,
  SQLITE_BUFFERED,
  SQLITE_CONCURRENCY,
  SQLITE_REDIS,
  SQLITE_RUNS,
  type SqliteResults,
  type SqliteThroughputRow,
} from './sqlite-scenario.js';
import { int, ms, ratio, table } from './stats.js';
import type { SqliteDisk } from './sqlite-scenario.js';

const kib = (bytes: number) =>
  `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} KiB`;

/**
 * Section 7 of Part 2: the SQLite store against ours on Redis, measured in the same run.
 * `redisSection2` is section 2's row of ours at the same concurrency, `redisConversation` the
 * single session of section 4.
 */
export function renderSqlite(
  s: SqliteResults,
  redisSection2: ThroughputRow | undefined,
  redisConversation: ConversationResult,
): string[] {
  const find = (label: string) => s.throughput.find((t) => t.label === label)!;
  const redis = find(SQLITE_REDIS);
  const bare = find(SQLITE);
  const buffered = find(SQLITE_BUFFERED);
  const cpuWithServer = (t: SqliteThroughputRow) => t.cpuMsPerTurn + (t.serverCpuMsPerTurn ?? 0);
  const tpRow = (t: SqliteThroughputRow) => [
    t.label,
    int(t.turnsPerSecond),
    t.otherRuns.map(int).join(', '),
    t.cpuMsPerTurn.toFixed(2),
    t.serverCpuMsPerTurn === undefined ? '–' : t.serverCpuMsPerTurn.toFixed(2),
    ms(t.latency.p50),
    ms(t.latency.p99),
    ms(t.latency.mean),
    t === redis ? '' : ratio(t.turnsPerSecond / redis.turnsPerSecond),
    t === redis ? '' : ratio(t.latency.p99 / redis.latency.p99),
  ];

  return [
    '## 7. The SQLite store (issue 12)',
    `Ours with \`SqliteMemoryStore\` (Node's built-in \`node:sqlite\`; WAL, \`synchronous=NORMAL\`, ` +
      'as `src/memory/sqlite/sqlite-open.ts` opens it) in a file of its own in a temporary ' +
      `directory on ${s.disk.fileSystem}, with the fake models, settings and TTL of the Redis side. ` +
      'Throughput: the workload of section 2 (the same 200 conversations of 20 turns) at ' +
      `${SQLITE_CONCURRENCY} sessions in flight, three configurations one after the other, ` +
      `${SQLITE_RUNS} rounds, each side warmed up first; the fastest run of each is shown with ` +
      'the turns/s of the others. "Ours, Redis store" is the side of section 2, measured again ' +
      'here between the SQLite runs so the comparison sees the same machine load. `src/app.ts` ' +
      'wraps the Redis and SQLite stores in `BufferedMemoryStore` (the outage buffer); the bare ' +
      "row is wired like the Redis side, the buffered row as the bot runs. SQLite's work happens " +
      "inside the bench process and counts in its CPU column; Redis's happens in the Redis " +
      'server, shown apart ' +
      '(`INFO cpu` of a server other programs may use too: indicative).',
    table(
      [
        'configuration',
        'turns/s (best run)',
        'other runs',
        'CPU ms/turn, bench process',
        'Redis server CPU ms/turn',
        'p50 ms',
        'p99 ms',
        'mean ms',
        'turns/s vs Redis',
        'p99 vs Redis',
      ],
      [redis, bare, buffered].map(tpRow),
    ),
    `At ${SQLITE_CONCURRENCY} sessions in flight the SQLite store, as the bot runs it, answered ` +
      `**${int(buffered.turnsPerSecond)} turns/s** with p50 ${ms(buffered.latency.p50)} ms and ` +
      `**p99 ${ms(buffered.latency.p99)} ms**, against ${int(redis.turnsPerSecond)} turns/s and ` +
      `p99 ${ms(redis.latency.p99)} ms on Redis` +
      (redisSection2
        ? ` (section 2 measured ours on Redis at ${int(redisSection2.turnsPerSecond)} turns/s, ` +
          `p99 ${ms(redisSection2.latency.p99)} ms, earlier in this run). `
        : '. ') +
      `CPU per turn, store included: SQLite ${cpuWithServer(buffered).toFixed(2)} ms in one ` +
      `process, Redis ${cpuWithServer(redis).toFixed(2)} ms (${redis.cpuMsPerTurn.toFixed(2)} in ` +
      'the bot process + the server). `node:sqlite` is synchronous: each transaction (one read ' +
      'before the model, one write after, a fold per summary) runs on the event loop, so its ' +
      'time adds to every turn queued behind it, where a Redis request leaves the loop free ' +
      'while the server works. The write buffer costs ' +
      `${ratio(buffered.cpuMsPerTurn / bare.cpuMsPerTurn)} the CPU of the bare store per turn.`,
    ...renderDisk(s, redisConversation),
  ];
}

/** The file's size less the schema alone, per session: what the sessions added to the disk. */
function perSession(d: SqliteDisk, bytes = d.afterCheckpoint.db + d.afterCheckpoint.wal): number {
  return (bytes - d.empty.db - d.empty.wal) / DISK_SESSIONS;
}

function renderDisk(s: SqliteResults, redisConversation: ConversationResult): string[] {
  const { disk: paced, flood } = s;
  const runs = [paced, flood];
  const free = (d: SqliteDisk) => d.freelistPages * d.pageSize;
  const used = (d: SqliteDisk) => perSession(d, d.afterCheckpoint.db - free(d));
  const redisPerSession = s.redisDisk.bytes / DISK_SESSIONS;
  const floodSlack = free(flood) / Math.max(1, flood.afterCheckpoint.db);
  return [
    `**Bytes per session after ${DISK_TURNS} turns.** ${DISK_SESSIONS} sessions, each its own ` +
      `person, of ${DISK_TURNS} turns, on a fresh file with the store as the bot runs it. ` +
      '**Paced**: round after round, all sessions send their next turn at once and the next round ' +
      'starts when the summaries are done, as when people take seconds to answer (what section ' +
      '4 does for one session). **Flood**: each session sends its turns back to back; with a ' +
      'model that answers at once the summaries (2 at a time, `SUMMARY_CONCURRENCY`) fall ' +
      'behind and the lists grow towards the hard cap before they are folded. Then the WAL is ' +
      'checkpointed into the file (`PRAGMA wal_checkpoint(TRUNCATE)` from a second connection' +
      (runs.some((d) => d.checkpointBusy) ? ', **which a reader kept from finishing**' : '') +
      '). "Pages in use" is the file less its free pages; the peak was sampled every 100 ms ' +
      'during the run. The paced run also ran on the Redis store, under a prefix of its own, and ' +
      "every key it left was measured with `MEMORY USAGE … SAMPLES 0` (Redis's RAM, not a file).",
    table(
      ['', 'SQLite, paced', 'SQLite, flood', 'Redis, paced'],
      [
        [
          'before the checkpoint: file + WAL',
          ...runs.map((d) => `${kib(d.beforeCheckpoint.db)} + ${kib(d.beforeCheckpoint.wal)}`),
          '',
        ],
        [
          'after the checkpoint',
          ...runs.map((d) => `${kib(d.afterCheckpoint.db)} + ${kib(d.afterCheckpoint.wal)}`),
          `${kib(s.redisDisk.bytes)} in ${int(s.redisDisk.keys)} keys`,
        ],
        ['of which free pages', ...runs.map((d) => kib(free(d))), '–'],
        ['most pages in use during the run', ...runs.map((d) => kib(d.peakLiveBytes)), '–'],
        ['the schema alone (empty file)', ...runs.map((d) => kib(d.empty.db + d.empty.wal)), '–'],
        [
          '**per session**: the file after the checkpoint, less the empty file',
          ...runs.map((d) => `**${int(perSession(d))} B**`),
          `**${int(redisPerSession)} B**`,
        ],
        ['per session, pages in use only', ...runs.map((d) => `${int(used(d))} B`), ''],
        [
          'verbatim messages per session',
          ...runs.map((d) => (d.storedMessages / DISK_SESSIONS).toFixed(1)),
          `${redisConversation.storedMessages} (one session, section 4)`,
        ],
        ['run time', ...runs.map((d) => `${d.seconds.toFixed(1)} s`), ''],
      ],
    ),
    `Paced, SQLite / Redis per session: **${ratio(perSession(paced) / redisPerSession)}** ` +
      `(${ratio(used(paced) / redisPerSession)} counting pages in use only). Section 4 measured ` +
      `${int(redisConversation.bytes)} B for one session's own keys on Redis, without the ` +
      "person's token counters, which the figures here include. The `-shm` file " +
      `(${kib(paced.afterCheckpoint.shm)}) is the WAL's shared-memory index, not data. Free ` +
      'pages are left by messages the summaries folded away and are reused by later writes; ' +
      'the store sets no `auto_vacuum`, so a file never shrinks by itself and keeps the ' +
      `high-water mark of its busiest moment: after the flood ${(floodSlack * 100).toFixed(0)} % ` +
      `of the file was free pages (the peak in use was ${kib(flood.peakLiveBytes)}), against ` +
      `${((free(paced) / Math.max(1, paced.afterCheckpoint.db)) * 100).toFixed(0)} % after the ` +
      'paced run. Before the checkpoint the WAL held ' +
      `${kib(Math.max(paced.beforeCheckpoint.wal, flood.beforeCheckpoint.wal))}: SQLite copies ` +
      'it into the file every 1,000 pages (its default auto-checkpoint) but keeps the WAL at its ' +
      'largest size until a TRUNCATE checkpoint or the last connection closes. Paced run by ' +
      'table and index (`dbstat`):',
    table(
      ['table or index', 'bytes', 'of which row data', 'per session'],
      paced.byTable.map((t) => [
        t.name,
        int(t.bytes),
        `${int(t.payload)} (${((t.payload / Math.max(1, t.bytes)) * 100).toFixed(0)} %)`,
        t.bytes > paced.pageSize ? int(t.bytes / DISK_SESSIONS) : '–',
      ]),
    ),
  ];
}
