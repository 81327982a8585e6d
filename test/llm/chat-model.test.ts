import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createChatModel } from '../../src/llm/chat-model.js';

/** The `max_tokens` a chat completion request would carry (the Chat Completions API's shape). */
const maxTokensSent = (env: Record<string, string>, overrides?: { maxTokens?: number }) => {
  const params = createChatModel(
    parseConfig({ OPENAI_API_KEY: 'sk-test', ...env }),
    overrides,
  ).invocationParams() as { max_tokens?: number };
  return params.max_tokens;
};

describe('createChatModel', () => {
  it('leaves the answer length to the endpoint by default', () => {
    expect(maxTokensSent({})).toBeUndefined();
  });

  it('caps answers at LLM_MAX_OUTPUT_TOKENS', () => {
    expect(maxTokensSent({ LLM_MAX_OUTPUT_TOKENS: '512' })).toBe(512);
  });

  it('lets the caller set its own cap (the summariser passes SUMMARY_MAX_TOKENS)', () => {
    expect(maxTokensSent({ LLM_MAX_OUTPUT_TOKENS: '512' }, { maxTokens: 300 })).toBe(300);
    expect(maxTokensSent({}, { maxTokens: 300 })).toBe(300);
  });
});
