import { describe, expect, it } from 'vitest';
import { LocaleMemory } from '../../../src/platforms/shared/i18n/locale-memory.js';

describe('LocaleMemory', () => {
  it('recalls the language of a person’s last interaction, forgetting one the bot does not write', () => {
    const memory = new LocaleMemory();
    memory.remember('ann', 'de');
    expect(memory.recall('ann')).toBe('de');
    memory.remember('ann', 'es-419');
    expect(memory.recall('ann')).toBe('es');
    memory.remember('ann', 'it');
    expect(memory.recall('ann')).toBeUndefined();
    expect(memory.recall('bob')).toBeUndefined();
  });

  it('stays bounded, forgetting the least recently seen first', () => {
    const memory = new LocaleMemory(3);
    for (const person of ['a', 'b', 'c']) memory.remember(person, 'fr');
    memory.recall('a');
    memory.remember('d', 'ja');
    expect(memory.size).toBe(3);
    expect(memory.recall('b')).toBeUndefined();
    expect(memory.recall('a')).toBe('fr');
    for (let i = 0; i < 50_000; i++) memory.remember(`p${i}`, 'ko');
    expect(memory.size).toBe(3);
  });
});
