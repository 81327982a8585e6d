import {
  BaseChatModel,
  type BaseChatModelParams,
} from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import type { TiktokenCounter } from '../src/core/token-counter.js';

/**
 * Zero-latency chat models and fixed-size texts shared by both sides of the benchmark, so the
 * only thing that differs between them is the memory: prompt building, storage, summaries.
 */

/** What a fake model received and answered, for counting tokens afterwards. */
export interface ModelCall {
  readonly prompt: readonly BaseMessage[];
  readonly answer: string;
}

export type CallRecorder = (call: ModelCall) => void;

const FILLER =
  'I am planning a long trip through the north of Portugal next spring with my sister, and we ' +
  'would like to see small villages, old monasteries and the vineyards of the Douro valley. We ' +
  'will rent a car in Porto, we both love hiking and local food, and we are on a modest budget ' +
  'of about eighty euros a day each. My sister is vegetarian and I do not eat shellfish. We have ' +
  'ten days in total and would rather sleep in guesthouses than in big hotels. ';

/** `FILLER` repeated and cut to exactly `tokens` tokens. */
function fixedText(counter: TiktokenCounter, tokens: number): string {
  return counter.truncate(FILLER.repeat(Math.ceil(tokens / 60) + 1), tokens).trim();
}

/**
 * The fixed-size texts of a run: questions of about `QUESTION_TOKENS` tokens, answers of about
 * `ANSWER_TOKENS`, summaries of about `SUMMARY_TOKENS`. Each question and answer starts with a
 * tag naming its session and turn, so stored messages can be checked for loss, duplicates,
 * order and pairing.
 */
export const QUESTION_TOKENS = 60;
export const ANSWER_TOKENS = 120;
export const SUMMARY_TOKENS = 300;

export class Texts {
  private readonly questionBody: string;
  private readonly answerBody: string;
  readonly summary: string;

  constructor(counter: TiktokenCounter) {
    // The tag "[q 123.45] " costs about 8 tokens; the body makes up the rest.
    this.questionBody = fixedText(counter, QUESTION_TOKENS - 8);
    this.answerBody = fixedText(counter, ANSWER_TOKENS - 8);
    this.summary = `The user and the assistant talked about a trip. ${fixedText(counter, SUMMARY_TOKENS - 12)}`;
  }

  question(session: number, turn: number): string {
    return `[q ${session}.${turn}] ${this.questionBody}`;
  }

  /**
   * A question of about 12 tokens, answered in about 10: 50 such turns fit the 2,000-token window,
   * so a burst of them stays verbatim and can be checked message by message.
   */
  shortQuestion(session: number, turn: number): string {
    return `[q ${session}.${turn}] Where on day ${turn}?`;
  }

  /**
   * The answer to a prompt, tagged with the tag of the prompt's last question: fixed-size, or
   * short when the question was a short one.
   */
  answerTo(prompt: readonly BaseMessage[]): string {
    let question = '';
    for (let i = prompt.length - 1; i >= 0; i--) {
      if (prompt[i]!.type === 'human') {
        question = plainText(prompt[i]!);
        break;
      }
    }
    const tag = /^\[q ([\d.]+)\]/.exec(question)?.[1] ?? '?';
    return question.length < 100 ? `[a ${tag}] Try Provesende.` : `[a ${tag}] ${this.answerBody}`;
  }
}

/**
 * The text of a message with string content. Not `message.text`: in LangChain 1.x that getter
 * builds content blocks on every access, a cost the fake model must not add to either side.
 */
function plainText(message: BaseMessage): string {
  return typeof message.content === 'string' ? message.content : message.text;
}

/** Cheap usage figures (4 characters a token), so no side tokenises inside the "model". */
function roughUsage(prompt: readonly BaseMessage[], answer: string) {
  let chars = 0;
  for (const message of prompt) chars += plainText(message).length;
  const input = Math.ceil(chars / 4);
  const output = Math.ceil(answer.length / 4);
  return { input_tokens: input, output_tokens: output, total_tokens: input + output };
}

abstract class InstantChatModel extends BaseChatModel {
  /** Calls answered so far. */
  calls = 0;
  /** Receives every call when set; unset in the load runs, so nothing accumulates. */
  recorder: CallRecorder | undefined;

  constructor(
    /** Whether answers carry `usage_metadata`, as OpenAI's do. */
    private readonly reportUsage: boolean,
    params: BaseChatModelParams = {},
  ) {
    super(params);
  }

  protected abstract answer(messages: BaseMessage[]): string;

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    this.calls += 1;
    const text = this.answer(messages);
    this.recorder?.({ prompt: messages, answer: text });
    const message = new AIMessage({
      content: text,
      ...(this.reportUsage ? { usage_metadata: roughUsage(messages, text) } : {}),
    });
    return { generations: [{ text, message }] };
  }
}

/** The chat model of both sides: answers at once with a fixed-size text tagged with the question. */
export class FakeChatModel extends InstantChatModel {
  constructor(
    private readonly texts: Texts,
    reportUsage = true,
  ) {
    super(reportUsage);
  }

  _llmType(): string {
    return 'bench-fake-chat';
  }

  protected answer(messages: BaseMessage[]): string {
    return this.texts.answerTo(messages);
  }
}

/** Our summariser's model: answers at once with a fixed summary of about 300 tokens. */
export class FakeSummaryModel extends InstantChatModel {
  constructor(private readonly texts: Texts) {
    super(true);
  }

  _llmType(): string {
    return 'bench-fake-summary';
  }

  protected answer(): string {
    return this.texts.summary;
  }
}
