import { describe, expect, it } from 'vitest';
import { configProblems } from './support/config-problems.js';
import { parseConfig } from '../src/config.js';

const minimal = { OPENAI_API_KEY: 'sk-test-secret' };

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(minimal);
    expect(config).toMatchObject({
      openai: { apiKey: 'sk-test-secret', baseURL: undefined },
      llm: {
        model: 'gpt-4o-mini',
        temperature: 0.7,
        timeoutMs: 25_000,
        maxRetries: 2,
        maxOutputTokens: 0,
      },
      redis: { target: undefined, keyPrefix: 'chatmem' },
      memory: {
        ttlSeconds: 604_800,
        windowTokens: 2000,
        summaryMaxTokens: 400,
        summaryConcurrency: 2,
        facts: { enabled: true, maxPromptTokens: 300, maxStored: 50 },
      },
      maxInputChars: 4000,
      logLevel: 'info',
    });
    expect(config.systemPrompt.length).toBeGreaterThan(20);
  });

  it('reads every variable', () => {
    const config = parseConfig({
      OPENAI_BASE_URL: 'http://localhost:11434/v1',
      LLM_MODEL: 'llama3.2',
      LLM_MODELS: 'llama3.2, qwen2.5:7b,meta-llama/Llama-3-8B',
      SUMMARY_MODEL: 'qwen2.5:0.5b',
      PERSONA_MAX_CHARS: '500',
      USER_DAILY_TOKEN_BUDGET: '100000',
      LLM_TEMPERATURE: '0.2',
      LLM_TIMEOUT_MS: '15000',
      LLM_MAX_RETRIES: '0',
      LLM_MAX_OUTPUT_TOKENS: '800',
      SYSTEM_PROMPT: 'Be brief.',
      REDIS_URL: 'redis://redis:6379/2',
      REDIS_KEY_PREFIX: 'bot-a',
      MEMORY_TTL_SECONDS: '0',
      MEMORY_WINDOW_TOKENS: '3000',
      SUMMARY_MAX_TOKENS: '300',
      SUMMARY_CONCURRENCY: '8',
      MEMORY_FACTS: 'off',
      FACTS_MAX_TOKENS: '120',
      FACTS_MAX_STORED: '20',
      MAX_INPUT_CHARS: '1000',
      LLM_VISION: 'false',
      MAX_IMAGES_PER_TURN: '2',
      MAX_IMAGE_BYTES: '1048576',
      TRANSCRIBE_MODEL: 'gpt-4o-mini-transcribe',
      MAX_AUDIO_SECONDS: '60',
      MAX_FILE_CHARS: '5000',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config).toEqual({
      openai: { apiKey: undefined, baseURL: 'http://localhost:11434/v1' },
      llm: {
        model: 'llama3.2',
        models: ['llama3.2', 'qwen2.5:7b', 'meta-llama/Llama-3-8B'],
        summaryModel: 'qwen2.5:0.5b',
        temperature: 0.2,
        timeoutMs: 15000,
        maxRetries: 0,
        maxOutputTokens: 800,
      },
      systemPrompt: 'Be brief.',
      personaMaxChars: 500,
      dailyTokenBudget: 100_000,
      redis: {
        target: { kind: 'standalone', url: 'redis://redis:6379/2' },
        keyPrefix: 'bot-a',
      },
      ratePerMinute: 20,
      memory: {
        store: 'redis',
        sqlitePath: './data/chatmem.db',
        ttlSeconds: 0,
        windowTokens: 3000,
        summaryMaxTokens: 300,
        summaryConcurrency: 8,
        facts: { enabled: false, maxPromptTokens: 120, maxStored: 20 },
      },
      maxInputChars: 1000,
      attachments: {
        vision: false,
        maxImages: 2,
        maxImageBytes: 1_048_576,
        transcribeModel: 'gpt-4o-mini-transcribe',
        maxAudioSeconds: 60,
        maxFileChars: 5000,
      },
      logLevel: 'debug',
      access: { users: undefined, telegramChats: undefined, discordGuilds: undefined },
      streamReplies: true,
      language: undefined,
      telegram: undefined,
      discord: undefined,
      httpPort: undefined,
    });
  });

  it('offers LLM_MODEL alone unless LLM_MODELS lists more, and summarises with it unless SUMMARY_MODEL says', () => {
    expect(parseConfig(minimal).llm).toMatchObject({
      model: 'gpt-4o-mini',
      models: ['gpt-4o-mini'],
      summaryModel: 'gpt-4o-mini',
    });
    expect(parseConfig(minimal)).toMatchObject({ personaMaxChars: 1000, dailyTokenBudget: 0 });
    expect(
      parseConfig({ ...minimal, LLM_MODELS: 'gpt-4o,gpt-4o-mini', SUMMARY_MODEL: '' }).llm,
    ).toMatchObject({ models: ['gpt-4o-mini', 'gpt-4o'], summaryModel: 'gpt-4o-mini' });
    expect(() => parseConfig({ ...minimal, LLM_MODELS: 'gpt-4o,o3' })).toThrow(
      /LLM_MODELS \(gpt-4o,o3\) must include LLM_MODEL \(gpt-4o-mini\)/,
    );
    expect(() => parseConfig({ ...minimal, LLM_MODELS: 'gpt-4o;rm -rf' })).toThrow(
      /LLM_MODELS must be comma-separated model names/,
    );
    expect(() => parseConfig({ ...minimal, USER_DAILY_TOKEN_BUDGET: '-1' })).toThrow(
      /USER_DAILY_TOKEN_BUDGET must be at least 0/,
    );
  });

  it('switches transcription off with an empty TRANSCRIBE_MODEL or off, not when unset', () => {
    expect(parseConfig(minimal).attachments.transcribeModel).toBe('whisper-1');
    expect(parseConfig({ ...minimal, TRANSCRIBE_MODEL: '' }).attachments.transcribeModel).toBe(
      undefined,
    );
    expect(parseConfig({ ...minimal, TRANSCRIBE_MODEL: 'OFF' }).attachments.transcribeModel).toBe(
      undefined,
    );
  });

  it('reads Sentinel and Cluster settings and the rate limit', () => {
    expect(
      parseConfig({
        ...minimal,
        REDIS_SENTINELS: '10.0.0.1:26379,10.0.0.2:26379',
        REDIS_SENTINEL_NAME: 'mymaster',
      }).redis.target,
    ).toMatchObject({
      kind: 'sentinel',
      name: 'mymaster',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
      ],
    });
    expect(
      parseConfig({ ...minimal, REDIS_CLUSTER_NODES: 'a:7000,b:7001' }).redis.target,
    ).toMatchObject({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
    });
    expect(
      configProblems({ ...minimal, REDIS_SENTINELS: 'nonsense', REDIS_SENTINEL_NAME: 'mymaster' }),
    ).toContain('REDIS_SENTINELS must be host:port pairs');
    expect(configProblems({ ...minimal, REDIS_SENTINELS: 'a:1' })).toContain(
      'REDIS_SENTINEL_NAME must be set',
    );
    expect(parseConfig({ ...minimal, RATE_LIMIT_PER_MINUTE: '0' }).ratePerMinute).toBe(0);
    expect(parseConfig(minimal).ratePerMinute).toBe(20);
  });

  it('reads the allowlists', () => {
    const config = parseConfig({
      ...minimal,
      ALLOWED_USER_IDS: 'telegram:1, discord:123456789012345678 42',
      TELEGRAM_ALLOWED_CHAT_IDS: '-1001234567890,7',
      DISCORD_ALLOWED_GUILD_IDS: '123456789012345678',
    });
    expect([...config.access.users!]).toEqual(['telegram:1', 'discord:123456789012345678', '42']);
    expect([...config.access.telegramChats!]).toEqual(['-1001234567890', '7']);
    expect([...config.access.discordGuilds!]).toEqual(['123456789012345678']);
    expect(parseConfig(minimal).access).toEqual({
      users: undefined,
      telegramChats: undefined,
      discordGuilds: undefined,
    });
    expect(configProblems({ ...minimal, ALLOWED_USER_IDS: 'slack:1' })).toContain(
      'ALLOWED_USER_IDS must be comma-separated',
    );
  });

  it('reads the Discord settings', () => {
    const token = 'MTIzNDU2Nzg5.Gabcde.fghijklmnopqrstuvwxyz0123456789';
    expect(parseConfig({ ...minimal, DISCORD_TOKEN: token })).toMatchObject({
      discord: { token, apiUrl: 'https://discord.com/api', messageContent: false },
    });
    expect(
      parseConfig({
        ...minimal,
        DISCORD_TOKEN: token,
        DISCORD_API_URL: 'http://proxy:8080/api/',
        DISCORD_MESSAGE_CONTENT: 'yes',
      }),
    ).toMatchObject({ discord: { apiUrl: 'http://proxy:8080/api', messageContent: true } });
    const message = configProblems({ ...minimal, DISCORD_TOKEN: 'short token' });
    expect(message).toContain('DISCORD_TOKEN must be the bot token');
    expect(message).not.toContain('short token');
  });

  it('reads the Telegram settings, and serves HTTP on 8080 for a webhook by default', () => {
    const token = '123456:ABC-def_ghi';
    expect(parseConfig({ ...minimal, TELEGRAM_BOT_TOKEN: token })).toMatchObject({
      telegram: { token, apiRoot: 'https://api.telegram.org', webhook: undefined },
      httpPort: undefined,
    });
    const webhook = parseConfig({
      ...minimal,
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
      TELEGRAM_WEBHOOK_SECRET: 's3cret',
      STREAM_REPLIES: 'off',
    });
    expect(webhook).toMatchObject({
      telegram: {
        apiRoot: 'http://127.0.0.1:8081',
        webhook: { url: 'https://bot.example.com/telegram/webhook', secret: 's3cret' },
      },
      streamReplies: false,
      httpPort: 8080,
    });
    expect(
      configProblems({ ...minimal, TELEGRAM_BOT_TOKEN: 'not a token', STREAM_REPLIES: 'maybe' }),
    ).toMatch(
      /TELEGRAM_BOT_TOKEN must look like 123456789:ABC-DEF… \(the token from @BotFather\)\n.*STREAM_REPLIES must be true or false \(got "maybe"\)/s,
    );
  });

  it('treats empty values as unset', () => {
    expect(parseConfig({ ...minimal, REDIS_URL: '', MEMORY_TTL_SECONDS: ' ' })).toMatchObject({
      redis: { target: undefined },
      memory: { ttlSeconds: 604_800 },
    });
  });

  it('names each malformed variable, the rule and the value', () => {
    const message = configProblems({
      ...minimal,
      MEMORY_TTL_SECONDS: 'a week',
      MEMORY_WINDOW_TOKENS: '-5',
      LOG_LEVEL: 'loud',
      REDIS_URL: 'localhost:6379',
      LLM_TEMPERATURE: '3',
    });
    expect(message).toContain(
      'MEMORY_TTL_SECONDS must be a whole number of seconds (0 = never expire) (got "a week")',
    );
    expect(message).toContain('MEMORY_WINDOW_TOKENS must be at least 100 (got "-5")');
    expect(message).toContain(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    );
    expect(message).toContain(
      'REDIS_URL must start with redis:// or rediss://, e.g. redis://:password@localhost:6379/0',
    );
    expect(message).toContain('LLM_TEMPERATURE must be at most 2 (got "3")');
    expect(message).toContain('Fix these in .env');
  });

  it('never repeats a secret in an error', () => {
    const message = configProblems({
      OPENAI_API_KEY: 'sk-test-secret',
      OPENAI_BASE_URL: 'not a url',
    });
    expect(message).toContain('OPENAI_BASE_URL');
    expect(message).not.toContain('sk-test-secret');
    const url = configProblems({ ...minimal, REDIS_URL: 'http://user:hunter2@redis:6379' });
    expect(url).toContain('REDIS_URL must start with redis:// or rediss://, not http://');
    expect(url).not.toContain('hunter2');
  });

  it('explains the two ways to configure a model when neither is given', () => {
    const message = configProblems({});
    expect(message).toContain('OPENAI_API_KEY');
    expect(message).toContain('OPENAI_BASE_URL=http://localhost:11434/v1');
    expect(message).toMatch(/Ollama/);
  });

  it('accepts a base URL without a key (local servers)', () => {
    expect(
      parseConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' }).openai.apiKey,
    ).toBeUndefined();
  });

  it('refuses a summary cap larger than the window', () => {
    expect(
      configProblems({ ...minimal, MEMORY_WINDOW_TOKENS: '500', SUMMARY_MAX_TOKENS: '600' }),
    ).toContain('SUMMARY_MAX_TOKENS (600) must not exceed MEMORY_WINDOW_TOKENS (500)');
  });
});

