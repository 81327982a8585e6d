import { marked, type Token, type Tokens } from 'marked';

/**
 * Renders a model's Markdown as the HTML subset Telegram accepts (`parse_mode: 'HTML'`): bold,
 * italic, strikethrough, inline code, code blocks with a language, links and quotes. Everything
 * else is escaped, so the output always parses; headings become bold lines, lists bullets,
 * tables preformatted text. Built on marked's lexer, so unusual Markdown degrades to text.
 */
export function markdownToTelegramHtml(markdown: string): string {
  let tokens: Token[];
  try {
    tokens = marked.lexer(markdown);
  } catch {
    return escapeHtml(markdown);
  }
  return blocks(tokens).trim();
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
    return String.fromCodePoint(code);
  });
}

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
    case 'blockquote':
      return `<blockquote>${blocks((token as Tokens.Blockquote).tokens)}</blockquote>`;
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
      return /^(https?:|tg:|mailto:)/i.test(link.href)
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
