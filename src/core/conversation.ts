import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, mapChatMessagesToStoredMessages } from '@langchain/core/messages';
import type { Logger } from 'pino';
import {
  IMAGES_UNSEEN,
  IMAGES_UNSEEN_ONLY,
  hasAttachments,
  isImageRejection,
  questionText,
  storedQuestion,
  withImageTokens,
} from './attachments.js';
import { AttachmentRejectedError, InputRejectedError, TurnAbortedError } from './errors.js';
import { FactMemory } from './fact-memory.js';
import { byRecency } from './facts-prompt.js';
import { ChatPreferences } from './chat-preferences.js';
import type { ConversationDeps } from './conversation-options.js';
import { memoryCall } from './memory-call.js';
import type { MemoryStore } from './memory-port.js';
import { callModel } from './model-call.js';
import { buildPrompt } from './prompt.js';
import { assertSessionRef } from './session-id.js';
import { SummaryScheduler } from './summary-scheduler.js';
import { outcomeOf, reportTurn, type ConversationEvents } from './turn-report.js';
import { tokensOf, usageDay } from './usage.js';
import type {
  MemorySnapshot,
  Reply,
  ReplyOptions,
  SessionRef,
  TokenUsage,
  Turn,
  TurnContent,
} from './types.js';
import { cleanDisplayName, isBlank } from './untrusted-text.js';
import { UserGate, type GatePass } from './user-gate.js';

export type { ConversationEvents, TurnOutcome, TurnReport } from './turn-report.js';
export type { ConversationDeps, ConversationSettings } from './conversation-options.js';

/** How much longer than a turn's time budget its lease lives, so a crashed process cannot block. */
const LEASE_MARGIN_MS = 5000;

/** Added to an answer given while memory (Redis) was unreachable. */
export const WITHOUT_MEMORY =
  'I cannot reach my memory right now, so I answered without our earlier conversation.';

/**
 * The conversation core's one entry point for a turn: check the message, wait for the user's
 * gate (one turn at a time, rate limit), build the prompt from memory, call the model, write the
 * turn once, and schedule a summary when the history outgrew the window. Also the memory
 * commands (`/memory`, `/forget`) that adapters offer.
 */
export class ConversationService {
  private readonly gate: UserGate;
  private readonly summaries: SummaryScheduler;
  private readonly shutdown = new AbortController();
  private readonly log: Logger;
  private readonly events: ConversationEvents;
  private closing = false;
  /** The person's commands on their facts (`/remember`, deleting one from `/memory`). */
  readonly facts: FactMemory;
  /** The chat's persona, the person's model here and their tokens (`/persona`, `/model`, `/usage`). */
  readonly preferences: ChatPreferences;

  constructor(private readonly deps: ConversationDeps) {
    const { settings } = deps;
    this.log = deps.logger.child({ component: 'conversation' });
    this.events = deps.events ?? {};
    this.gate = new UserGate(
      deps.store,
      {
        maxPendingPerUser: settings.maxPendingPerUser,
        ratePerMinute: settings.ratePerMinute,
        leaseTtlMs: settings.model.timeoutMs + (settings.prepareTimeoutMs ?? 0) + LEASE_MARGIN_MS,
        dailyTokenBudget: settings.dailyTokenBudget,
        now: deps.now,
      },
      this.log,
    );
    this.summaries = new SummaryScheduler({
      store: deps.store,
      model: deps.summaryModel ?? deps.chatModel,
      tokens: deps.tokens,
      log: this.log,
      events: this.events,
      signal: this.shutdown.signal,
      now: deps.now,
      settings: {
        windowTokens: settings.windowTokens,
        summaryMaxTokens: settings.summaryMaxTokens,
        concurrency: settings.summaryConcurrency,
        policy: settings.model,
        learnFacts: settings.facts?.enabled,
      },
    });
    this.facts = new FactMemory({ ...deps, log: this.log, settings: settings.facts });
    this.preferences = new ChatPreferences({
      store: deps.store,
      log: this.log,
      now: deps.now,
      settings: {
        personaMaxChars: settings.personaMaxChars,
        models: settings.models,
        dailyTokenBudget: settings.dailyTokenBudget,
      },
    });
  }

