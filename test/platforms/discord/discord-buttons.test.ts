import { describe, expect, it } from 'vitest';
import { componentsOf } from '../../../src/platforms/discord/discord-buttons.js';
import { actionOf } from '../../../src/platforms/discord/discord-mapping.js';

const press = (userId: string, askedBy: string | null, guildId: string | null = '10') => ({
  customId: 'fact:del:abc',
  guildId,
  channelId: '20',
  user: { id: userId },
  message: { interactionMetadata: askedBy ? { user: { id: askedBy } } : null },
});

describe('Discord button presses', () => {
  it('become an action of the presser where it was pressed; foreign when the answer was not theirs', () => {
    expect(actionOf(press('1', '1'))).toEqual({
      actionId: 'fact:del:abc',
      session: { platform: 'discord', userId: '1', id: 'discord:g10:c20:u1' },
      place: { platform: 'discord', userId: '1', guildId: '10' },
      foreign: false,
    });
    expect(actionOf(press('2', '1'))!.foreign).toBe(true);
    expect(actionOf(press('1', null, null))!.session.id).toBe('discord:dm:u1');
    expect(actionOf({ ...press('x', null), user: { id: 'x' } })).toBeUndefined();
  });

  it('render as rows of at most five buttons, at most five rows, labels cut to 80', () => {
    const actions = Array.from({ length: 30 }, (_, i) => ({
      id: `fact:del:${i}`,
      label: `${i} ${'x'.repeat(100)}`,
    }));
    const rows = componentsOf({ text: 't', actions });
    expect(rows).toHaveLength(5);
    expect(rows.every((row) => row.components.length === 5)).toBe(true);
    const first = rows[0]!.components[0] as { custom_id: string; label: string; style: number };
    expect(first).toMatchObject({ custom_id: 'fact:del:0', style: 2 });
    expect(Array.from(first.label)).toHaveLength(80);
    expect(componentsOf({ text: 't' })).toEqual([]);
  });
});
