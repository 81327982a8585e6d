import { ChatOpenAI } from '@langchain/openai';
import type { Config } from '../config.js';

/**
 * The production chat model: any OpenAI-compatible endpoint. Retries are the core's (within the
 * answer's time budget), so the client's own are off. An answer's length is capped by
 * `LLM_MAX_OUTPUT_TOKENS` (0: the endpoint's default); `overrides.maxTokens` replaces that cap
 * (the summariser's model passes `SUMMARY_MAX_TOKENS`), `overrides.model` the model (a person's
 * pick of `LLM_MODELS`, or `SUMMARY_MODEL`). `overrides.fetch` replaces the global fetch (the
 * app passes its keep-alive one, cheaper per call).
 */
export function createChatModel(
  config: Pick<Config, 'openai' | 'llm'>,
  overrides: {
    maxTokens?: number;
    temperature?: number;
    model?: string;
    fetch?: typeof globalThis.fetch;
  } = {},
): ChatOpenAI {
  return new ChatOpenAI({
    model: overrides.model ?? config.llm.model,
    temperature: overrides.temperature ?? config.llm.temperature,
    maxTokens: overrides.maxTokens ?? (config.llm.maxOutputTokens || undefined),
    // A local server (Ollama, vLLM, LM Studio) needs no key, but the client insists on one.
    apiKey: config.openai.apiKey ?? 'not-needed',
    configuration: {
      ...(config.openai.baseURL && { baseURL: config.openai.baseURL }),
      ...(overrides.fetch && { fetch: overrides.fetch }),
    },
    timeout: config.llm.timeoutMs,
    maxRetries: 0,
    streamUsage: true,
  });
}

/**
 * The chat model of each name people may pick (`LLM_MODELS`), built on first use and kept: one
 * client per model for the life of the process, whatever the number of turns (the allowlist
 * bounds them). A name outside the list gets the default model. All share `fetch` when given.
 */
export function chatModelsFor(
  config: Pick<Config, 'openai' | 'llm'>,
  fetch?: typeof globalThis.fetch,
): (model: string) => ChatOpenAI {
  const models = new Map<string, ChatOpenAI>();
  return (model) => {
    const name = config.llm.models.includes(model) ? model : config.llm.model;
    let chatModel = models.get(name);
    if (!chatModel) {
      chatModel = createChatModel(config, { model: name, fetch });
      models.set(name, chatModel);
    }
    return chatModel;
  };
}
