/**
 * The safe markdown subset of chat messages, parsed into a small tree that `render.tsx` turns into
 * React elements. Nothing here ever produces HTML: text stays text, and a link is kept only when
 * its URL is http, https or mailto.
 */
export type MdNode =
  | { type: 'text'; text: string }
  | { type: 'bold' | 'italic' | 'strike'; children: MdNode[] }
  | { type: 'code'; text: string }
  | { type: 'codeblock'; lang: string; text: string }
  | { type: 'link'; href: string; children: MdNode[] }
  | { type: 'quote'; children: MdNode[] }
  | { type: 'mention'; userId: string }
  | { type: 'br' };

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
/** Deeper nesting is shown as plain text: bounds the work a crafted message can cause. */
const MAX_DEPTH = 6;

/** The URL if it is http(s) or mailto and parses; otherwise undefined (the text is shown as is). */
export function safeHref(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : undefined;
}

interface InlineRule {
  re: RegExp;
  /** Only at the start of a word (autolinks: "xhttp://" is not a link). */
  wordStart?: boolean;
  make(match: RegExpExecArray, depth: number): MdNode | undefined;
}

const INLINE_RULES: InlineRule[] = [
  { re: /\\([*_~`\\<>[\]])/y, make: (m) => ({ type: 'text', text: m[1] ?? '' }) },
  { re: /`([^`\n]+)`/y, make: (m) => ({ type: 'code', text: m[1] ?? '' }) },
  { re: /<@!?(\d{1,20})>/y, make: (m) => ({ type: 'mention', userId: m[1] ?? '' }) },
  { re: /<((?:https?:\/\/|mailto:)[^\s>]+)>/y, make: (m) => linkOf(m[1] ?? '', m[1] ?? '') },
  {
    re: /\[([^\]\n]{1,200})\]\(((?:https?:\/\/|mailto:)[^\s)]+)\)/y,
    make: (m, depth) => linkOf(m[2] ?? '', m[1] ?? '', depth),
  },
  { re: /https?:\/\/[^\s<]*[^\s<.,:;"')\]!?]/y, wordStart: true, make: (m) => linkOf(m[0], m[0]) },
  { re: /\*\*([\s\S]+?)\*\*(?!\*)/y, make: (m, depth) => wrap('bold', m[1] ?? '', depth) },
  { re: /~~([\s\S]+?)~~/y, make: (m, depth) => wrap('strike', m[1] ?? '', depth) },
  { re: /\*([^\s*](?:[\s\S]*?[^\s*])?)\*(?!\*)/y, make: (m, depth) => wrap('italic', m[1] ?? '', depth) },
  { re: /_([^\s_](?:[\s\S]*?[^\s_])?)_(?![A-Za-z0-9_])/y, make: (m, depth) => wrap('italic', m[1] ?? '', depth) },
];

/** Plain text up to the next character that could start a rule. */
const TEXT_RUN = /[\s\S][^\\`<[h*~_\n]*/y;

function linkOf(href: string, label: string, depth = MAX_DEPTH): MdNode | undefined {
  const safe = safeHref(href);
  if (safe === undefined) return undefined;
  const children = depth >= MAX_DEPTH ? [{ type: 'text' as const, text: label }] : parseInline(label, depth + 1);
  return { type: 'link', href: safe, children };
}

function wrap(type: 'bold' | 'italic' | 'strike', inner: string, depth: number): MdNode | undefined {
  if (depth >= MAX_DEPTH) return undefined;
  return { type, children: parseInline(inner, depth + 1) };
}

/** Inline markup of one paragraph (newlines become line breaks). */
export function parseInline(source: string, depth = 0): MdNode[] {
  const out: MdNode[] = [];
  const pushText = (text: string): void => {
    const last = out[out.length - 1];
    if (last?.type === 'text') last.text += text;
    else out.push({ type: 'text', text });
  };
  let pos = 0;
  outer: while (pos < source.length) {
    if (source[pos] === '\n') {
      out.push({ type: 'br' });
      pos++;
      continue;
    }
    const atWordStart = pos === 0 || !/[A-Za-z0-9]/.test(source[pos - 1] ?? '');
    for (const rule of INLINE_RULES) {
      if (rule.wordStart === true && !atWordStart) continue;
      rule.re.lastIndex = pos;
      const match = rule.re.exec(source);
      if (match === null) continue;
      const node = rule.make(match, depth);
      if (node === undefined) continue;
      if (node.type === 'text') pushText(node.text);
      else out.push(node);
      pos += match[0].length;
      continue outer;
    }
    TEXT_RUN.lastIndex = pos;
    const run = TEXT_RUN.exec(source);
    const text = run?.[0] ?? source[pos] ?? '';
    pushText(text);
    pos += text.length;
  }
  return out;
}

/** Whole message: fenced code blocks, quote lines ("> "), and inline markup elsewhere. */
export function parseMarkdown(source: string): MdNode[] {
  const out: MdNode[] = [];
  const fence = /```(?:([A-Za-z0-9_+-]{1,20})\n)?([\s\S]*?)```/g;
  let last = 0;
  for (let match = fence.exec(source); match !== null; match = fence.exec(source)) {
    out.push(...parseBlocks(source.slice(last, match.index)));
    out.push({ type: 'codeblock', lang: match[1] ?? '', text: (match[2] ?? '').replace(/^\n|\n$/g, '') });
    last = match.index + match[0].length;
  }
  out.push(...parseBlocks(source.slice(last)));
  return out;
}

function parseBlocks(source: string): MdNode[] {
  if (source.length === 0) return [];
  const out: MdNode[] = [];
  const lines = source.split('\n');
  let plain: string[] = [];
  let quote: string[] = [];
  const flushPlain = (): void => {
    if (plain.length > 0) out.push(...parseInline(plain.join('\n')));
    plain = [];
  };
  const flushQuote = (): void => {
    if (quote.length > 0) out.push({ type: 'quote', children: parseInline(quote.join('\n')) });
    quote = [];
  };
  for (const line of lines) {
    const quoted = /^> ?(.*)$/.exec(line);
    if (quoted !== null) {
      flushPlain();
      quote.push(quoted[1] ?? '');
    } else {
      flushQuote();
      plain.push(line);
    }
  }
  flushPlain();
  flushQuote();
  return out;
}
