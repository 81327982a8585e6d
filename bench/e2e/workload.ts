import {
  lastUserText,
  type FakeHandler,
  type FakeReply,
} from '../../test/doubles/fake-openai-server.js';

/**
 * What the end-to-end runs say and what the fake model answers: fixed-size questions (~60
 * tokens) and answers (~120 tokens), like the memory-layer benchmark, each tagged with its session
 * and turn so a reply seen at the fake Telegram can be matched to the message that asked for it.
 * Sizes are in characters (~4.4 characters a token for this English text), so nothing here needs
 * the project's tokenizer.
 */

const FILLER =
  'I am planning a long trip through the north of Portugal next spring with my sister, and we ' +
  'would like to see small villages, old monasteries and the vineyards of the Douro valley. We ' +
  'will rent a car in Porto, we both love hiking and local food, and we are on a modest budget ' +
  'of about eighty euros a day each. My sister is vegetarian and I do not eat shellfish. We have ' +
  'ten days in total and would rather sleep in guesthouses than in big hotels. ';

/** Cut at a word end near `chars` characters. */
function fixed(chars: number): string {
  const text = FILLER.repeat(Math.ceil(chars / FILLER.length) + 1).slice(0, chars);
  return text.slice(0, text.lastIndexOf(' ')).trim();
}

const QUESTION_BODY = fixed(255);
const ANSWER_BODY = fixed(520);
/** What the fake summariser answers (~300 tokens), when ours folds old turns into its summary. */
const SUMMARY = `The user and the assistant talked about a trip. ${fixed(1250)}`;

/** Approximate tokens of the answer, for the streaming pace of the realistic run. */
export const ANSWER_TOKENS = 120;

export function question(session: number, turn: number): string {
  return `[q ${session}.${turn}] ${QUESTION_BODY}`;
}

/** The tag a reply to `question(session, turn)` carries, as it appears in Telegram's text. */
export function answerTag(session: number, turn: number): string {
  return `[a ${session}.${turn}]`;
}

/** `session.turn` of a tagged question or answer text, or undefined. */
export function tagOf(text: string): { session: number; turn: number } | undefined {
  const match = /^\[[qa] (\d+)\.(\d+)\]/.exec(text);
  return match ? { session: Number(match[1]), turn: Number(match[2]) } : undefined;
}

/** How fast the fake model is: zero latency (throughput runs) or like a hosted model. */
export interface ModelPace {
  /** Before the first byte (time to first token). */
  readonly firstTokenMs: number;
  /** Generation speed once it answers; Infinity = all at once. */
  readonly tokensPerSecond: number;
  /** Tokens per streamed chunk (a real endpoint sends ~1; see `REALISTIC_PACE`). */
  readonly tokensPerChunk: number;
}

export const INSTANT: ModelPace = { firstTokenMs: 0, tokensPerSecond: Infinity, tokensPerChunk: 4 };

/**
 * 500 ms to the first token, then ~50 tokens/s. Chunks carry 4 tokens each (12.5 chunks/s per
 * answer) rather than OpenAI's one: 1,000 answers streaming at once would otherwise be 50,000 SSE
 * events a second through the fake and the bot, more than this 2-core machine can serve while also
 * running the bot, Redis and the fake Telegram. Both bots see the same pace.
 */
export const REALISTIC_PACE: ModelPace = {
  firstTokenMs: 500,
  tokensPerSecond: 50,
  tokensPerChunk: 4,
};

/** How long the model itself takes for an answer of `tokens` tokens at `pace`. */
export function modelTimeMs(pace: ModelPace, tokens = ANSWER_TOKENS): number {
  return (
    pace.firstTokenMs +
    (Number.isFinite(pace.tokensPerSecond) ? (tokens / pace.tokensPerSecond) * 1000 : 0)
  );
}

function chunked(text: string, tokens: number, tokensPerChunk: number): string[] {
  const count = Math.max(1, Math.round(tokens / tokensPerChunk));
  const size = Math.ceil(text.length / count);
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

/**
 * The fake model's handler: the tagged answer to the last question (the summary text when ours
 * asks for a summary), paced as given. Streamed requests get the text in chunks one
 * `chunkDelayMs` apart; plain ones wait for the whole generation time, so the model's own time is
 * the same either way.
 */
export function modelHandler(pace: ModelPace): FakeHandler {
  const answers = new Map<string, string>();
  return (body): FakeReply => {
    const asked = lastUserText(body);
    const isSummary = asked.startsWith('Existing summary:');
    const tag = tagOf(asked);
    const key = isSummary ? 'summary' : tag ? answerTag(tag.session, tag.turn) : '[a ?]';
    let text = answers.get(key);
    if (text === undefined) {
      text = isSummary ? SUMMARY : `${key} ${ANSWER_BODY}`;
      // The texts repeat per tag only; keep the map small.
      if (answers.size > 10_000) answers.clear();
      answers.set(key, text);
    }
    const tokens = isSummary ? 300 : ANSWER_TOKENS;
    // Cheap usage figures, as a real endpoint reports them: nobody tokenises to find them.
    const usage = {
      prompt_tokens: Math.ceil(JSON.stringify(body.messages).length / 4),
      completion_tokens: tokens,
    };
    const chunks = chunked(text, tokens, pace.tokensPerChunk);
    const generationMs = Number.isFinite(pace.tokensPerSecond)
      ? (tokens / pace.tokensPerSecond) * 1000
      : 0;
    if (body.stream === true) {
      return {
        text,
        usage,
        chunks,
        delayMs: pace.firstTokenMs,
        chunkDelayMs: generationMs / chunks.length,
      };
    }
    return { text, usage, delayMs: pace.firstTokenMs + generationMs };
  };
}
