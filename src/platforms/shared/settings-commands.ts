import type { ConversationService } from '../../core/conversation.js';
import type { SessionRef } from '../../core/types.js';
import type { Place } from './access.js';
import { formatList } from './i18n/formatters.js';
import type { Translator } from './i18n/translate.js';
import { escapeMarkdown } from './markdown-escape.js';
import type { CommandAnswer } from './memory-commands.js';

/** What a settings command needs to know about who asks, where. */
export interface SettingsRequest {
  readonly name: string;
  readonly args: string;
  readonly session: SessionRef;
  readonly place: Place;
  /**
   * Whether the person may change this chat's settings: in a private chat or DM they may; in a
   * group or server the platform asks (Telegram: the chat's creator or an administrator;
   * Discord: Manage Server). Absent: they may not.
   */
  readonly canManageChat?: () => boolean | Promise<boolean>;
}

/**
 * The settings commands every platform has: `/persona` (show, set, `reset`; changing it is for
 * whoever the platform says may manage the chat), `/model` (list, pick one for the person's own
 * conversation here) and `/usage` (the person's tokens). Store calls only: they work while the
 * model is down, and for a person who spent their daily budget.
 */
export class SettingsCommands {
  constructor(private readonly service: ConversationService) {}

  static readonly names: ReadonlySet<string> = new Set(['persona', 'model', 'usage']);

  async run(request: SettingsRequest, t: Translator): Promise<CommandAnswer> {
    if (request.name === 'persona') return { text: await this.persona(request, t) };
    if (request.name === 'model') return { text: await this.model(request, t) };
    return { text: await this.usage(request.session, t) };
  }

  private async persona(request: SettingsRequest, t: Translator): Promise<string> {
    const { preferences } = this.service;
    const args = request.args.trim();
    if (!args) {
      const persona = await preferences.persona(request.session);
      return persona === undefined
        ? t('persona.none')
        : t('persona.current', { persona: escapeMarkdown(persona) });
    }
    if (!(await request.canManageChat?.())) {
      return request.place.platform === 'discord'
        ? t('persona.managersOnly')
        : t('persona.adminsOnly');
    }
    if (args.toLowerCase() === 'reset') {
      await preferences.resetPersona(request.session);
      return t('persona.reset');
    }
    const result = await preferences.setPersona(request.session, args);
    if (result.status === 'too_long') {
      return t('persona.tooLong', { length: result.length, limit: result.limit });
    }
    return result.status === 'set' ? t('persona.set') : t('persona.none');
  }

  private async model(request: SettingsRequest, t: Translator): Promise<string> {
    const { preferences } = this.service;
    const models = preferences.models;
    const list = () => formatList(t.locale, models.map(escapeMarkdown));
    const name = request.args.trim();
    if (!name) {
      const current = (await preferences.currentModel(request.session)) ?? models[0] ?? '';
      const model = escapeMarkdown(current);
      return models.length > 1
        ? t('model.current', { model, models: list() })
        : t('model.only', { model });
    }
    const choice = await preferences.chooseModel(request.session, name);
    return choice.status === 'chosen'
      ? t('model.chosen', { model: escapeMarkdown(choice.model) })
      : t('model.unknown', { models: list() });
  }

  private async usage(session: SessionRef, t: Translator): Promise<string> {
    const report = await this.service.preferences.usage(session);
    const lines = [t('usage.tokens', { today: report.today, month: report.month })];
    if (report.dailyBudget > 0) {
      const left = Math.max(0, report.dailyBudget - report.today);
      lines.push(t('usage.budget', { budget: report.dailyBudget, left }));
    }
    return lines.join('\n\n');
  }
}
