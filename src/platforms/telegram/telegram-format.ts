import { marked, type Token, type Tokens } from 'marked';

/**
 * Renders a model's Markdown as the HTML subset Telegram accepts (`parse_mode: 'HTML'`): bold,
 * italic, strikethrough, inline code, code blocks with a language, web and mail links, and quotes.
 * Everything else is escaped, so the output always parses; headings become bold lines, lists
 * bullets, tables preformatted text. Built on marked's lexer, so unusual Markdown degrades to text.
 * Never throws: model output is untrusted, and on any failure (a lexer or recursion limit) the
 * answer is sent as escaped plain text. The result is always well-formed UTF-16.
 */
export function markdownToTelegramHtml(markdown: string): string {
  const text = markdown.toWellFormed();
  try {
    return blocks(marked.lexer(text)).trim();
  } catch {
    return escapeHtml(text);
  }
}

/** Length of the text Telegram sees after parsing the HTML: what its 4,096 limit counts. */
export function visibleLength(html: string): number {
  return decodeEntities(html.replace(/<[^>]*>/g, '')).length;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

/**
 * Decodes the entities marked leaves in text and those we write. A numeric reference to no
 * character (0, a surrogate, beyond U+10FFFF) becomes U+FFFD, as HTML parsers do; it used to throw.
 */
function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|#\d+|#x[\da-f]+);/gi, (_, name: string) => {
    const lower = name.toLowerCase();
    if (lower === 'lt') return '<';
    if (lower === 'gt') return '>';
    if (lower === 'amp') return '&';
    if (lower === 'quot') return '"';
    const code = lower.startsWith('#x')
      ? parseInt(lower.slice(2), 16)
      : parseInt(lower.slice(1), 10);
    const isCharacter =
      Number.isSafeInteger(code) &&
      code > 0 &&
      code <= 0x10ffff &&
      (code < 0xd800 || code > 0xdfff);
    return isCharacter ? String.fromCodePoint(code) : '\uFFFD';
  });
}

/**
 * Links that may become `<a>`: web and mail. Not `tg:` — `tg://user?id=` (and `openmessage`)
 * mention and notify that person — nor any scheme a browser could run.
 */
const LINKABLE = /^(https?:|mailto:)/i;

function blocks(tokens: Token[]): string {
  return tokens
    .map(block)
    .filter((html) => html.length > 0)
    .join('\n\n');
}

function block(token: Token): string {
  switch (token.type) {
    case 'space':
    case 'def':
      return '';
    case 'heading':
      return `<b>${inline((token as Tokens.Heading).tokens)}</b>`;
    case 'paragraph':
      return inline((token as Tokens.Paragraph).tokens);
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens) : escapeHtml(text.text);
    }
    case 'code': {
      const code = token as Tokens.Code;
      const language = /^[\w#+.-]{1,32}$/.exec(code.lang?.trim() ?? '')?.[0];
      const body = escapeHtml(code.text);
      return language
        ? `<pre><code class="language-${language}">${body}</code></pre>`
        : `<pre>${body}</pre>`;
    }
    case 'blockquote': {
      // Telegram rejects a blockquote inside another: an inner quote joins the outer one. Every
      // `<` of the text is escaped, so these tags are only ever ours.
      const inner = blocks((token as Tokens.Blockquote).tokens).replace(/<\/?blockquote>/g, '');
      return `<blockquote>${inner}</blockquote>`;
    }
    case 'list':
      return list(token as Tokens.List, 0);
    case 'hr':
      return '———';
    case 'table':
      return `<pre>${escapeHtml(token.raw.trimEnd())}</pre>`;
    default:
      return escapeHtml(token.raw.trimEnd());
  }
}

function list(token: Tokens.List, depth: number): string {
  const start = typeof token.start === 'number' ? token.start : 1;
  return token.items
    .map((item, index) => {
      const marker = token.ordered ? `${start + index}.` : depth === 0 ? '•' : '◦';
      const parts = item.tokens.map((child) =>
        child.type === 'list' ? list(child as Tokens.List, depth + 1) : block(child),
      );
      const checkbox = item.task ? (item.checked ? '☑ ' : '☐ ') : '';
      return `${'  '.repeat(depth)}${marker} ${checkbox}${parts.filter(Boolean).join('\n')}`;
    })
    .join('\n');
}

function inline(tokens: Token[] | undefined): string {
  if (!tokens) return '';
  return tokens.map(inlineToken).join('');
}

function inlineToken(token: Token): string {
  switch (token.type) {
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens) : escapeHtml(decodeEntities(text.text));
    }
    case 'escape':
      return escapeHtml((token as Tokens.Escape).text);
    case 'strong':
      return `<b>${inline((token as Tokens.Strong).tokens)}</b>`;
    case 'em':
      return `<i>${inline((token as Tokens.Em).tokens)}</i>`;
    case 'del':
      return `<s>${inline((token as Tokens.Del).tokens)}</s>`;
    case 'codespan':
      return `<code>${escapeHtml(decodeEntities((token as Tokens.Codespan).text))}</code>`;
    case 'br':
      return '\n';
    case 'link': {
      const link = token as Tokens.Link;
      const label = inline(link.tokens) || escapeHtml(link.href);
      return LINKABLE.test(link.href)
        ? `<a href="${escapeAttribute(link.href)}">${label}</a>`
        : label;
    }
    case 'image': {
      const image = token as Tokens.Image;
      return /^https?:/i.test(image.href)
        ? `<a href="${escapeAttribute(image.href)}">${escapeHtml(image.text || image.href)}</a>`
        : escapeHtml(image.text);
    }
    default:
      return escapeHtml(token.raw);
  }
}
