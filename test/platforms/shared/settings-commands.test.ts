import { afterEach, describe, expect, it } from 'vitest';
import { telegramSession } from '../../../src/core/session-id.js';
import { InMemoryMemoryStore } from '../../../src/memory/in-memory-store.js';
import { translator } from '../../../src/platforms/shared/i18n/translate.js';
import { SettingsCommands } from '../../../src/platforms/shared/settings-commands.js';
import { makeService } from '../../support/core.js';
import { ScriptedChatModel } from '../../support/scripted-chat-model.js';

const session = telegramSession({ chatId: -7, userId: 7 });
const place = { platform: 'telegram', userId: '7', chatId: '-7' } as const;
const store = new InMemoryMemoryStore({ ttlSeconds: 60, maxTokens: 1000, maxMessages: 100 });
const t = translator('en');

describe('SettingsCommands', () => {
  const services: ReturnType<typeof makeService>[] = [];
  afterEach(async () => {
    for (const service of services.splice(0)) await service.close(10);
  });
  const commands = (settings: Parameters<typeof makeService>[0]['settings']) => {
    const service = makeService({ store, chatModel: new ScriptedChatModel(() => 'x'), settings });
    services.push(service);
    return new SettingsCommands(service);
  };
  const run = (c: SettingsCommands, name: string, args = '', canManageChat = () => true) =>
    c.run({ name, args, session, place, canManageChat }, t).then((answer) => answer.text);

  it('says a persona over the limit is too long, and never asks who may when only reading', async () => {
    const c = commands({ personaMaxChars: 5 });
    expect(await run(c, 'persona', 'far too long')).toBe(
      'That persona is 12 characters long, and a persona can have at most 5. Please shorten it.',
    );
    let asked = 0;
    expect(await run(c, 'persona', '', () => (asked += 1) > 0)).toMatch(
      /^This chat has no persona/,
    );
    expect(asked).toBe(0);
    expect(await run(c, 'persona', 'Pir_8', () => true)).toMatch(/^Done/);
    expect(await run(c, 'persona')).toBe(
      'The persona of this chat:\n\nPir\\_8\n\n/persona reset removes it.',
    );
  });

  it('shows the only model when one is offered, and usage with the allowance when there is one', async () => {
    const c = commands({
      models: { default: 'tiny', allowed: ['tiny'] },
      dailyTokenBudget: 1000,
    });
    expect(await run(c, 'model')).toBe('I answer you with tiny: it is the only model I offer.');
    expect(await run(c, 'usage')).toBe(
      'Tokens you used today: 0. This month: 0. Answers, summaries of our conversations and the ' +
        'facts I learn all count.\n\nYour daily allowance is 1,000 tokens: 1,000 left today. It ' +
        'starts again at midnight UTC.',
    );
  });
});