  /** Answers one turn and remembers it. Throws a `ConversationError` subclass on failure. */
  async reply(turn: Turn, options: ReplyOptions = {}): Promise<Reply> {
    const started = performance.now();
    try {
      this.validate(turn, !options.prepare);
      const signal = options.signal
        ? AbortSignal.any([options.signal, this.shutdown.signal])
        : this.shutdown.signal;
      const reply = await this.gate.run(turn.session, signal, async (pass) => {
        const content = options.prepare ? await options.prepare(signal) : turn;
        if (options.prepare) this.validate({ ...content, session: turn.session }, true);
        return this.respond(turn, content, pass, { ...options, signal });
      });
      reportTurn(this.log, this.events, turn, started, 'answered', reply);
      return reply;
    } catch (error) {
      reportTurn(this.log, this.events, turn, started, outcomeOf(error));
      throw error;
    }
  }

  async forget(session: SessionRef): Promise<void> {
    assertSessionRef(session);
    await memoryCall(this.log, () => this.deps.store.forget(session));
  }

  /** Forgets every session of the user on the platform; returns how many there were. */
  async forgetUser(platform: string, userId: string): Promise<number> {
    return memoryCall(this.log, () => this.deps.store.forgetUser(platform, userId));
  }

  async memory(session: SessionRef): Promise<MemorySnapshot> {
    assertSessionRef(session);
    const memory = await memoryCall(this.log, () => this.deps.store.load(session));
    return {
      summary: memory.summary,
      summaryTokens: memory.summaryTokens,
      messageCount: memory.entries.length,
      messageTokens: memory.totalTokens,
      facts: this.facts.enabled ? byRecency(memory.facts) : [],
      factLearning: !this.facts.enabled ? 'disabled' : memory.factLearning ? 'on' : 'off',
    };
  }

  /** Sessions with a summary scheduled or running. */
  get summariesRunning(): number {
    return this.summaries.size;
  }

  /** Resolves when no turn and no summary is running. */
  async idle(): Promise<void> {
    do {
      await this.gate.drain();
      await this.summaries.idle();
    } while (this.gate.size > 0 || this.summaries.size > 0);
  }

  /**
   * Stops taking turns and waits up to `graceMs` for those in flight; past that they are
   * abandoned (nothing is written for them) and summaries are cancelled.
   */
  async close(graceMs = 10_000): Promise<void> {
    const timer = setTimeout(() => this.shutdown.abort(), graceMs);
    this.closing = true;
    try {
      await this.idle();
    } finally {
      clearTimeout(timer);
      this.shutdown.abort();
    }
  }

  /**
   * Refuses typed text over `maxInputChars` (a transcript is bounded by the audio's length) and,
   * when `complete`, a turn with nothing in it.
   */
  private validate(turn: Turn, complete: boolean): void {
    assertSessionRef(turn.session);
    if (this.closing || this.shutdown.signal.aborted) throw new TurnAbortedError();
    const text = turn.text.trim();
    if (complete && isBlank(text) && !hasAttachments(turn)) throw new InputRejectedError('empty');
    const limit = this.deps.settings.maxInputChars;
    if (!turn.fromVoice && text.length > limit) {
      throw new InputRejectedError('too_long', text.length, limit);
    }
  }

