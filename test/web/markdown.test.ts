import { describe, expect, test } from 'vitest';
import { parseMarkdown, safeHref, type MdNode } from '../../packages/web/src/markdown/parse';

/** The tree as compact text, to compare whole results at a glance. */
function show(nodes: MdNode[]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
          return node.text;
        case 'br':
          return '⏎';
        case 'code':
          return `code(${node.text})`;
        case 'codeblock':
          return `block[${node.lang}](${node.text})`;
        case 'mention':
          return `mention(${node.userId})`;
        case 'link':
          return `link(${node.href}|${show(node.children)})`;
        default:
          return `${node.type}(${show(node.children)})`;
      }
    })
    .join('');
}

describe('message markdown', () => {
  test('the supported subset', () => {
    expect(show(parseMarkdown('**bold** *it* _it_ ~~gone~~ `x<y`'))).toBe(
      'bold(bold) italic(it) italic(it) strike(gone) code(x<y)',
    );
    expect(show(parseMarkdown('```ts\nconst a = 1;\n```'))).toBe('block[ts](const a = 1;)');
    expect(show(parseMarkdown('> quoted\nplain'))).toBe('quote(quoted)plain');
    expect(show(parseMarkdown('hi <@123> and <@!456>'))).toBe('hi mention(123) and mention(456)');
    expect(show(parseMarkdown('see https://example.com/a_b.'))).toBe(
      'see link(https://example.com/a_b|https://example.com/a_b).',
    );
    expect(show(parseMarkdown('[docs](https://example.com/docs) <mailto:a@b.c>'))).toBe(
      'link(https://example.com/docs|docs) link(mailto:a@b.c|mailto:a@b.c)',
    );
    expect(show(parseMarkdown('line one\nline two'))).toBe('line one⏎line two');
    expect(show(parseMarkdown('snake_case_name stays'))).toBe('snake_case_name stays');
    expect(show(parseMarkdown('\\*not italic\\*'))).toBe('*not italic*');
  });

  test('only http, https and mailto become links', () => {
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('JaVaScRiPt:alert(1)')).toBeUndefined();
    expect(safeHref('data:text/html,<b>')).toBeUndefined();
    expect(safeHref('vbscript:x')).toBeUndefined();
    expect(safeHref('https://example.com')).toBe('https://example.com/');
    expect(show(parseMarkdown('[x](javascript:alert(1))'))).toBe('[x](javascript:alert(1))');
    expect(show(parseMarkdown('<javascript:alert(1)>'))).toBe('<javascript:alert(1)>');
    expect(show(parseMarkdown('<img src=x onerror=alert(1)>'))).toBe('<img src=x onerror=alert(1)>');
  });

  test('deep nesting stops being parsed instead of costing unbounded work', () => {
    const deep = `${'**'.repeat(50)}x${'**'.repeat(50)}`;
    expect(() => parseMarkdown(deep)).not.toThrow();
    expect(() => parseMarkdown('*'.repeat(5000))).not.toThrow();
  });
});
