import type { Logger } from 'pino';
import type { ConversationService } from '../../core/conversation.js';
import type { ReplyOptions, SessionRef, Turn } from '../../core/types.js';
import { isAllowed, type AccessLists, type Place } from './access.js';
import { Admission } from './admission.js';
import { quoteTranscript } from './attachment-texts.js';
import {
  DEFAULT_ATTACHMENT_SETTINGS,
  fetchAttachments,
  planAttachments,
  type AttachmentSettings,
  type InboundAttachment,
} from './attachments.js';
import {
  MemoryCommands,
  type ActionAnswer,
  type ActionRequest,
  type CommandAnswer,
} from './memory-commands.js';
import { NoticeGate, type NoticeKind } from './notice-gate.js';
import { deliverAnswer, type ReplySurface } from './reply-surface.js';
import { EditThrottle } from './streamed-answer.js';
import { SettingsCommands } from './settings-commands.js';
import { noticeKindOf, noticeWindowOf, withNotes } from './turn-notices.js';
import { DEFAULT_LOCALE, type Locale } from './i18n/locales.js';
import { errorText, translator, type Translator } from './i18n/translate.js';

/** A message the platform's mapping recognised as a turn for the bot. */
export interface TurnRequest {
  readonly turn: Turn;
  readonly place: Place;
  /** A private chat or DM: refusals are said there; in groups and servers they are silent. */
  readonly private: boolean;
  /** Files of the message (images, voice, text files…), fetched only once the turn may run. */
  readonly attachments?: readonly InboundAttachment[];
  /** The person's language as the platform tells it; `BOT_LANGUAGE` wins. Default English. */
  readonly locale?: Locale;
}

/** A command the platform's mapping recognised (`/forget all` → name `forget`, args `all`). */
export interface CommandRequest {
  /** Lower case, without the slash or the bot's @username. */
  readonly name: string;
  readonly args: string;
  readonly session: SessionRef;
  readonly place: Place;
  readonly private: boolean;
  /**
   * Answered so only the person sees it (Discord's ephemeral replies): it takes nothing from a
   * channel's message budget, and the command waits for an answer, so notices are not bounded.
   */
  readonly ephemeral?: boolean;
  /** The person's name as the platform shows it (untrusted), for greetings. */
  readonly displayName?: string;
  /** Written to this bot by name (`/cmd@bot`): in a group, an unknown one is answered only then. */
  readonly addressed?: boolean;
  /**
   * Whether the person may change this chat's settings (`/persona`): true in a private chat or
   * DM; in a group or server the platform asks (Telegram `getChatMember`: creator or
   * administrator; Discord: Manage Server). Called only when needed. Absent: they may not.
   */
  readonly canManageChat?: () => boolean | Promise<boolean>;
  /**
   * The person's language as the platform tells it; `BOT_LANGUAGE` wins. Default English. The
   * pipeline hands commands the language it settled on, here and as their translator.
   */
  readonly locale?: Locale;
}

/**
 * A command only one platform has (Telegram's /start and /help): returns the answer's text,
 * written with `t`, the person's language.
 */
export type PlatformCommand = (request: CommandRequest, t: Translator) => string | Promise<string>;

export interface TurnPipelineOptions {
  readonly platform: Place['platform'];
  readonly service: ConversationService;
  readonly logger: Logger;
  /** Who may talk to the bot; others get one polite refusal per window in private, silence elsewhere. */
  readonly access?: AccessLists;
  readonly streamReplies: boolean;
  /** Least time between edits of streamed answers in one chat or channel. */
  readonly editIntervalMs: number;
  /** Commands beyond /forget and /memory, which every platform has. */
  readonly commands?: Readonly<Record<string, PlatformCommand>>;
  /** The answer to a command the bot does not know, in the person's language. */
  readonly unknownCommand: (name: string, t: Translator) => string;
  /** `BOT_LANGUAGE`: every text in this language whatever the person's. Default: theirs. */
  readonly language?: Locale;
  /** One notice per person and kind per window. Default 60 s. */
  readonly noticeWindowMs?: number;
  /** Messages one person may have waiting at once before more are dropped. Default 5. */
  readonly maxWaitingPerPerson?: number;
  /** Limits of images, voice and text files, and the transcriber. Default: the limits, no voice. */
  readonly attachments?: AttachmentSettings;
  /** Longest command answer shown in one message (Discord 2,000). Default 4,096 (Telegram). */
  readonly commandTextLimit?: number;
}

