/**
 * Downloads of files people send, from the platform's own file endpoints only. The byte cap is
 * enforced while the body streams in, so a declared size that lies (or none at all) cannot make
 * the process buffer more than the cap; a timeout bounds a server that trickles.
 */

export type DownloadFailure = 'too_large' | 'timeout' | 'failed';

/**
 * A download that did not complete. Its message never holds the URL: Telegram's file URLs carry
 * the bot token.
 */
export class DownloadError extends Error {
  constructor(
    readonly failure: DownloadFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DownloadError';
  }
}

export interface DownloadOptions {
  /** Bytes accepted; one more aborts the download. */
  readonly maxBytes: number;
  /** Default 20 s: a file of a few MB from a platform's CDN takes well under a second. */
  readonly timeoutMs?: number;
  /** Abandons the download (the turn's budget, shutdown). */
  readonly signal?: AbortSignal;
}

/** Default time a download may take. */
export const DOWNLOAD_TIMEOUT_MS = 20_000;

/**
 * The body of `GET url`, at most `maxBytes` long. Redirects are refused: a file endpoint answers
 * with the file, and a redirect could lead anywhere.
 */
export async function boundedDownload(url: string, options: DownloadOptions): Promise<Uint8Array> {
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new DOMException('download timed out', 'TimeoutError')),
    options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS,
  );
  const signal = options.signal
    ? AbortSignal.any([options.signal, timeout.signal])
    : timeout.signal;
  try {
    const response = await fetch(url, { signal, redirect: 'error' });
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new DownloadError('failed', `file endpoint answered HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw tooLarge(options.maxBytes);
    }
    return await readCapped(response.body, options.maxBytes);
  } catch (error) {
    if (error instanceof DownloadError) throw error;
    if (timeout.signal.aborted) throw new DownloadError('timeout', 'download timed out');
    // fetch's own errors may quote the URL: keep only the name and the cause's code.
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    throw new DownloadError(
      'failed',
      `download failed (${(error as Error).name}${typeof code === 'string' ? `: ${code}` : ''})`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a stream into one buffer, cancelling it as soon as it passes `maxBytes`. */
async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

function tooLarge(maxBytes: number): DownloadError {
  return new DownloadError('too_large', `file larger than ${maxBytes} bytes`);
}
