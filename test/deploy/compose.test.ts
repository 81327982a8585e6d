import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SHUTDOWN_GRACE_MS } from '../../src/app.js';
import { CONFIG_VARIABLES } from '../../src/config.js';

/**
 * The deployment files (docker-compose.yml, Dockerfile, .dockerignore) cannot be built here, so
 * these tests read them and check what a broken deployment would get wrong: Redis without
 * persistence, a bot that starts before Redis answers, variables the bot never reads, a health
 * check on the wrong port, a root process. test/docs.test.ts checks that .env.example and the
 * README document every variable of the configuration; this file checks the compose side.
 */

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

// --- docker-compose.yml -------------------------------------------------------------------------

interface PortMapping {
  readonly published?: string;
  readonly target: string;
}

interface ComposeService {
  readonly image?: string;
  readonly build?: string | { readonly context?: string };
  readonly command?: string | readonly string[];
  readonly environment?: Readonly<Record<string, string | number | boolean | null>> | string[];
  readonly env_file?: string | readonly (string | { path: string; required?: boolean })[];
  readonly volumes?: readonly (string | { type?: string; source?: string; target: string })[];
  readonly ports?: readonly (string | number | { target: number; published?: string | number })[];
  readonly depends_on?: readonly string[] | Readonly<Record<string, { condition?: string }>>;
  readonly healthcheck?: { readonly test?: string | readonly string[]; readonly disable?: boolean };
  readonly restart?: string;
  readonly stop_grace_period?: string;
  readonly logging?: { readonly driver?: string; readonly options?: Record<string, string> };
}

interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
}

// `strict` makes duplicate keys and other YAML errors throw instead of being half-read.
const compose = parse(read('docker-compose.yml'), { strict: true }) as ComposeFile;
const redis = compose.services.redis!;
const bot = compose.services.bot!;

/** `environment:` as a map, whichever of its two syntaxes (map or `KEY=value` list) is used. */
function environmentOf(service: ComposeService): Map<string, string | undefined> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return new Map(
      environment.map((entry) => {
        const [name, ...value] = entry.split('=');
        return [name!, value.length > 0 ? value.join('=') : undefined];
      }),
    );
  }
  return new Map(
    Object.entries(environment).map(([name, value]) => [
      name,
      value === null ? undefined : String(value),
    ]),
  );
}

function envFilesOf(service: ComposeService): string[] {
  const files = service.env_file ?? [];
  return (typeof files === 'string' ? [files] : files).map((file) =>
    typeof file === 'string' ? file : file.path,
  );
}

/** Short (`[ip:]published:target[/protocol]`) and long port syntax alike. */
function portsOf(service: ComposeService): PortMapping[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') {
      return {
        target: String(port.target),
        published: port.published === undefined ? undefined : String(port.published),
      };
    }
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const target = parts.pop()!;
    return { target, published: parts.pop() };
  });
}

function namedVolumeAt(service: ComposeService, target: string): string | undefined {
  for (const volume of service.volumes ?? []) {
    const { source, type } =
      typeof volume === 'string'
        ? { source: volume.split(':')[0], type: undefined }
        : { source: volume.source, type: volume.type };
    const mountedAt = typeof volume === 'string' ? volume.split(':')[1] : volume.target;
    // A bind mount starts with . / or ~; a named volume is a plain name.
    const named =
      (type === undefined || type === 'volume') && /^[A-Za-z0-9][\w.-]*$/.test(source ?? '');
    if (mountedAt === target && named) return source;
  }
  return undefined;
}

const commandOf = (service: ComposeService) =>
  typeof service.command === 'string' ? service.command : (service.command ?? []).join(' ');

function seconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6 };
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)) {
    total += Number(amount) * units[unit!]!;
  }
  return total;
}