/** What a platform's options hand on to its pipeline unchanged. */
export type SharedPlatformOptions = Pick<
  TurnPipelineOptions,
  'service' | 'logger' | 'access' | 'streamReplies' | 'attachments' | 'language'
>;

/** The shared part of a platform's options, without the platform's own fields. */
export function sharedOptions(options: SharedPlatformOptions): SharedPlatformOptions {
  const { service, logger, access, streamReplies, attachments, language } = options;
  return { service, logger, access, streamReplies, attachments, language };
}

/**
 * What every platform does with a message once its mapping has turned it into a turn or a
 * command: the access check, "typing…", the streamed or plain answer, errors as a person's
 * message, the memory commands, bounded notices and bounded waiting, and tracking of what is in
 * flight for a clean stop. A platform adds only its mapping and its rendering (a `ReplySurface`).
 */
export class TurnPipeline {
  private readonly admission: Admission;
  private readonly notices: NoticeGate;
  private readonly throttle: EditThrottle<string>;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly log: Logger;
  private readonly memoryCommands: MemoryCommands;
  private readonly settingsCommands: SettingsCommands;
  private stopped = false;

  constructor(private readonly options: TurnPipelineOptions) {
    this.memoryCommands = new MemoryCommands(options.service, options.commandTextLimit ?? 4096);
    this.settingsCommands = new SettingsCommands(options.service);
    this.admission = new Admission(options.maxWaitingPerPerson ?? 5);
    this.notices = new NoticeGate(options.noticeWindowMs);
    this.throttle = new EditThrottle(options.editIntervalMs);
    this.log = options.logger;
  }

