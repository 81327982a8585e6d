import type { ConversationService } from '../../core/conversation.js';
import type { RememberResult } from '../../core/fact-memory.js';
import type { MemorySnapshot, SessionRef } from '../../core/types.js';
import type { Place } from './access.js';
import type { Locale } from './i18n/locales.js';
import type { Translator } from './i18n/translate.js';
import { escapeMarkdown } from './markdown-escape.js';
import { cut, describeMemory, forgotten } from './replies.js';

/** A command's answer: its text (Markdown) and buttons the platform renders under it. */
export interface CommandAnswer {
  readonly text: string;
  /** `id` comes back in `TurnPipeline.action` when pressed; `label` is shown as plain text. */
  readonly actions?: readonly CommandAction[];
}

export interface CommandAction {
  readonly id: string;
  readonly label: string;
}

/** A button of a command's answer, pressed. */
export interface ActionRequest {
  readonly actionId: string;
  /** The session of the person who pressed it, where the button is. */
  readonly session: SessionRef;
  readonly place: Place;
  /**
   * True when the platform knows the button was not shown to this person (a Telegram group
   * reply to someone else's /memory): they are told so and nothing changes.
   */
  readonly foreign?: boolean;
  /** The presser's language as the platform tells it; `BOT_LANGUAGE` wins. Default English. */
  readonly locale?: Locale;
}

/** What pressing a button comes to: a short notice for the presser, and the message redrawn. */
export interface ActionAnswer {
  /** A short line for the presser only (Telegram's callback answer, a Discord ephemeral note). */
  readonly notice: string;
  /** The button's message as it should now read; absent: leave it as it is. */
  readonly update?: CommandAnswer;
}

/** The action ID of a fact's delete button: `fact:del:<fact ID>`, well under Telegram's 64 bytes. */
export const DELETE_FACT = 'fact:del:';

/** Buttons under one /memory answer: Discord allows 5 rows of 5; the rest are listed as a count. */
export const MAX_FACT_BUTTONS = 25;

/** Characters of a fact shown in the /memory list, and on its button. */
const SHOWN_CHARS = 100;
const LABEL_CHARS = 32;

/**
 * The memory commands every platform has (`/memory`, `/forget`, `/remember`) and the delete
 * buttons of `/memory`. All are store calls: they work while the model is down.
 */
export class MemoryCommands {
  constructor(
    private readonly service: ConversationService,
    /** Longest answer the platform shows in one message (Discord 2,000; Telegram 4,096). */
    private readonly textLimit: number,
  ) {}

  static readonly names: ReadonlySet<string> = new Set(['memory', 'forget', 'remember']);

  async run(
    name: string,
    args: string,
    session: SessionRef,
    place: Place,
    t: Translator,
  ): Promise<CommandAnswer> {
    if (name === 'memory') return this.memory(session, t);
    if (name === 'forget') return { text: await this.forget(args, session, place, t) };
    return { text: await this.remember(args, session, place, t) };
  }

  async action(request: ActionRequest, t: Translator): Promise<ActionAnswer> {
    if (!request.actionId.startsWith(DELETE_FACT)) return { notice: t('buttons.stale') };
    if (request.foreign) return { notice: t('buttons.notYours') };
    const id = request.actionId.slice(DELETE_FACT.length);
    const deleted = await this.service.facts.delete(request.session, id);
    return {
      notice: deleted ? t('facts.deleted') : t('facts.alreadyGone'),
      update: await this.memory(request.session, t),
    };
  }

  private async memory(session: SessionRef, t: Translator): Promise<CommandAnswer> {
    const snapshot = await this.service.memory(session);
    const shown = snapshot.facts.slice(0, MAX_FACT_BUTTONS);
    let facts = shown.length;
    let text = describeMemory(t, snapshot, facts, SHOWN_CHARS);
    // Fewer facts until the answer fits one message (each still has its button).
    while (text.length > this.textLimit && facts > 0) {
      facts -= 1;
      text = describeMemory(t, snapshot, facts, SHOWN_CHARS);
    }
    if (text.length > this.textLimit) text = `${text.slice(0, this.textLimit - 1)}…`;
    return { text, actions: shown.slice(0, facts).map((fact, i) => factButton(fact, i)) };
  }

  private async forget(
    args: string,
    session: SessionRef,
    place: Place,
    t: Translator,
  ): Promise<string> {
    const scope = args.trim().toLowerCase();
    if (scope === 'all' || scope === 'everywhere') {
      const sessions = await this.service.forgetUser(place.platform, place.userId);
      return forgotten(t, 'everywhere', sessions);
    }
    await this.service.forget(session);
    return forgotten(t, 'here');
  }

  private async remember(
    args: string,
    session: SessionRef,
    place: Place,
    t: Translator,
  ): Promise<string> {
    const text = args.trim();
    const switchTo = /^(on|off)$/i.exec(text)?.[1]?.toLowerCase();
    if (!this.service.facts.enabled) return t('facts.off');
    if (!text) return t('remember.usage');
    if (switchTo) {
      await this.service.facts.setLearning(place.platform, place.userId, switchTo === 'on');
      return switchTo === 'on' ? t('remember.learningOn') : t('remember.learningOff');
    }
    return remembered(t, await this.service.facts.remember(session, text));
  }
}

function factButton(fact: MemorySnapshot['facts'][number], index: number): CommandAction {
  return {
    id: `${DELETE_FACT}${fact.id}`,
    label: `✕ ${index + 1}. ${cut(fact.text, LABEL_CHARS)}`,
  };
}

function remembered(t: Translator, result: RememberResult): string {
  switch (result.status) {
    case 'added':
      return t('remember.added', { fact: escapeMarkdown(result.fact.text) });
    case 'known':
      return t('remember.known');
    case 'too_long':
      return t('remember.tooLong', { limit: result.limit });
    case 'empty':
      return t('remember.usage');
    case 'disabled':
      return t('facts.off');
  }
}