describe('docker-compose.yml', () => {
  it('has a redis and a bot service', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['bot', 'redis']);
  });

  it('persists Redis with an append-only file on a declared named volume', () => {
    expect(redis.image).toMatch(/^redis:7(\.|-|$)/);
    expect(commandOf(redis)).toMatch(/(^|\s)redis-server(\s|$)/);
    expect(commandOf(redis)).toMatch(/--appendonly\s+yes\b/);
    const volume = namedVolumeAt(redis, '/data');
    expect(volume, 'a named volume mounted at /data').toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });

  it('health-checks Redis, restarts it, and publishes no Redis port', () => {
    const test = redis.healthcheck?.test;
    expect(typeof test === 'string' ? test : (test ?? []).join(' ')).toMatch(/redis-cli\b.*\bping/);
    expect(redis.restart).toBe('unless-stopped');
    expect(redis.ports ?? []).toEqual([]);
  });

  it('builds the bot from this directory and starts it only once Redis is healthy', () => {
    const context = typeof bot.build === 'string' ? bot.build : bot.build?.context;
    expect(context).toMatch(/^\.\/?$/);
    expect(bot.depends_on).toMatchObject({ redis: { condition: 'service_healthy' } });
    expect(bot.restart).toBe('unless-stopped');
  });

  it('reads the settings from .env', () => {
    expect(envFilesOf(bot).map((file) => file.replace(/^\.\//, ''))).toContain('.env');
  });

  it('sets only variables the bot reads, each documented in .env.example and the README', () => {
    const example = read('.env.example');
    const exampleVariables = new Set(
      [...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!),
    );
    const readmeVariables = new Set(
      [...read('README.md').matchAll(/^\| `([A-Z][A-Z0-9_]+)`/gm)].map((m) => m[1]!),
    );
    const names = [...environmentOf(bot).keys()];
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect(CONFIG_VARIABLES, `${name} is not read by the bot`).toContain(name);
      expect(exampleVariables.has(name), `${name} is missing from .env.example`).toBe(true);
      expect(readmeVariables.has(name), `${name} is missing from the README table`).toBe(true);
    }
  });

  it('points the bot at the redis service and sets its HTTP port, whatever .env says', () => {
    // `environment:` wins over env_file, and .env.example leaves both empty (no Redis, no HTTP).
    const environment = environmentOf(bot);
    const url = new URL(environment.get('REDIS_URL') ?? 'missing:');
    expect(url.protocol).toBe('redis:');
    expect(Object.keys(compose.services)).toContain(url.hostname);
    expect(url.hostname).toBe('redis');
    expect(environment.get('HTTP_PORT')).toMatch(/^\d+$/);
  });

  it('publishes the HTTP port and gives shutdown more time than the bot takes', () => {
    const [mapping, ...others] = portsOf(bot);
    expect(others).toEqual([]);
    expect(mapping?.target).toBe(environmentOf(bot).get('HTTP_PORT'));
    expect(mapping?.published).toMatch(/^\d+$/);
    expect(seconds(bot.stop_grace_period ?? '10s')).toBeGreaterThan(SHUTDOWN_GRACE_MS / 1000);
  });

  it("leaves the bot's health check to the image", () => {
    expect(bot.healthcheck).toBeUndefined();
  });

  it("caps the bot's logs, which Docker's json-file driver would otherwise keep forever", () => {
    expect(bot.logging?.driver ?? 'json-file').toBe('json-file');
    expect(bot.logging?.options?.['max-size']).toMatch(/^\d+[kmg]$/);
    expect(Number(bot.logging?.options?.['max-file'])).toBeGreaterThanOrEqual(1);
  });
});

// --- Dockerfile ---------------------------------------------------------------------------------

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

interface Stage {
  readonly from: string;
  readonly name?: string;
  readonly instructions: readonly Instruction[];
}