  /** Updates or events being handled now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /**
   * Runs the handling of one incoming message when its person has room: more than
   * `maxWaitingPerPerson` at once are dropped silently, before any queue. Never rejects.
   */
  admit(person: string, handle: () => Promise<void>): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const task = this.admission.run(person, handle).then(
      () => undefined,
      (error: unknown) => this.log.error({ err: error }, 'message handling failed'),
    );
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
    return task;
  }

  /** The language to write in for a request: `BOT_LANGUAGE`, else the person's, else English. */
  translatorFor(locale: Locale | undefined): Translator {
    return translator(this.options.language ?? locale ?? DEFAULT_LOCALE);
  }

  /** Answers a turn on the platform's surface; every failure ends as a message or silence. */
  async turn<H>(request: TurnRequest, surface: ReplySurface<H>): Promise<void> {
    const t = this.translatorFor(request.locale);
    if (!this.allowed(request.place)) {
      if (request.private) {
        await this.notice(request.place, 'access', t('access.notAllowed'), surface);
      }
      return;
    }
    const notes: string[] = [];
    try {
      const prepare = this.preparer(request, surface, notes, t.locale);
      await deliverAnswer(
        surface,
        { stream: this.options.streamReplies, throttle: this.throttle },
        async (onDelta) =>
          withNotes(
            await this.options.service.reply(request.turn, { onDelta, prepare }),
            notes,
            t.locale,
          ),
      );
    } catch (error) {
      this.log.warn({ err: error, session: request.turn.session.id }, 'turn failed');
      const kind = noticeKindOf(error);
      const text = errorText(t.locale, error);
      if (kind) await this.notice(request.place, kind, text, surface, noticeWindowOf(error));
      else await surface.post(text);
    }
  }

  /**
   * What the turn's files need: the checks of declared sizes and durations now (a refusal
   * throws before anything is fetched), the downloads and the transcription once the core lets
   * the turn run. The transcript is shown, quoted, before the answer.
   */
  private preparer(
    request: TurnRequest,
    surface: Pick<ReplySurface, 'post'>,
    notes: string[],
    locale: Locale,
  ): ReplyOptions['prepare'] {
    const items = request.attachments ?? [];
    if (items.length === 0) return undefined;
    const settings = this.options.attachments ?? DEFAULT_ATTACHMENT_SETTINGS;
    const plan = planAttachments(items, request.turn.text, settings, locale);
    notes.push(...plan.notes);
    return async (signal) => {
      const prepared = await fetchAttachments(plan, request.turn.text, settings, signal, locale);
      if (prepared.transcript !== undefined)
        await surface.post(quoteTranscript(prepared.transcript));
      return prepared.content;
    };
  }

  /** Says a repeatable notice (media not supported, refusals) at most once per window. */
  async notice(
    place: Place,
    kind: NoticeKind,
    text: string,
    surface: Pick<ReplySurface, 'post'>,
    windowMs?: number,
  ): Promise<void> {
    const person = `${place.platform}:${place.userId}`;
    if (this.notices.allow(person, kind, Date.now(), windowMs)) await surface.post(text);
  }

  /**
   * The answer to a command (its text, and buttons such as /memory's delete buttons), or
   * undefined when nothing is to be said (a refusal or unknown-command notice already said in
   * this window, or a refusal in a group). `/forget` works for everyone: it only removes data.
   */
  async command(asked: CommandRequest): Promise<CommandAnswer | undefined> {
    const t = this.translatorFor(asked.locale);
    const request = { ...asked, locale: t.locale };
    const person = `${request.place.platform}:${request.place.userId}`;
    const may = (kind: NoticeKind) => request.ephemeral || this.notices.allow(person, kind);
    if (request.name !== 'forget' && !this.allowed(request.place)) {
      return request.private && may('access') ? { text: t('access.notAllowed') } : undefined;
    }
    const action = this.commandAction(request, t);
    if (!action) {
      // In a group, `/cmd` without the bot's name is likely meant for another bot.
      if (!request.private && !request.addressed) return undefined;
      if (!may('unknown-command')) return undefined;
      return { text: this.options.unknownCommand(request.name, t) };
    }
    try {
      return await action();
    } catch (error) {
      this.log.warn({ err: error, command: request.name }, 'command failed');
      return { text: errorText(t.locale, error) };
    }
  }

  /**
   * A button of a command's answer was pressed (a /memory delete button). Deleting works for
   * everyone, as /forget does; only the person's own facts can be reached. Never throws.
   */
  async action(request: ActionRequest): Promise<ActionAnswer> {
    const t = this.translatorFor(request.locale);
    try {
      return await this.memoryCommands.action(request, t);
    } catch (error) {
      this.log.warn({ err: error }, 'button failed');
      return { notice: errorText(t.locale, error) };
    }
  }

  /** Stops taking messages and resolves when those being handled are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private commandAction(
    request: CommandRequest,
    t: Translator,
  ): (() => Promise<CommandAnswer>) | undefined {
    const { name, args, session, place } = request;
    if (MemoryCommands.names.has(name)) {
      return () => this.memoryCommands.run(name, args, session, place, t);
    }
    if (SettingsCommands.names.has(name)) return () => this.settingsCommands.run(request, t);
    const commands = this.options.commands ?? {};
    // Own properties only: `/constructor` must not reach Object.prototype.
    if (!Object.hasOwn(commands, name)) return undefined;
    const own = commands[name]!;
    return async () => ({ text: await own(request, t) });
  }

  private allowed(place: Place): boolean {
    return !this.options.access || isAllowed(this.options.access, place);
  }
}
