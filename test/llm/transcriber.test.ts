import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAITranscriber, createTranscriber } from '../../src/llm/transcriber.js';
import { parseConfig } from '../../src/config.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../doubles/fake-openai-server.js';

describe('OpenAITranscriber against the fake /audio/transcriptions', () => {
  let openai: FakeOpenAIServer;
  const audio = {
    data: new Uint8Array([0x4f, 0x67, 0x67, 0x53, 1, 2, 3]),
    name: 'voice.ogg',
    mime: 'audio/ogg',
  };
  const signal = new AbortController().signal;

  beforeAll(async () => {
    openai = await startFakeOpenAIServer();
  });
  afterAll(() => openai.close());
  beforeEach(() => openai.reset());

  const transcriber = (timeoutMs = 5000) =>
    new OpenAITranscriber({
      baseURL: openai.baseURL,
      apiKey: 'sk-voice',
      model: 'whisper-1',
      timeoutMs,
    });

  it('posts the audio as multipart with the model and the key, and returns the text', async () => {
    openai.transcriptions.enqueue({ text: 'Hello there.' });
    expect(await transcriber().transcribe(audio, signal)).toBe('Hello there.');
    const [request] = openai.transcriptions.requests;
    expect(request).toMatchObject({
      model: 'whisper-1',
      filename: 'voice.ogg',
      contentType: 'audio/ogg',
      fields: { model: 'whisper-1', response_format: 'json' },
    });
    expect([...request!.bytes]).toEqual([...audio.data]);
    expect(request!.headers.authorization).toBe('Bearer sk-voice');
  });

  it('fails with the status and without the key when the endpoint fails, and on timeout', async () => {
    openai.transcriptions.enqueue({ status: 500 });
    const failed = await transcriber()
      .transcribe(audio, signal)
      .catch((e: Error) => e);
    expect(failed).toMatchObject({ name: 'TranscriptionError', status: 500 });
    expect(String(failed)).not.toContain('sk-voice');
    openai.transcriptions.enqueue({ text: 'late', delayMs: 1000 });
    const slow = await transcriber(200)
      .transcribe(audio, signal)
      .catch((e: Error) => e);
    expect(String(slow)).toMatch(/timed out/);
  });

  it('is built only when TRANSCRIBE_MODEL is on', () => {
    const config = (model?: string) =>
      parseConfig({
        OPENAI_API_KEY: 'sk',
        ...(model === undefined ? {} : { TRANSCRIBE_MODEL: model }),
      });
    expect(createTranscriber(config())).toBeInstanceOf(OpenAITranscriber);
    expect(createTranscriber(config(''))).toBeUndefined();
    expect(createTranscriber(config('off'))).toBeUndefined();
  });
});
