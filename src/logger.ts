import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/**
 * Paths pino censors wherever they appear in a log object: credentials must never reach a log,
 * even inside an error or a client's options.
 */
export const REDACTED_PATHS = [
  'apiKey',
  'token',
  'password',
  'authorization',
  '*.apiKey',
  '*.token',
  '*.password',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'config.headers.authorization',
  'err.headers.authorization',
];

/**
 * JSON logs (pino). `destination` is a file descriptor (1 stdout, 2 stderr) or, in tests, any
 * writable stream; credentials under the paths above are censored wherever they appear.
 */
export function createLogger(options: {
  level: LogLevel;
  destination?: 1 | 2 | DestinationStream;
}): Logger {
  const destination = options.destination ?? 1;
  return pino(
    {
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'chatmem-bot' },
    },
    typeof destination === 'number'
      ? pino.destination({ fd: destination, sync: false })
      : destination,
  );
}
