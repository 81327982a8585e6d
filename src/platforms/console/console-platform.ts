import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { ConversationService } from '../../core/conversation.js';
import { userMessageFor } from '../../core/errors.js';
import { consoleSession } from '../../core/session-id.js';
import type { SessionRef } from '../../core/types.js';
import { translator } from '../shared/i18n/translate.js';
import { describeMemory, withNotice } from '../shared/replies.js';

export interface ConsolePlatformOptions {
  readonly service: ConversationService;
  readonly input: Readable;
  readonly output: Writable;
  /** A person at a terminal: prompts, streamed answers. Otherwise one message a line, scripted. */
  readonly interactive: boolean;
  readonly userName: string;
  readonly logger: Logger;
  /** Shown once at start in interactive mode, e.g. that memory is lost on restart. */
  readonly notice?: string;
}

const HELP = [
  'Type a message and press Enter. Commands:',
  '  /memory  what I remember of this conversation',
  '  /forget  wipe my memory of this conversation',
  '  /help    this text',
  '  /exit    quit (Ctrl+D works too)',
].join('\n');

/**
 * The terminal chat: the same core and memory as Discord and Telegram, so a person can talk to the
 * bot before any platform is set up. With standard input from a pipe it reads one message a line
 * and prints each answer followed by an empty line.
 */
export class ConsolePlatform {
  readonly session: SessionRef;

  constructor(private readonly options: ConsolePlatformOptions) {
    this.session = consoleSession(options.userName);
  }

  /** Runs until end of input or `/exit`. */
  async run(): Promise<void> {
    const { input, output, interactive } = this.options;
    const lines = createInterface({
      input,
      output: interactive ? output : undefined,
      terminal: interactive,
    });
    if (interactive) {
      output.write(`Chat with the bot. ${this.options.notice ?? ''}\n${HELP}\n\n`);
      lines.setPrompt('you › ');
      lines.prompt();
    }
    try {
      for await (const line of lines) {
        if (!line.trim()) {
          if (interactive) lines.prompt();
          continue;
        }
        const keepGoing = await this.handleLine(line);
        if (!keepGoing) break;
        if (interactive) lines.prompt();
      }
    } finally {
      lines.close();
    }
  }

  /** Handles one line (message or command) and prints the answer; false means "quit". */
  async handleLine(line: string): Promise<boolean> {
    const text = line.trim();
    const command = /^\/(\w+)\s*$/.exec(text)?.[1]?.toLowerCase();
    switch (command) {
      case undefined:
        await this.chat(text);
        return true;
      case 'exit':
      case 'quit':
        return false;
      case 'help':
        this.print(HELP);
        return true;
      case 'forget':
        await this.guard(async () => {
          await this.options.service.forget(this.session);
          this.print('Done: I have forgotten our conversation.');
        });
        return true;
      case 'memory':
        await this.guard(async () =>
          // The terminal chat is the operator's, in English.
          this.print(
            describeMemory(translator('en'), await this.options.service.memory(this.session)),
          ),
        );
        return true;
      default:
        this.print(`Unknown command /${command}. Type /help for the list.`);
        return true;
    }
  }

  private async chat(text: string): Promise<void> {
    const { service, interactive, output } = this.options;
    const turn = { session: this.session, text, authorName: this.options.userName };
    if (!interactive) {
      await this.guard(async () => this.print(withNotice(await service.reply(turn))));
      return;
    }
    let started = false;
    await this.guard(
      async () => {
        const reply = await service.reply(turn, {
          onDelta: (delta) => {
            if (!started) output.write('bot › ');
            started = true;
            output.write(delta);
          },
        });
        output.write(reply.notice ? `\n\n(${reply.notice})\n\n` : '\n\n');
      },
      () => started,
    );
  }

  private async guard(action: () => Promise<void>, midLine = () => false): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'console turn failed');
      if (midLine()) this.options.output.write('\n');
      this.print(userMessageFor(error));
    }
  }

  private print(text: string): void {
    const prefix = this.options.interactive ? 'bot › ' : '';
    this.options.output.write(`${prefix}${text}\n\n`);
  }
}
