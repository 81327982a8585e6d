import { pino, type Logger } from 'pino';
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

export function createLogger(options: { level: LogLevel; destination?: 1 | 2 }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'chatmem-bot' },
    },
    pino.destination({ fd: options.destination ?? 1, sync: false }),
  );
}
