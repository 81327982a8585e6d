import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layer rules of ../shared/STYLE.md are enforced by ESLint (eslint.config.js); these tests
 * prove the rules fire, so deleting or weakening one fails the build.
 */
const eslint = new ESLint({
  // Type information is irrelevant to import rules; without it, probe files need not exist.
  overrideConfig: [
    { languageOptions: { parserOptions: { projectService: false, project: null } } },
    tseslint.configs.disableTypeChecked,
  ],
});

async function rulesHit(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('layer rules', () => {
  it.each([
    ["import { Redis } from 'ioredis';"],
    ["import { Client } from 'discord.js';"],
    ["import { Bot } from 'grammy';"],
    ["import { run } from '@grammyjs/runner';"],
    ["import { RedisMemoryStore } from '../memory/redis-memory-store.js';"],
    ["import { InMemoryMemoryStore } from '../memory/in-memory-store.js';"],
    ["import { BufferedMemoryStore } from '../memory/buffered-memory-store.js';"],
    ["import { ConsolePlatform } from '../platforms/console/console-platform.js';"],
    ["import { TurnPipeline } from '../platforms/shared/turn-pipeline.js';"],
    ["import { startHttpServer } from '../http/http-server.js';"],
    ["import { readConfig } from '../config.js';"],
    ["import { createLogger } from '../logger.js';"],
    ["import { createApp } from '../app.js';"],
  ])('core/ may not %s', async (line) => {
    expect(await rulesHit('src/core/probe.ts', `${line}\nexport const x = 1;\n`)).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
  });

  it('core/ may import LangChain, its own modules and the memory port', async () => {
    const code = [
      "import type { BaseMessage } from '@langchain/core/messages';",
      "import type { MemoryStore } from './memory-port.js';",
      "import type { Turn } from './types.js';",
      'export type X = [BaseMessage, MemoryStore, Turn];',
    ].join('\n');
    expect(await rulesHit('src/core/probe.ts', code)).toEqual([]);
  });

  it.each([
    ["import 'discord.js';"],
    ["import { TelegramPlatform } from '../platforms/telegram/telegram-platform.js';"],
    ["import { ConversationService } from '../core/conversation.js';"],
    ["import { buildPrompt } from '../core/prompt.js';"],
    ["import { buildPrompt } from '../../core/prompt.js';"],
    ["import { Metrics } from '../http/metrics.js';"],
    ["import { readConfig } from '../config.js';"],
  ])('memory/ may not %s', async (line) => {
    expect(await rulesHit('src/memory/probe.ts', `${line}\nexport const x = 1;\n`)).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
  });

  it('memory/ may import the core port, the core types and LangChain', async () => {
    const code = [
      "import type { StoredMessage } from '@langchain/core/messages';",
      "import type { MemoryStore } from '../core/memory-port.js';",
      "import type { SessionRef } from '../../core/types.js';",
      'export type X = [StoredMessage, MemoryStore, SessionRef];',
    ].join('\n');
    expect(await rulesHit('src/memory/probe.ts', code)).toEqual([]);
  });

  it.each([
    ["import { Redis } from 'ioredis';"],
    ["import { RedisMemoryStore } from '../../memory/redis-memory-store.js';"],
    ["import { InMemoryMemoryStore } from '../../memory/in-memory-store.js';"],
    ["import { Metrics } from '../../http/metrics.js';"],
    ["import { readConfig } from '../../config.js';"],
  ])('platforms/ may not %s', async (line) => {
    expect(
      await rulesHit('src/platforms/telegram/probe.ts', `${line}\nexport const x = 1;\n`),
    ).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('platforms/ may import the core and their own libraries', async () => {
    const code = [
      "import type { Bot } from 'grammy';",
      "import type { ConversationService } from '../../core/conversation.js';",
      'export type X = [Bot, ConversationService];',
    ].join('\n');
    expect(await rulesHit('src/platforms/telegram/probe.ts', code)).toEqual([]);
  });

  it('only src/config.ts reads process.env', async () => {
    const code = 'export const url = process.env.REDIS_URL;\n';
    expect(await rulesHit('src/core/probe.ts', code)).toContain('no-restricted-properties');
    expect(await rulesHit('src/main.ts', code)).toContain('no-restricted-properties');
    expect(await rulesHit('src/config.ts', code)).not.toContain('no-restricted-properties');
  });
});
