import { describe, expect, it } from 'vitest';
import { configProblems } from '../support/config-problems.js';

/** Plain letters and digits, so no percent-encoding or escaping could disguise it. */
const secret = 'Qz9hunter2secret';
const minimal = { OPENAI_API_KEY: 'sk-test-key' };

describe('configuration errors never echo a secret', () => {
  it('hides a Redis password containing "/" (the whole user info, parsed)', () => {
    const message = configProblems({ ...minimal, REDIS_URL: `redis://:pa/${secret}@host:6379` });
    expect(message).toContain('REDIS_URL is not a valid URL (got "redis://***@host:6379")');
    expect(message).toContain('percent-encode');
    expect(message).not.toContain(secret);
  });

  it('hides the sentinel password of REDIS_URL', () => {
    const message = configProblems({
      ...minimal,
      REDIS_URL: `http://h:6379/0?sentinelPassword=${secret}`,
    });
    expect(message).toContain('REDIS_URL');
    expect(message).not.toContain(secret);
  });

  it('hides credentials written into REDIS_SENTINELS or REDIS_CLUSTER_NODES entries', () => {
    for (const entry of [
      `redis://user:${secret}@h1:26379`,
      `:${secret}@h1:26379`,
      `user:${secret}@h1:26379`,
      `${secret}@h1:26379`,
    ]) {
      const sentinels = configProblems({
        ...minimal,
        REDIS_SENTINELS: `${entry},h2:26379`,
        REDIS_SENTINEL_NAME: 'mymaster',
      });
      expect(sentinels, entry).toContain('REDIS_SENTINELS');
      expect(sentinels, entry).toContain('a password in REDIS_URL');
      expect(sentinels, entry).not.toContain(secret);
      const cluster = configProblems({ ...minimal, REDIS_CLUSTER_NODES: `h0:7000,${entry}` });
      expect(cluster, entry).toContain('REDIS_CLUSTER_NODES');
      expect(cluster, entry).not.toContain(secret);
    }
  });

  it('names REDIS_URL and explains percent-encoding when its password has a stray "%"', () => {
    const message = configProblems({ ...minimal, REDIS_URL: `redis://:${secret}%zz@host:6379` });
    expect(message).toMatch(/REDIS_URL.*percent-encode/);
    expect(message).not.toContain('URI malformed');
    expect(message).not.toContain(secret);
  });

  it('keeps a known secret out of every error parseConfig can report', () => {
    // Secrets sit in every variable that can hold one, valid or not, in every case.
    const everywhere = {
      OPENAI_API_KEY: secret,
      REDIS_URL: `rediss://bot:${secret}@h:6379/0?sentinelPassword=${secret}`,
      TELEGRAM_BOT_TOKEN: `123456:${secret}`,
      TELEGRAM_WEBHOOK_SECRET: secret,
      DISCORD_TOKEN: `${secret}.abcdefghij`,
    };
    const sentinels = { REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'mymaster' };
    const cases: [variable: string, env: Record<string, string | undefined>][] = [
      ['OPENAI_API_KEY', { OPENAI_API_KEY: undefined }],
      ['OPENAI_BASE_URL', { OPENAI_BASE_URL: `ftp://u:${secret}@h/v1?key=${secret}` }],
      ['OPENAI_BASE_URL', { OPENAI_BASE_URL: `http://u:${secret}@` }],
      ['LLM_TEMPERATURE', { LLM_TEMPERATURE: 'hot' }],
      ['LLM_TIMEOUT_MS', { LLM_TIMEOUT_MS: '1' }],
      ['LLM_MAX_RETRIES', { LLM_MAX_RETRIES: '11' }],
      ['LLM_MAX_OUTPUT_TOKENS', { LLM_MAX_OUTPUT_TOKENS: '-1' }],
      ['REDIS_URL', { REDIS_URL: `http://:${secret}@h:6379?sentinelPassword=${secret}` }],
      ['REDIS_URL', { REDIS_URL: `:${secret}@h:6379` }],
      ['REDIS_URL', { REDIS_URL: secret }],
      ['REDIS_URL', { REDIS_URL: `redis://:${secret}/x@h:6379?sentinelPassword=${secret}` }],
      ['REDIS_URL', { REDIS_URL: `redis://:${secret}%zz@h:6379` }],
      ['REDIS_URL', { REDIS_URL: `redis://${secret}%zz:pw@h:6379` }],
      ['REDIS_URL', { REDIS_URL: `redis://:${secret}@h/x?sentinelPassword=${secret}` }],
      ['REDIS_URL', { REDIS_URL: `redis://:${secret}@h/2`, REDIS_CLUSTER_NODES: 'c1:6379' }],
      ['REDIS_SENTINEL_NAME', { REDIS_SENTINELS: 's1:26379' }],
      ['REDIS_SENTINEL_NAME', { REDIS_SENTINEL_NAME: 'mymaster' }],
      ['REDIS_SENTINEL_NAME', { ...sentinels, REDIS_SENTINEL_NAME: 'my master' }],
      ['REDIS_SENTINELS', { ...sentinels, REDIS_SENTINELS: ',' }],
      ['REDIS_SENTINELS', { ...sentinels, REDIS_SENTINELS: `redis://:${secret}@s1:26379` }],
      ['REDIS_SENTINELS', { ...sentinels, REDIS_SENTINELS: `u:${secret}@[::1]:26379` }],
      ['REDIS_SENTINELS', { ...sentinels, REDIS_SENTINELS: 'fd00::1:26379' }],
      ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: `:${secret}@c1:6379` }],
      ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: 'c1:0' }],
      ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: '[zz]:1' }],
      ['RATE_LIMIT_PER_MINUTE', { RATE_LIMIT_PER_MINUTE: 'many' }],
      ['REDIS_KEY_PREFIX', { REDIS_KEY_PREFIX: 'a b' }],
      ['MEMORY_TTL_SECONDS', { MEMORY_TTL_SECONDS: 'a week' }],
      ['MEMORY_WINDOW_TOKENS', { MEMORY_WINDOW_TOKENS: '5' }],
      ['SUMMARY_MAX_TOKENS', { SUMMARY_MAX_TOKENS: '5' }],
      ['SUMMARY_MAX_TOKENS', { MEMORY_WINDOW_TOKENS: '300', SUMMARY_MAX_TOKENS: '400' }],
      ['SUMMARY_CONCURRENCY', { SUMMARY_CONCURRENCY: '0' }],
      ['MAX_INPUT_CHARS', { MAX_INPUT_CHARS: '0' }],
      ['TELEGRAM_BOT_TOKEN', { TELEGRAM_BOT_TOKEN: `${secret} ${secret}` }],
      ['TELEGRAM_API_ROOT', { TELEGRAM_API_ROOT: `ftp://:${secret}@h` }],
      ['TELEGRAM_WEBHOOK_URL', { TELEGRAM_WEBHOOK_URL: `ftp://u:${secret}@h/hook#${secret}` }],
      ['TELEGRAM_WEBHOOK_SECRET', { TELEGRAM_WEBHOOK_SECRET: `${secret}!` }],
      ['DISCORD_TOKEN', { DISCORD_TOKEN: `${secret} x` }],
      ['DISCORD_API_URL', { DISCORD_API_URL: `ws://${secret}:${secret}@h` }],
      ['DISCORD_MESSAGE_CONTENT', { DISCORD_MESSAGE_CONTENT: 'maybe' }],
      ['DISCORD_SHARDS', { DISCORD_SHARDS: '0' }],
      ['SHARDS', { SHARDS: 'first' }],
      ['ALLOWED_USER_IDS', { ALLOWED_USER_IDS: 'slack:1' }],
      ['TELEGRAM_ALLOWED_CHAT_IDS', { TELEGRAM_ALLOWED_CHAT_IDS: 'general' }],
      ['DISCORD_ALLOWED_GUILD_IDS', { DISCORD_ALLOWED_GUILD_IDS: '1' }],
      ['STREAM_REPLIES', { STREAM_REPLIES: 'maybe' }],
      ['HTTP_PORT', { HTTP_PORT: '70000' }],
      ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ];
    for (const [variable, env] of cases) {
      const label = `${variable}: ${JSON.stringify(env)}`;
      const message = configProblems(
        Object.fromEntries(
          Object.entries({ ...everywhere, ...env }).filter(
            (entry): entry is [string, string] => entry[1] !== undefined,
          ),
        ),
      );
      expect(message, label).toContain(variable);
      expect(message, label).not.toContain(secret);
    }
  });
});
