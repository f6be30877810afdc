import { memo, type ReactNode } from 'react';
import { parseMarkdown, type MdNode } from './parse';

export interface MarkdownProps {
  source: string;
  /** Display name for a `<@id>` mention (undefined: unknown user). */
  userName(userId: string): string | undefined;
  /** Whether the mention is of the current user (highlighted). */
  isMe(userId: string): boolean;
}

/** Renders message markdown as React elements: text nodes only, never HTML. */
export const Markdown = memo(function Markdown({ source, userName, isMe }: MarkdownProps) {
  const nodes = parseMarkdown(source);
  return <>{renderNodes(nodes, { userName, isMe })}</>;
});

type Resolve = Pick<MarkdownProps, 'userName' | 'isMe'>;

function renderNodes(nodes: MdNode[], resolve: Resolve): ReactNode[] {
  return nodes.map((node, index) => renderNode(node, index, resolve));
}

function renderNode(node: MdNode, key: number, resolve: Resolve): ReactNode {
  switch (node.type) {
    case 'text':
      return node.text;
    case 'br':
      return <br key={key} />;
    case 'bold':
      return <strong key={key}>{renderNodes(node.children, resolve)}</strong>;
    case 'italic':
      return <em key={key}>{renderNodes(node.children, resolve)}</em>;
    case 'strike':
      return <s key={key}>{renderNodes(node.children, resolve)}</s>;
    case 'code':
      return (
        <code key={key} className="md-code">
          {node.text}
        </code>
      );
    case 'codeblock':
      return (
        <pre key={key} className="md-codeblock" data-lang={node.lang}>
          <code>{node.text}</code>
        </pre>
      );
    case 'quote':
      return (
        <blockquote key={key} className="md-quote">
          {renderNodes(node.children, resolve)}
        </blockquote>
      );
    case 'link':
      return (
        <a key={key} href={node.href} target="_blank" rel="noopener noreferrer nofollow ugc">
          {renderNodes(node.children, resolve)}
        </a>
      );
    case 'mention': {
      const name = resolve.userName(node.userId);
      return (
        <span key={key} className={resolve.isMe(node.userId) ? 'mention mention-me' : 'mention'}>
          @{name ?? 'unknown-user'}
        </span>
      );
    }
  }
}
