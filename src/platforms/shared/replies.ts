import type { MemorySnapshot } from '../../core/types.js';
import { escapeMarkdown } from './markdown-escape.js';

/** Texts every adapter shows the same way. */
export const TEXT_ONLY = 'I can only read text, images, voice messages and text files.';

/**
 * The /memory text: the summary and the recent messages kept, the first `factsShown` facts that
 * apply here (numbered as their delete buttons, each cut to `shownChars`, escaped: they are the
 * person's words), and whether facts are being learned.
 */
export function describeMemory(
  memory: Pick<MemorySnapshot, 'summary' | 'messageCount' | 'messageTokens'> &
    Partial<Pick<MemorySnapshot, 'facts' | 'factLearning'>>,
  factsShown = memory.facts?.length ?? 0,
  shownChars = 100,
): string {
  const lines = [describeConversation(memory)];
  const facts = memory.facts ?? [];
  if (facts.length > 0) {
    lines.push('', 'What I know about you here:');
    facts.slice(0, factsShown).forEach((fact, i) => {
      lines.push(`${i + 1}. ${escapeMarkdown(cut(fact.text, shownChars))}`);
    });
    const more = facts.length - factsShown;
    if (more > 0) lines.push(`(and ${more} older fact${more === 1 ? '' : 's'} not shown)`);
  }
  if (memory.factLearning === 'on') {
    lines.push('', 'Learning facts about you: on (/remember off stops it).');
  } else if (memory.factLearning === 'off') {
    lines.push('', 'Learning facts about you: off (/remember on resumes it).');
  }
  return lines.join('\n');
}

/** `text` in at most `chars` code points, cut with "…". */
export function cut(text: string, chars: number): string {
  const points = Array.from(text);
  return points.length <= chars
    ? text
    : `${points
        .slice(0, chars - 1)
        .join('')
        .trimEnd()}…`;
}

function describeConversation(
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
