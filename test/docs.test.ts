import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../src/config.js';

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

describe('documentation of the configuration', () => {
  const example = read('.env.example');
  const exampleVariables = [...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
  const readme = read('README.md');
  const readmeTable = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)`/gm)].map((m) => m[1]!);

  it('lists every variable the bot reads in .env.example, once, and nothing else', () => {
    expect([...exampleVariables].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('documents every variable in the README configuration table, and nothing else', () => {
    expect([...new Set(readmeTable)].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('gives in the README the defaults .env.example gives', () => {
    const readmeDefaults = new Map(
      [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` +\|.*\| (.+?) +\|$/gm)].map((m) => [
        m[1]!,
        m[2]!,
      ]),
    );
    for (const [, name, value] of example.matchAll(/^([A-Z][A-Z0-9_]+)=(.+)$/gm)) {
      expect(readmeDefaults.get(name!), name).toContain(`\`${value}\``);
    }
  });

  it('gives in .env.example the defaults the code applies', async () => {
    const { parseConfig } = await import('../src/config.js');
    const withExample = Object.fromEntries(
      [...example.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    const key = { OPENAI_API_KEY: 'sk-x' };
    expect(parseConfig({ ...withExample, ...key })).toEqual(parseConfig(key));
  });
});
