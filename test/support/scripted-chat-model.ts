import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import {
  BaseChatModel,
  type BaseChatModelParams,
} from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';

export type Script = (
  messages: BaseMessage[],
  call: number,
  signal?: AbortSignal,
) => string | Promise<string>;

/**
 * A LangChain chat model whose answers come from a function, recording every prompt: for unit
 * tests of the core, in the spirit of LangChain's own FakeListChatModel. Streams its answer in
 * pieces of `chunkSize` characters.
 */
export class ScriptedChatModel extends BaseChatModel {
  readonly prompts: BaseMessage[][] = [];
  constructor(
    private script: Script,
    private readonly chunkSize = 4,
    params: BaseChatModelParams = {},
  ) {
    super(params);
  }

  setScript(script: Script): void {
    this.script = script;
  }

  _llmType(): string {
    return 'scripted';
  }

  async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
  ): Promise<ChatResult> {
    this.prompts.push(messages);
    const text = await this.script(messages, this.prompts.length, options.signal);
    return { generations: [{ text, message: new AIMessage(text) }] };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    this.prompts.push(messages);
    const text = await this.script(messages, this.prompts.length, options.signal);
    for (let i = 0; i < text.length; i += this.chunkSize) {
      const piece = text.slice(i, i + this.chunkSize);
      yield new ChatGenerationChunk({ text: piece, message: new AIMessageChunk(piece) });
      await runManager?.handleLLMNewToken(piece);
    }
  }
}

/** Text of the last human message of a prompt. */
export function lastQuestion(messages: BaseMessage[]): string {
  return [...messages].reverse().find((m) => m.type === 'human')?.text ?? '';
}

/** A promise with its resolve exposed, to hold a model call until a test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
