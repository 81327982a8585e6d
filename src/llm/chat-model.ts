import { ChatOpenAI } from '@langchain/openai';
import type { Config } from '../config.js';

/**
 * The production chat model: any OpenAI-compatible endpoint. Retries are the core's (within the
 * answer's time budget), so the client's own are off.
 */
export function createChatModel(
  config: Pick<Config, 'openai' | 'llm'>,
  overrides: { maxTokens?: number; temperature?: number } = {},
): ChatOpenAI {
  return new ChatOpenAI({
    model: config.llm.model,
    temperature: overrides.temperature ?? config.llm.temperature,
    maxTokens: overrides.maxTokens,
    // A local server (Ollama, vLLM, LM Studio) needs no key, but the client insists on one.
    apiKey: config.openai.apiKey ?? 'not-needed',
    configuration: config.openai.baseURL ? { baseURL: config.openai.baseURL } : undefined,
    timeout: config.llm.timeoutMs,
    maxRetries: 0,
    streamUsage: true,
  });
}
