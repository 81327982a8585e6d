import type { MemorySnapshot } from '../../core/types.js';
import type { Translator } from './i18n/translate.js';
import { escapeMarkdown } from './markdown-escape.js';

/**
 * The /memory text: the summary and the recent messages kept, the first `factsShown` facts that
 * apply here (numbered as their delete buttons, each cut to `shownChars`, escaped: they are the
 * person's words), and whether facts are being learned.
 */
export function describeMemory(
  t: Translator,
  memory: Pick<MemorySnapshot, 'summary' | 'messageCount' | 'messageTokens'> &
    Partial<Pick<MemorySnapshot, 'facts' | 'factLearning'>>,
  factsShown = memory.facts?.length ?? 0,
  shownChars = 100,
): string {
  const lines = [describeConversation(t, memory)];
  const facts = memory.facts ?? [];
  if (facts.length > 0) {
    lines.push('', t('memory.factsHeading'));
    facts.slice(0, factsShown).forEach((fact, i) => {
      lines.push(`${i + 1}. ${escapeMarkdown(cut(fact.text, shownChars))}`);
    });
    const more = facts.length - factsShown;
    if (more > 0) lines.push(t('memory.moreFacts', { count: more }));
  }
  if (memory.factLearning === 'on') {
    lines.push('', t('memory.learningOn'));
  } else if (memory.factLearning === 'off') {
    lines.push('', t('memory.learningOff'));
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
  t: Translator,
  memory: Pick<MemorySnapshot, 'summary' | 'messageCount' | 'messageTokens'>,
): string {
  if (!memory.summary && memory.messageCount === 0) return t('memory.nothing');
  const recent = t('memory.recent', { count: memory.messageCount, tokens: memory.messageTokens });
  return memory.summary ? `${t('memory.summary', { summary: memory.summary })}\n${recent}` : recent;
}

export function forgotten(t: Translator, scope: 'here' | 'everywhere', sessions?: number): string {
  if (scope === 'here') return t('forget.here');
  return sessions === undefined
    ? t('forget.everywhere')
    : t('forget.everywhereCount', { count: sessions });
}

/** The answer as shown: the text, then the turn's notice (if any) as an italic line. */
export function withNotice(reply: { text: string; notice?: string }): string {
  return reply.notice ? `${reply.text}\n\n_${reply.notice}_` : reply.text;
}