  /**
   * Prompt → model → one write of the turn; the gate's pass holds the memory and the lease. When
   * the endpoint refuses the images, the text is asked again without them, and the person told.
   */
  private async respond(
    turn: Turn,
    content: TurnContent,
    pass: GatePass,
    options: ReplyOptions & { signal: AbortSignal },
  ): Promise<Reply> {
    const { settings } = this.deps;
    const { session } = turn;
    const tokens = withImageTokens(this.deps.tokens);
    const text = isBlank(content.text) ? '' : content.text.trim();
    const question = questionText(text, content.files);
    const ask = async (images: TurnContent['images']) => {
      const prompt = await buildPrompt({
        systemPrompt: settings.systemPrompt,
        persona: pass.memory.persona,
        summary: pass.memory.summary,
        history: pass.memory.entries,
        question,
        images,
        authorName: cleanDisplayName(turn.authorName),
        platform: session.platform,
        windowTokens: settings.windowTokens,
        tokens,
        facts: pass.memory.facts,
        factsMaxTokens: this.facts.enabled ? settings.facts!.maxPromptTokens : 0,
      });
      return callModel(this.chatModelOf(pass), prompt, settings.model, { ...options, tokens });
    };
    let imagesSeen = true;
    let answer: Awaited<ReturnType<typeof ask>>;
    try {
      answer = await ask(content.images);
    } catch (error) {
      if (!content.images?.length || !isImageRejection(error)) throw error;
      this.log.warn({ err: error, session: session.id }, 'endpoint refused images; asking without');
      if (!question) {
        throw new AttachmentRejectedError({ key: 'images.unseenOnly' }, IMAGES_UNSEEN_ONLY, {
          cause: error,
        });
      }
      imagesSeen = false;
      answer = await ask(undefined);
    }
    if (options.signal.aborted) throw new TurnAbortedError();
    const notices = [pass.degraded && WITHOUT_MEMORY, !imagesSeen && IMAGES_UNSEEN];
    const notice = notices.filter(Boolean).join(' ') || undefined;
    const noticeTexts = [
      ...(pass.degraded ? [{ key: 'notice.withoutMemory' }] : []),
      ...(imagesSeen ? [] : [{ key: 'images.unseen' }]),
    ];
    const stored = storedQuestion({ ...content, text }, imagesSeen);
    const remembered = await this.remember(session, pass, stored, answer);
    return { text: answer.text, remembered, usage: answer.usage, notice, noticeTexts };
  }

  /** The person's pick here while the operator offers it, else the default model. */
  private chatModelOf(pass: GatePass): BaseChatModel {
    const model = this.preferences.modelFor(pass.memory.model);
    const { chatModelFor, settings } = this.deps;
    if (!model || !chatModelFor || model === settings.models?.default) return this.deps.chatModel;
    return chatModelFor(model);
  }

  /**
   * Writes the turn (idempotent by its ID) with the answer's tokens for the person's counters;
   * true when it is in memory now or will be.
   */
  private async remember(
    session: SessionRef,
    pass: GatePass,
    question: string,
    answer: { readonly text: string; readonly usage: TokenUsage },
  ): Promise<boolean> {
    const { tokens, settings } = this.deps;
    const human = new HumanMessage(question);
    const ai = new AIMessage(answer.text);
    const [storedHuman, storedAi] = mapChatMessagesToStoredMessages([human, ai]);
    let written: Awaited<ReturnType<MemoryStore['appendTurn']>>;
    try {
      written = await this.deps.store.appendTurn(
        session,
        pass.memory.generations,
        [
          { message: storedHuman!, tokens: tokens.countMessage(human) },
          { message: storedAi!, tokens: tokens.countMessage(ai) },
        ],
        {
          answeredAt: Date.now(),
          leaseOwner: pass.turnId,
          turnId: pass.turnId,
          usage: { day: usageDay((this.deps.now ?? Date.now)()), tokens: tokensOf(answer.usage) },
        },
      );
    } catch (error) {
      this.log.error({ err: error, session: session.id }, 'memory write failed');
      return false;
    }
    if (written.dropped > 0) {
      this.log.warn(
        { session: session.id, dropped: written.dropped },
        'hard cap dropped unsummarised messages',
      );
    }
    if (written.status === 'stale') {
      this.log.info({ session: session.id }, 'session forgotten mid-turn');
      return false;
    }
    if (written.totalTokens > settings.windowTokens) this.summaries.schedule(session);
    return true;
  }
}
