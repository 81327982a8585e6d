import { describe, expect, it } from 'vitest';
import { analyzeProfile, categoryOf, GC, type CpuProfile } from '../../bench/cpu-profile.js';

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });

/**
 * root ─┬─ ioredis sendCommand ── node:net write ── writeUtf8String (built-in)
 *       ├─ (garbage collector)
 *       ├─ (idle)
 *       ├─ our countText (built under node_modules/.cache/chatmem-bench/dist)
 *       └─ node:internal/timers listOnTimeout
 */
const profile: CpuProfile = {
  startTime: 0,
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 5, 6, 7, 8] },
    {
      id: 2,
      callFrame: frame('sendCommand', 'file:///app/node_modules/ioredis/built/Redis.js'),
      children: [3],
    },
    { id: 3, callFrame: frame('write', 'node:net'), children: [4] },
    { id: 4, callFrame: frame('writeUtf8String') },
    { id: 5, callFrame: frame('(garbage collector)') },
    { id: 6, callFrame: frame('(idle)') },
    {
      id: 7,
      callFrame: frame(
        'countText',
        'file:///app/node_modules/.cache/chatmem-bench/dist/core/token-counter.js',
      ),
    },
    { id: 8, callFrame: frame('listOnTimeout', 'node:internal/timers') },
  ],
  samples: [4, 4, 5, 6, 7, 8],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
};

describe('bench/cpu-profile.ts', () => {
  it('names categories by script URL: packages, Node internals, our build by its src/ path', () => {
    expect(categoryOf('file:///app/node_modules/grammy/out/bot.js')).toBe(
      'grammY (+ runner, auto-retry)',
    );
    expect(categoryOf('file:///app/node_modules/@langchain/core/dist/x.js')).toBe(
      'LangChain: @langchain/core',
    );
    expect(categoryOf('node:internal/deps/undici/undici')).toBe(
      'HTTP client of openai (undici, fetch)',
    );
    expect(categoryOf('file:///app/dist/memory/redis-memory-store.js')).toBe('our src/: memory');
    expect(categoryOf('file:///app/dist/http/keep-alive-fetch.js')).toBe(
      'HTTP client of ours (keep-alive fetch on node:http)',
    );
    expect(categoryOf('file:///app/dist/http/http-server.js')).toBe('our src/: http');
    expect(categoryOf('file:///app/node_modules/@pinojs/redact/index.js')).toBe('logging (pino)');
    expect(categoryOf('file:///app/dist/platforms/telegram/telegram-format.js')).toBe(
      'markdown rendering',
    );
    expect(categoryOf('file:///app/node_modules/left-pad/index.js')).toBe(
      'other packages (left-pad)',
    );
    expect(categoryOf('')).toBeUndefined();
  });

  it('charges built-ins to their caller, and Node internals to the library above them', () => {
    const result = analyzeProfile(profile);
    const row = (category: string) => result.categories.find((c) => c.category === category);
    expect(result.totalMs).toBe(5); // idle left out
    expect(row('Node: http, net, streams, buffers')).toMatchObject({ selfMs: 2, attributedMs: 0 });
    expect(row('Redis client (ioredis)')).toMatchObject({ selfMs: 0, attributedMs: 2 });
    expect(row(GC)).toMatchObject({ selfMs: 1, attributedMs: 1 });
    expect(row('tokenizer')).toMatchObject({ selfMs: 1, attributedMs: 1 });
    // A timer starts in Node itself: nothing above it to charge.
    expect(row('Node: timers, events, promises, AbortSignal')).toMatchObject({
      selfMs: 1,
      attributedMs: 1,
    });
    expect(result.topFunctions[0]).toMatchObject({ name: 'writeUtf8String', selfMs: 2 });
  });

  it('keeps only the samples inside a window of the profile clock', () => {
    // Samples are stamped 1000, 2000, … µs after startTime.
    const result = analyzeProfile(profile, { startUs: 2500, endUs: 10_000 });
    expect(result.totalMs).toBe(3);
    expect(result.categories.map((c) => c.category)).not.toContain('Redis client (ioredis)');
  });
});
