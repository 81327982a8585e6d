import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Counts the requests the Redis server receives from given client connections, with MONITOR on a
 * connection of its own. A request is one command line MONITOR shows with the client's
 * `ip:port` as its source; commands a Lua script runs show up with source `lua` and are not
 * round trips, so they are left out. Other programs may use the same Redis meanwhile: filtering
 * by source address keeps their commands out of the count.
 */
export class RequestCounter {
  private readonly seen = new Map<string, string[]>();
  private marker: { text: string; resolve: () => void } | undefined;

  private constructor(private readonly monitor: Redis) {
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (this.marker && args[0]?.toLowerCase() === 'echo' && args[1] === this.marker.text) {
        this.marker.resolve();
        return;
      }
      this.seen.get(source)?.push(describe(args));
    });
  }

  /** Opens the MONITOR connection (a duplicate of `admin`). */
  static async open(admin: Redis): Promise<RequestCounter> {
    return new RequestCounter(await admin.duplicate().monitor());
  }

  /**
   * Starts recording requests from `source` (`ip:port`, see `clientAddress`) once every request
   * sent before this call has gone through the server.
   */
  async watch(admin: Redis, source: string): Promise<void> {
    await this.sync(admin);
    this.seen.set(source, []);
  }

  /**
   * The requests of `source` since `watch` or the previous `take`, in order (e.g.
   * `evalsha load.lua`, `lpush`), once everything it sent so far has gone through the server.
   */
  async take(admin: Redis, source: string): Promise<string[]> {
    await this.sync(admin);
    const requests = this.seen.get(source) ?? [];
    this.seen.set(source, []);
    return requests;
  }

  unwatch(source: string): void {
    this.seen.delete(source);
  }

  disconnect(): void {
    this.monitor.disconnect();
  }

  /**
   * MONITOR reports commands in the order the server runs them: once a marker sent from `admin`
   * comes back, every command the server received before it has been reported.
   */
  private async sync(admin: Redis): Promise<void> {
    const text = `bench-marker-${randomUUID()}`;
    const arrived = new Promise<void>((resolve) => (this.marker = { text, resolve }));
    await admin.echo(text);
    await Promise.race([
      arrived,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('MONITOR marker did not arrive')), 5000),
      ),
    ]);
    this.marker = undefined;
  }
}

const scriptNames = new Map<string, string>();
const scriptFirstLines = new Map<string, string>();

/** Names script calls, e.g. `evalsha append-turn.lua`, by SHA1 and by the script's first line. */
export function nameScript(name: string, lua: string): void {
  scriptNames.set(createHash('sha1').update(lua).digest('hex'), name);
  scriptFirstLines.set(lua.split('\n', 1)[0]!, name);
}

function describe(args: readonly string[]): string {
  const command = (args[0] ?? '?').toLowerCase();
  if (command === 'evalsha') return `evalsha ${scriptNames.get(args[1] ?? '') ?? args[1]}`;
  if (command === 'eval') {
    // MONITOR shows the script text escaped, so match its first line rather than its hash.
    const text = args[1] ?? '';
    const name = [...scriptFirstLines].find(([line]) => text.startsWith(line))?.[1];
    return `eval ${name ?? '(script)'} (full text)`;
  }
  return command;
}

/** `ip:port` of a connection, as MONITOR names it, from the `addr` field of `CLIENT INFO`. */
export function addressFromClientInfo(info: string): string {
  const addr = /(?:^|\s)addr=(\S+)/.exec(info)?.[1];
  if (!addr) throw new Error(`no addr in CLIENT INFO: ${info}`);
  return addr;
}