describe('defaults that depend on other variables, and problems reported together', () => {
  it('derives the summary cap from a small window when SUMMARY_MAX_TOKENS is unset', () => {
    expect(parseConfig({ ...minimal, MEMORY_WINDOW_TOKENS: '300' }).memory).toMatchObject({
      windowTokens: 300,
      summaryMaxTokens: 150,
    });
    expect(parseConfig({ ...minimal, MEMORY_WINDOW_TOKENS: '801' }).memory.summaryMaxTokens).toBe(
      400,
    );
    expect(parseConfig({ ...minimal, MEMORY_WINDOW_TOKENS: '700' }).memory.summaryMaxTokens).toBe(
      350,
    );
  });

  it('refuses only an explicit conflict between the summary cap and the window', () => {
    expect(
      configProblems({ ...minimal, MEMORY_WINDOW_TOKENS: '300', SUMMARY_MAX_TOKENS: '400' }),
    ).toContain('SUMMARY_MAX_TOKENS (400) must not exceed MEMORY_WINDOW_TOKENS (300)');
    expect(
      parseConfig({ ...minimal, MEMORY_WINDOW_TOKENS: '300', SUMMARY_MAX_TOKENS: '300' }).memory
        .summaryMaxTokens,
    ).toBe(300);
  });

  it('reports every problem at once, malformed values and conflicts alike', () => {
    const message = configProblems({
      LLM_TEMPERATURE: '9',
      REDIS_SENTINELS: 'a:1',
      MEMORY_WINDOW_TOKENS: '500',
      SUMMARY_MAX_TOKENS: '600',
    });
    expect(message).toContain('LLM_TEMPERATURE must be at most 2');
    expect(message).toContain('no language model is configured');
    expect(message).toContain('REDIS_SENTINEL_NAME must be set with REDIS_SENTINELS');
    expect(message).toContain(
      'SUMMARY_MAX_TOKENS (600) must not exceed MEMORY_WINDOW_TOKENS (500)',
    );
  });
});
