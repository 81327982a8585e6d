import type { MemorySnapshot } from '../../core/types.js';

/** Texts every adapter shows the same way. */
export const TEXT_ONLY = 'I can only read text, images, voice messages and text files.';

export function describeMemory(
  memory: Pick<MemorySnapshot, 'summary' | 'messageCount' | 'messageTokens'>,
): string {
  if (!memory.summary && memory.messageCount === 0) {
    return 'I do not remember anything of this conversation yet.';
  }
  const plural = memory.messageCount === 1 ? '' : 's';
  const recent = `${memory.messageCount} recent message${plural} (${memory.messageTokens} tokens) kept word for word.`;
  return memory.summary ? `What I remember: ${memory.summary}\n${recent}` : recent;
}

export function forgotten(scope: 'here' | 'everywhere', sessions?: number): string {
  if (scope === 'here') return 'Done: I have forgotten our conversation here.';
  return sessions === undefined
    ? 'Done: I have forgotten all our conversations.'
    : `Done: I have forgotten all our conversations (${sessions}).`;
}

/** The answer as shown: the text, then the turn's notice (if any) as an italic line. */
export function withNotice(reply: { text: string; notice?: string }): string {
  return reply.notice ? `${reply.text}\n\n_${reply.notice}_` : reply.text;
}
