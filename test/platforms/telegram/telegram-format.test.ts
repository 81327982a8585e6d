import { describe, expect, it } from 'vitest';
import {
  markdownToTelegramHtml,
  visibleLength,
} from '../../../src/platforms/telegram/telegram-format.js';
import { telegramChunks } from '../../../src/platforms/telegram/telegram-replier.js';
import { expectWholeGraphemes, GRAPHEME_CASES } from '../shared/grapheme-cases.js';

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
    // Telegram refuses nested blockquotes: the inner one joins the outer.
    expect(markdownToTelegramHtml('> outer\n>\n> > inner')).toBe(
      '<blockquote>outer\n\ninner</blockquote>',
    );
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

  it('decodes numeric entities safely: out-of-range, surrogate and NUL code points do not throw', () => {
    // Issue 10, item 12: `&#99999999;` threw RangeError and the person got "Sorry, something went wrong".
    expect(markdownToTelegramHtml('a &#99999999; b')).toBe('a \uFFFD b');
    expect(markdownToTelegramHtml('`&#x110000;` &#99999999999999999999999;')).toBe(
      '<code>\uFFFD</code> \uFFFD',
    );
    expect(markdownToTelegramHtml('&#xD800; &#0; &#65; &#x1F600; &#38;lt;')).toBe(
      '\uFFFD \uFFFD A 😀 &amp;lt;',
    );
    expect(visibleLength('&#99999999; &#xD83D;')).toBe(3);
  });

  it('never returns malformed UTF-16, even from lone surrogates in the answer', () => {
    const html = markdownToTelegramHtml('half \uD83D pair **\uDE00**');
    expect(html.isWellFormed()).toBe(true);
    expect(html).toBe('half \uFFFD pair <b>\uFFFD</b>');
  });

  it('renders tg: links as their text, so model output cannot mention anyone', () => {
    // Issue 10, item 11: a `tg://user?id=` link in a group message notifies that user.
    expect(markdownToTelegramHtml('[Bob](tg://user?id=123456) said hi')).toBe('Bob said hi');
    expect(markdownToTelegramHtml('[x](TG://openmessage?user_id=42)')).toBe('x');
    expect(markdownToTelegramHtml('<tg://user?id=1>')).toBe('tg://user?id=1');
    expect(markdownToTelegramHtml('[ref][b]\n\n[b]: tg://user?id=7')).toBe('ref');
    expect(markdownToTelegramHtml('![pic](tg://user?id=7)')).toBe('pic');
    expect(markdownToTelegramHtml('[site](https://example.com)')).toBe(
      '<a href="https://example.com">site</a>',
    );
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

  describe('never cuts a character (4,096 code units of visible text)', () => {
    for (const { name, text } of GRAPHEME_CASES) {
      it(name, () => {
        const pieces = telegramChunks(text);
        expect(pieces.length).toBeGreaterThan(1);
        for (const piece of pieces) {
          const html = markdownToTelegramHtml(piece);
          expect(html.isWellFormed()).toBe(true);
          expect(visibleLength(html)).toBeLessThanOrEqual(4096);
        }
        expectWholeGraphemes(text, pieces);
      });
    }
  });
});