/** Instructions with line continuations joined and comments dropped, grouped by stage. */
function parseDockerfile(text: string): Stage[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of text.split(/\r?\n/)) {
    // Docker drops comment lines, and blank lines, even inside a continued instruction.
    if (/^\s*#/.test(line) || (pending !== '' && line.trim() === '')) continue;
    const continued = /\\\s*$/.test(line);
    pending += continued ? line.replace(/\\\s*$/, ' ') : line;
    if (continued) continue;
    const match = /^\s*([A-Za-z]+)\s+([\s\S]*?)\s*$/.exec(pending);
    if (match) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]! });
    pending = '';
  }
  const stages: { from: string; name?: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from, as, name] = instruction.args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      stages.push({
        from: from!,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        instructions: [],
      });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`Dockerfile: ${instruction.keyword} before any FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

const argsOf = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

/** `ENV A=1 B="2"` and the old `ENV A 1`; later values win. */
function envOf(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const args of argsOf(stage, 'ENV')) {
    if (/^[A-Za-z_]\w*=/.test(args)) {
      for (const [, name, value] of args.matchAll(/([A-Za-z_]\w*)=("[^"]*"|'[^']*'|\S*)/g)) {
        env.set(name!, value!.replace(/^(["'])(.*)\1$/, '$2'));
      }
    } else {
      const [name, ...value] = args.split(/\s+/);
      env.set(name!, value.join(' '));
    }
  }
  return env;
}

/** CMD in exec form (a JSON array) or shell form, as a list of words. */
function commandWords(args: string): string[] {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
}

const stages = parseDockerfile(read('Dockerfile'));
const final = stages.at(-1)!;
const build = stages.slice(0, -1);

describe('Dockerfile', () => {
  it('builds in one stage and runs in another, both on node:24-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toMatch(/^node:24-slim(@sha256:[0-9a-f]{64})?$/);
  });

  it('compiles with all dependencies from the lockfile; the build copies the Lua scripts, writes the token tables', () => {
    const runs = build.flatMap((stage) => argsOf(stage, 'RUN')).join('\n');
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).toMatch(/\bnpm run build\b/);
    // The Redis store reads its scripts from dist/memory/scripts at run time.
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toContain('src/memory/scripts');
    expect(pkg.scripts.build).toContain('dist/memory/scripts');
    // The token counter reads dist/core/o200k_base.bin, which the compiled
    // src/write-token-tables.ts writes after tsc; without it the bot loads the ranks module.
    const steps = pkg.scripts.build!.split('&&').map((step) => step.trim());
    expect(steps).toContain('node dist/write-token-tables.js');
    expect(steps.indexOf('node dist/write-token-tables.js')).toBeGreaterThan(
      steps.findIndex((step) => step.startsWith('tsc ')),
    );
    expect(read('src/write-token-tables.ts')).toContain('TOKEN_TABLES_FILE');
  });

  it('runs with production dependencies only and the compiled program of the build stage', () => {
    const runs = argsOf(final, 'RUN').join('\n');
    expect(runs).toMatch(/\bnpm ci\b[^\n]*--omit=dev/);
    expect(runs).not.toMatch(/\bnpm (run build|start|install)\b/);
    const buildNames = build.map((stage) => stage.name).filter(Boolean);
    expect(argsOf(final, 'COPY')).toContainEqual(
      expect.stringMatching(
        new RegExp(`--from=(${buildNames.join('|')})\\s+\\S*dist/?\\s+\\S*dist`),
      ),
    );
    expect(envOf(final).get('NODE_ENV')).toBe('production');
  });

  it('runs as the non-root node user', () => {
    expect(argsOf(final, 'USER').at(-1)).toBe('node');
  });

  it('gives the node user a data directory for the SQLite store (the default without Redis)', () => {
    const runs = argsOf(final, 'RUN').join('\n');
    expect(runs).toMatch(/mkdir -p \/app\/data/);
    expect(runs).toMatch(/chown node:node \/app\/data/);
    expect(argsOf(final, 'VOLUME').join(' ')).toContain('/app/data');
  });

  it("starts node dist/main.js directly, with the image's Node and npm start's flags, and stops on SIGTERM", () => {
    const command = argsOf(final, 'CMD');
    expect(command).toHaveLength(1);
    // Not `npm start` (its prestart build needs dev dependencies), not node_modules/.bin/node,
    // but its command with the same Node flags, if any: the image is what most operators run.
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const start = pkg.scripts.start!.split(/\s+/);
    expect(start[0]).toBe('node');
    expect(start.at(-1)).toBe('dist/main.js');
    expect(commandWords(command[0]!)).toEqual(start);
    expect(argsOf(final, 'ENTRYPOINT')).toEqual([]);
    expect(argsOf(final, 'STOPSIGNAL')).toEqual(['SIGTERM']);
  });

  it('health-checks /healthz with node on the port that compose maps and HTTP_PORT sets', () => {
    const [healthcheck, ...more] = argsOf(final, 'HEALTHCHECK');
    expect(more).toEqual([]);
    const check = /\bCMD\s+([\s\S]*)$/.exec(healthcheck ?? '')?.[1] ?? '';
    expect(check).toMatch(/^(\["node"|node\b)/);
    const url =
      /http:\/\/(127\.0\.0\.1|localhost):(\d+|\$\{HTTP_PORT\}|\$HTTP_PORT)\/healthz\b/.exec(check);
    expect(url, 'an http://127.0.0.1:<port>/healthz URL').not.toBeNull();
    const image = envOf(final);
    const portVariable = url![2]!.startsWith('$');
    // ${HTTP_PORT} is expanded by the shell at run time: the exec form would send it literally.
    if (portVariable) expect(check.startsWith('[')).toBe(false);
    const imagePort = portVariable ? image.get('HTTP_PORT') : url![2];

    const composePort = environmentOf(bot).get('HTTP_PORT');
    expect(image.get('HTTP_PORT')).toMatch(/^\d+$/);
    expect(imagePort).toBe(image.get('HTTP_PORT'));
    expect(composePort).toBe(image.get('HTTP_PORT'));
    expect(portsOf(bot).map((port) => port.target)).toEqual([composePort]);
    expect(argsOf(final, 'EXPOSE').flatMap((args) => args.split(/\s+/))).toContain(composePort);
  });
});

describe('.dockerignore', () => {
  it('keeps secrets, local memory, dependencies and build output out of the build context', () => {
    const entries = read('.dockerignore')
      .split(/\r?\n/)
      .map((line) => line.trim().replace(/^\/|\/$/g, ''))
      .filter((line) => line && !line.startsWith('#'));
    for (const entry of ['.env', 'data', 'node_modules', 'dist', '.git', 'coverage']) {
      expect(entries).toContain(entry);
    }
  });
});
