import type { BaseMessage } from '@langchain/core/messages';
import { ScriptedChatModel } from '../test/support/scripted-chat-model.js';

/**
 * The offline stand-in for the model in the memory eval: it answers chat turns with a fixed-size
 * answer, summarises lossily (each fold keeps the latest sentences that fit, so old details fade
 * as they do in a real running summary), and extracts the generator's facts by pattern, deciding
 * add or update against the numbered known facts as the real extractor is asked to. It tests the
 * mechanics (folds, extraction, storage, privacy, the prompt), not a model's judgement. 240 words
 * is what the summariser is asked for at SUMMARY_MAX_TOKENS=400.
 */
export function scriptedMemoryModel(summaryWords = 240): ScriptedChatModel {
  return new ScriptedChatModel((messages) => {
    const asked = messages[1]?.text ?? '';
    if (asked.startsWith('Known facts:')) return extract(asked);
    if (asked.startsWith('Existing summary:')) return summarise(asked, summaryWords);
    return answer(messages);
  });
}

/** About 90 words, as a chat answer of a concise assistant is. */
function answer(messages: BaseMessage[]): string {
  const question = messages.at(-1)?.text.slice(0, 60) ?? '';
  return (
    `Good question about "${question}". Here is a short overview in a few sentences. ` +
    'First, the basics matter more than the details, so start simple and build from there. ' +
    'Second, practice a little every day rather than a lot once a week. ' +
    'Third, keep notes of what works for you, because memory is unreliable. ' +
    'Finally, ask again whenever something is unclear; I am happy to go deeper on any part.'
  );
}

/** The previous summary's sentences plus one per line of the person, the latest that fit. */
function summarise(asked: string, maxWords: number): string {
  const [previous = '', lines = ''] = asked
    .replace(/^Existing summary:\n/, '')
    .split('\n\nNew lines of conversation:\n');
  const sentences = previous === '(none yet)' ? [] : previous.split(/(?<=\.) /);
  for (const line of lines.split('\n')) {
    const said = /^User: (.*)$/.exec(line)?.[1];
    if (said) sentences.push(`The user said: ${said.replace(/[.?!]*$/, '')}.`);
  }
  const kept: string[] = [];
  let words = 0;
  for (const sentence of sentences.reverse()) {
    words += sentence.split(' ').length;
    if (words > maxWords) break;
    kept.unshift(sentence);
  }
  return kept.join(' ') || 'The user chatted.';
}

const PATTERNS: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/I am allergic to (\w+)/, (m) => `Is allergic to ${m[1]}`],
  [/My cat is called (\w+)/, (m) => `Has a cat called ${m[1]}`],
  [/I work as (an? [\w ]+?),/, (m) => `Works as ${m[1]}`],
  [/thesis deadline is the (\d+\w* of \w+)/, (m) => `Thesis deadline: the ${m[1]}`],
  [/I live in (\w+)/, (m) => `Lives in ${m[1]}`],
];

/** Facts by pattern from the person's lines; a known fact of the same kind is updated. */
function extract(asked: string): string {
  const known = [...asked.matchAll(/^(\d+)\. "(.*)"$/gm)].map((m) => ({
    n: Number(m[1]),
    text: m[2]!,
  }));
  const decisions: object[] = [];
  for (const line of asked.split('\n')) {
    if (!line.startsWith('Person: ')) continue;
    for (const [pattern, fact] of PATTERNS) {
      const match = pattern.exec(line);
      if (!match) continue;
      const text = fact(match);
      const kind = text.split(' ').slice(0, 2).join(' ');
      const same = known.find((k) => k.text.startsWith(kind));
      if (!same) decisions.push({ action: 'add', text });
      else if (same.text !== text) decisions.push({ action: 'update', id: same.n, text });
      else decisions.push({ action: 'none', id: same.n });
    }
  }
  return JSON.stringify({ facts: decisions });
}
