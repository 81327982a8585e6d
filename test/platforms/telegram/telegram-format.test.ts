import { describe, expect, it } from 'vitest';
import {
  markdownToTelegramHtml,
  visibleLength,
} from '../../../src/platforms/telegram/telegram-format.js';
import { telegramChunks } from '../../../src/platforms/telegram/telegram-replier.js';

describe('markdownToTelegramHtml', () => {
  it('renders the formatting Telegram supports', () => {
    expect(
      markdownToTelegramHtml('**bold** *it* ~~gone~~ `x < y` [site](https://example.com/?a=1&b=2)'),
    ).toBe(
      '<b>bold</b> <i>it</i> <s>gone</s> <code>x &lt; y</code> <a href="https://example.com/?a=1&amp;b=2">site</a>',
    );
    expect(markdownToTelegramHtml('```python\nprint("a < b")\n```')).toBe(
      '<pre><code class="language-python">print("a < b")</code></pre>'.replace('a < b', 'a &lt; b'),
    );
    expect(markdownToTelegramHtml('```\nplain\n```')).toBe('<pre>plain</pre>');
    expect(markdownToTelegramHtml('> quoted')).toBe('<blockquote>quoted</blockquote>');
  });

  it('escapes everything else, including raw HTML and unsafe links', () => {
    expect(markdownToTelegramHtml('<script>alert(1)</script> & 5 > 3')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; 5 &gt; 3',
    );
    expect(markdownToTelegramHtml('[click](javascript:alert(1))')).toBe('click');
  });

  it('turns headings, lists and tables into readable text', () => {
    expect(markdownToTelegramHtml('# Title\n\n- one\n- two\n  - deep\n\n1. first\n2. second')).toBe(
      '<b>Title</b>\n\n• one\n• two\n  ◦ deep\n\n1. first\n2. second',
    );
    expect(markdownToTelegramHtml('| a | b |\n|---|---|\n| 1 | 2 |')).toBe(
      '<pre>| a | b |\n|---|---|\n| 1 | 2 |</pre>',
    );
  });

  it('always produces balanced tags, even from broken Markdown', () => {
    for (const md of [
      '**unclosed bold',
      '`unclosed code',
      '```\nunclosed fence',
      '*a **b* c**',
      '<b>fake</i>',
    ]) {
      const html = markdownToTelegramHtml(md);
      const tags = [...html.matchAll(/<\/?([a-z]+)[^>]*>/g)].map((m) =>
        m[0].startsWith('</') ? `/${m[1]}` : m[1]!,
      );
      const stack: string[] = [];
      for (const tag of tags) {
        if (tag.startsWith('/')) expect(stack.pop()).toBe(tag.slice(1));
        else stack.push(tag);
      }
      expect(stack).toEqual([]);
    }
  });

  it('counts the text Telegram sees', () => {
    expect(visibleLength('<b>ab</b> &lt;c&gt; &amp;')).toBe(8);
  });
});

describe('telegramChunks', () => {
  it('splits a 10,000-character answer into pieces that each fit 4,096 once rendered', () => {
    const paragraph = '**Note:** ' + 'this & that < those '.repeat(20);
    const code =
      '```js\n' +
      Array.from({ length: 120 }, (_, i) => `console.log(${i} < ${i + 1});`).join('\n') +
      '\n```';
    const answer = [...Array.from({ length: 20 }, () => paragraph), code, paragraph].join('\n\n');
    expect(answer.length).toBeGreaterThan(10_000);
    const pieces = telegramChunks(answer);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    for (const piece of pieces)
      expect(visibleLength(markdownToTelegramHtml(piece))).toBeLessThanOrEqual(4096);
  });
});
