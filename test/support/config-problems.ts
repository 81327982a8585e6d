import { expect } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

/** The message of the `ConfigError` an environment is refused with; fails when it is accepted. */
export function configProblems(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}
