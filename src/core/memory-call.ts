import type { Logger } from 'pino';
import { ConversationError, MemoryUnavailableError } from './errors.js';

/** A store call for a command: its failure is logged and becomes a typed, politely worded error. */
export async function memoryCall<T>(log: Logger, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ConversationError) throw error;
    log.error({ err: error }, 'memory call failed');
    throw new MemoryUnavailableError({ cause: error });
  }
}
