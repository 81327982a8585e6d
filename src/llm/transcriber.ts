import type { Config } from '../config.js';

/** OpenAI's API, when `OPENAI_BASE_URL` is not set. */
const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Longest transcript accepted, in characters: 5 minutes of speech is about 5,000. */
const MAX_TRANSCRIPT_CHARS = 100_000;

/** A transcription that failed; the message holds the status, never the audio or the key. */
export class TranscriptionError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TranscriptionError';
  }
}

export interface TranscriberOptions {
  /** `OPENAI_BASE_URL` (without a trailing slash); default OpenAI. */
  readonly baseURL?: string;
  readonly apiKey?: string;
  /** `TRANSCRIBE_MODEL`, e.g. `whisper-1`, `gpt-4o-mini-transcribe`. */
  readonly model: string;
  /** Time one transcription may take (`LLM_TIMEOUT_MS`). */
  readonly timeoutMs: number;
}

/**
 * Speech to text over an OpenAI-compatible `POST {OPENAI_BASE_URL}/audio/transcriptions`
 * (multipart: `file`, `model`, `response_format=json`), as OpenAI, Groq, LocalAI and
 * faster-whisper servers offer it. Not retried: a voice message that fails is said to fail, and
 * the person sends it again.
 */
export class OpenAITranscriber {
  constructor(private readonly options: TranscriberOptions) {}

  async transcribe(
    audio: { readonly data: Uint8Array; readonly name: string; readonly mime?: string },
    signal: AbortSignal,
  ): Promise<string> {
    const form = new FormData();
    const bytes = new Uint8Array(audio.data);
    form.append(
      'file',
      new Blob([bytes], { type: audio.mime ?? 'application/octet-stream' }),
      audio.name,
    );
    form.append('model', this.options.model);
    form.append('response_format', 'json');
    const base = (this.options.baseURL ?? OPENAI_BASE_URL).replace(/\/+$/, '');
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    try {
      response = await fetch(`${base}/audio/transcriptions`, {
        method: 'POST',
        body: form,
        headers: this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {},
        signal: AbortSignal.any([signal, timeout]),
      });
    } catch (error) {
      const reason = timeout.aborted ? 'timed out' : `failed (${(error as Error).name})`;
      throw new TranscriptionError(`transcription ${reason}`);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new TranscriptionError(
        `transcription endpoint answered HTTP ${response.status}`,
        response.status,
      );
    }
    const body = (await response.json().catch(() => undefined)) as { text?: unknown } | undefined;
    if (typeof body?.text !== 'string') {
      throw new TranscriptionError('transcription endpoint answered without text');
    }
    return body.text.slice(0, MAX_TRANSCRIPT_CHARS);
  }
}

/** The transcriber the configuration asks for; undefined when `TRANSCRIBE_MODEL` is off. */
export function createTranscriber(
  config: Pick<Config, 'openai' | 'llm' | 'attachments'>,
): OpenAITranscriber | undefined {
  const model = config.attachments.transcribeModel;
  if (!model) return undefined;
  return new OpenAITranscriber({
    baseURL: config.openai.baseURL,
    apiKey: config.openai.apiKey,
    model,
    timeoutMs: config.llm.timeoutMs,
  });
}
