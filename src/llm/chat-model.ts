import { ChatOpenAI } from '@langchain/openai';
import type { Config } from '../config.js';

/**
 * The production chat model: any OpenAI-compatible endpoint. Retries are the core's (within the
 * answer's time budget), so the client's own are off. An answer's length is capped by
 * `LLM_MAX_OUTPUT_TOKENS` (0: the endpoint's default); `overrides.maxTokens` replaces that cap
 * (the summariser's model passes `SUMMARY_MAX_TOKENS`).
 */
export function createChatModel(
  config: Pick<Config, 'openai' | 'llm'>,
  overrides: { maxTokens?: number; temperature?: number } = {},
): ChatOpenAI {
  return new ChatOpenAI({
    model: config.llm.model,
    temperature: overrides.temperature ?? config.llm.temperature,
    maxTokens: overrides.maxTokens ?? (config.llm.maxOutputTokens || undefined),
    // A local server (Ollama, vLLM, LM Studio) needs no key, but the client insists on one.
    apiKey: config.openai.apiKey ?? 'not-needed',
    configuration: config.openai.baseURL ? { baseURL: config.openai.baseURL } : undefined,
    timeout: config.llm.timeoutMs,
    maxRetries: 0,
    streamUsage: true,
  });
}
