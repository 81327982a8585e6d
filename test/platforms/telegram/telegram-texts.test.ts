import { describe, expect, it } from 'vitest';
import { markdownToTelegramHtml } from '../../../src/platforms/telegram/telegram-format.js';
import { translator } from '../../../src/platforms/shared/i18n/translate.js';
import { greeting as greetingIn } from '../../../src/platforms/telegram/telegram-texts.js';

const greeting = (name: string, ttlSeconds: number, username: string) =>
  greetingIn(translator('en'), name, ttlSeconds, username);

describe('the /start greeting', () => {
  it('shows a name as text: no link, no formatting, no invisible characters', () => {
    const html = markdownToTelegramHtml(
      greeting('[Claim prize](https://evil.example) **now**\u202e\u200b', 604_800, '@bot'),
    );
    expect(html).not.toContain('<a');
    expect(html).not.toContain('<b>');
    expect(html).toContain('Hi [Claim prize](https://evil.example) **now**!');
    expect(html).not.toMatch(/[\u202e\u200b]/);
  });

  it('turns no e-mail address or www. name into a link', () => {
    const html = markdownToTelegramHtml(greeting('ann@evil.example www.evil.example', 0, '@bot'));
    expect(html).not.toContain('<a');
    expect(html).toContain('Hi ann@evil.example www.evil.example!');
  });

  it('bounds a long name and falls back when none is left', () => {
    expect(greeting('x'.repeat(500), 0, '@bot')).not.toContain('x'.repeat(100));
    expect(greeting('\u200b\u200c', 0, '@bot')).toMatch(/^Hi there!/);
  });
});
