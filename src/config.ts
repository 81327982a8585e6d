import { config as loadDotenv } from 'dotenv';
import type { z } from 'zod';
import { shownValue } from './config/redact.js';
import { configSchema, variables } from './config/schema.js';

/**
 * The only module that reads `process.env`. The variables, their defaults and the rules between
 * them are declared once, in `config/schema.ts`; a bad value stops start-up with a message that
 * names each problem and how to fix it. Every variable is listed in `.env.example`.
 */

export type { LogLevel } from './config/schema.js';
export type { RedisTarget } from './config/redis-target.js';

/** What the program reads: derived from the schema's mapping, so it cannot drift from it. */
export type Config = z.output<typeof configSchema>;

/** Variables set by tools rather than operators (discord.js's sharding manager). */
const INTERNAL_VARIABLES = new Set(['SHARDS']);

/** Every variable an operator can set; `.env.example` and the README document each one. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(variables.shape).filter(
  (name) => !INTERNAL_VARIABLES.has(name),
);

/** Every problem of a configuration at once; no message echoes a secret. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Fix these in .env (see .env.example for every variable and its default) or in the environment.',
    );
    this.name = 'ConfigError';
  }
}

/**
 * Parses an environment (pure; `readConfig` gives it `process.env` after loading `.env`). A
 * malformed variable is reported as "<NAME> <rule> (got <value>)", the value left out for secrets
 * and shown without credentials for URLs; a rule over several variables words its own message.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      if (issue.path.length === 0) return issue.message;
      const name = String(issue.path[0]);
      return `${name} ${issue.message}${shownValue(name, env[name])}`;
    }),
  );
}

/** Loads `.env` (without overriding the real environment) and parses the result. */
export function readConfig(): Config {
  loadDotenv({ quiet: true });
  return parseConfig(process.env);
}

/**
 * For entry points: `readConfig`, or the fix-it message on standard error and exit code 1 — a
 * stack trace would only hide what to change.
 */
export function readConfigOrExit(): Config {
  try {
    return readConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
