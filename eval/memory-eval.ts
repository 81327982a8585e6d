/**
 * `npm run eval:memory`: summaries only (before facts) vs summaries + facts, on seeded
 * conversations of 10, 50 and 200 turns, checking what the prompt at question time contains.
 *
 * Offline (default, and in CI): the scripted model of eval/scripted-memory-model.ts, which tests
 * the mechanics. With EVAL_OPENAI_BASE_URL, EVAL_OPENAI_API_KEY and EVAL_MODEL: a real
 * OpenAI-compatible model for chat, summaries and facts, and the answers to the questions scored.
 * EVAL_TURNS (e.g. "10,50") and EVAL_SEED (default 7) change the runs.
 */
import { ChatOpenAI } from '@langchain/openai';
import { TiktokenCounter } from '../src/core/token-counter.js';
import { runEval, type EvalModels, type EvalRow } from './run-memory-eval.js';
import { scriptedMemoryModel } from './scripted-memory-model.js';

export function formatRows(rows: readonly EvalRow[]): string {
  const header =
    '| turns | memory | planted facts in prompt | update | decoy absent | folds | chat tokens | summary tokens | fact tokens | facts / chat | answers |\n' +
    '| ----: | ------ | ----------------------: | ------ | ------------ | ----: | ----------: | -------------: | ----------: | -----------: | ------- |';
  const lines = rows.map((r) => {
    const share =
      r.tokens.chat > 0 ? `${((100 * r.tokens.facts) / r.tokens.chat).toFixed(1)} %` : '-';
    const answers = r.answers ? `${r.answers.correct}/${r.answers.asked}` : '-';
    return (
      `| ${r.turns} | ${r.mode === 'facts' ? 'summary + facts' : 'summary only'} | ` +
      `${r.present}/${r.planted} | ${r.updated ? 'yes' : 'no'} | ${r.decoyAbsent ? 'yes' : 'no'} | ` +
      `${r.folds} | ${r.tokens.chat} | ${r.tokens.summary} | ${r.tokens.facts} | ${share} | ${answers} |`
    );
  });
  return [header, ...lines].join('\n');
}

function realModels(): (() => EvalModels) | undefined {
  const baseURL = process.env.EVAL_OPENAI_BASE_URL;
  const model = process.env.EVAL_MODEL;
  if (!baseURL || !model) return undefined;
  const make = (temperature: number, maxTokens?: number) =>
    new ChatOpenAI({
      model,
      temperature,
      maxTokens,
      apiKey: process.env.EVAL_OPENAI_API_KEY ?? 'not-needed',
      configuration: { baseURL },
      maxRetries: 0,
    });
  return () => ({ chat: make(0.2), summary: make(0.2, 400), scoreAnswers: true });
}

async function main(): Promise<void> {
  const turns = (process.env.EVAL_TURNS ?? '10,50,200').split(',').map(Number);
  const seed = Number(process.env.EVAL_SEED ?? 7);
  const real = realModels();
  const models =
    real ??
    (() => ({ chat: scriptedMemoryModel(), summary: scriptedMemoryModel(), scoreAnswers: false }));
  const started = performance.now();
  const rows = await runEval({ turns, seed, models, tokens: new TiktokenCounter() });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const source = real ? `model ${process.env.EVAL_MODEL}` : 'scripted model (offline)';
  process.stdout.write(
    `Memory eval, ${source}, seed ${seed}, ${seconds} s\n\n${formatRows(rows)}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
