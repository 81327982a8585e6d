import { z } from 'zod';
import { decimal, integer, matching, optionalUrl, text, textOr } from './fields.js';

/**
 * The configuration's language-model section: the endpoint, the models offered, the operator's
 * prompt and what each chat and person may do with them (personas, budgets). `schema.ts` spreads
 * these variables into the whole schema and maps them with {@link modelConfig}.
 */

const DEFAULT_SYSTEM_PROMPT =
  'You are a friendly, concise assistant in a chat app. Answer in the language the user writes in. ' +
  'Use Markdown sparingly. If you do not know something, say so instead of guessing.';

/** A model name as endpoints spell them: `gpt-4o-mini`, `llama3.2:3b`, `meta-llama/Llama-3-8B`. */
const MODEL_NAME = /^[A-Za-z0-9._:/@+-]{1,100}$/;

/** Models `/model` may offer: a list a person reads in one message. */
const MAX_MODELS = 25;

export const modelVariables = {
  /** Key of the endpoint; unset for local servers (Ollama, vLLM, LM Studio), which need none. */
  OPENAI_API_KEY: text(),
  /** Any OpenAI-compatible API; unset = OpenAI. */
  OPENAI_BASE_URL: optionalUrl(['http:', 'https:'], 'http://localhost:11434/v1'),
  /** Default gpt-4o-mini: cheap and fast enough for chat. */
  LLM_MODEL: textOr('gpt-4o-mini'),
  /**
   * The models people may pick with `/model`, comma-separated; unset: just `LLM_MODEL`, which
   * must be among them (it is what everyone gets until they pick another).
   */
  LLM_MODELS: text().pipe(
    z
      .string()
      .optional()
      .transform((v) => (v === undefined ? undefined : v.split(/[\s,]+/).filter(Boolean)))
      .refine(
        (names) => names === undefined || names.every((name) => MODEL_NAME.test(name)),
        'must be comma-separated model names such as gpt-4o-mini,gpt-4o',
      )
      .refine(
        (names) => names === undefined || new Set(names).size <= MAX_MODELS,
        `must name at most ${MAX_MODELS} models`,
      ),
  ),
  /** Model of summaries and fact extraction; unset: `LLM_MODEL` (a cheaper one saves tokens). */
  SUMMARY_MODEL: matching(MODEL_NAME, 'must be a model name such as gpt-4o-mini'),
  LLM_TEMPERATURE: decimal(0, 2, 0.7),
  /** Time budget of one answer, retries included (25 s): the user hears back within it. */
  LLM_TIMEOUT_MS: integer(1000, 600_000, 25_000, ' of milliseconds'),
  /** Retries of timeouts, 429 and 5xx within the time budget (2). */
  LLM_MAX_RETRIES: integer(0, 10, 2),
  /** Cap of an answer's length in tokens; 0 (default) leaves it to the endpoint. */
  LLM_MAX_OUTPUT_TOKENS: integer(0, 200_000, 0, ' of tokens (0 = the endpoint decides)'),
  SYSTEM_PROMPT: textOr(DEFAULT_SYSTEM_PROMPT),
  /**
   * Longest `/persona` of a chat (1,000 characters: a character and a tone in a few
   * paragraphs); it rides in every prompt of the chat.
   */
  PERSONA_MAX_CHARS: integer(1, 20_000, 1000, ' of characters'),
  /** Tokens a person may spend per UTC day, answers, summaries and facts together; 0 = no budget. */
  USER_DAILY_TOKEN_BUDGET: integer(0, 1_000_000_000, 0, ' of tokens (0 = no budget)'),
};

type ModelVariables = z.output<z.ZodObject<typeof modelVariables>>;

/** Problems spanning the endpoint's variables. */
export function endpointProblems(
  e: Pick<ModelVariables, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL'>,
): string[] {
  return e.OPENAI_API_KEY || e.OPENAI_BASE_URL
    ? []
    : [
        'no language model is configured. Either set OPENAI_API_KEY to an OpenAI API key ' +
          '(https://platform.openai.com/api-keys), or set OPENAI_BASE_URL to a local ' +
          'OpenAI-compatible server, e.g. Ollama: OPENAI_BASE_URL=http://localhost:11434/v1 ' +
          'and LLM_MODEL=llama3.2',
      ];
}

/** The default model must be offered: it is what everyone gets until they pick another. */
export function modelListProblems(e: Pick<ModelVariables, 'LLM_MODEL' | 'LLM_MODELS'>): string[] {
  return e.LLM_MODELS && !e.LLM_MODELS.includes(e.LLM_MODEL)
    ? [
        `LLM_MODELS (${e.LLM_MODELS.join(',')}) must include LLM_MODEL (${e.LLM_MODEL}), the ` +
          'model everyone gets until they pick another with /model: add it, or set LLM_MODEL to ' +
          'one of them',
      ]
    : [];
}

/** The section of `Config` these variables make. */
export function modelConfig(e: ModelVariables) {
  return {
    openai: { apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL },
    llm: {
      model: e.LLM_MODEL,
      /** What `/model` offers, the default first. */
      models: [...new Set([e.LLM_MODEL, ...(e.LLM_MODELS ?? [])])],
      /** Summaries and fact extraction. */
      summaryModel: e.SUMMARY_MODEL ?? e.LLM_MODEL,
      temperature: e.LLM_TEMPERATURE,
      timeoutMs: e.LLM_TIMEOUT_MS,
      maxRetries: e.LLM_MAX_RETRIES,
      /** 0 = the endpoint's own default. */
      maxOutputTokens: e.LLM_MAX_OUTPUT_TOKENS,
    },
    systemPrompt: e.SYSTEM_PROMPT,
    /** Longest chat persona, in characters. */
    personaMaxChars: e.PERSONA_MAX_CHARS,
    /** Tokens a person may spend per UTC day; 0 = no budget. */
    dailyTokenBudget: e.USER_DAILY_TOKEN_BUDGET,
  } as const;
}
