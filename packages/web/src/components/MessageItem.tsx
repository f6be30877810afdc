import { MessageType, type Message } from '@concord/protocol';
import { memo, useState } from 'react';
import { deleteMessage, toggleReaction } from '../client/actions';
import { Markdown } from '../markdown/Markdown';
import { memberName, useEntities } from '../store/entities';
import { openModal, setEditing, setReplyTo, useUi } from '../store/ui';
import { formatFull, formatStamp, formatTime } from '../lib/time';
import { Avatar } from './Avatar';
import { EmojiPicker } from './EmojiPicker';
import { MessageEditor } from './MessageEditor';
import { Icon } from './Icon';

interface Props {
  message: Message;
  grouped: boolean;
  mine: boolean;
  canManage: boolean;
  guildId: string | undefined;
}

const SYSTEM_TEXT: Partial<Record<number, string>> = {
  [MessageType.RECIPIENT_ADD]: 'added someone to the group.',
  [MessageType.RECIPIENT_REMOVE]: 'left the group.',
  [MessageType.CHANNEL_NAME_CHANGE]: 'changed the channel name.',
  [MessageType.GUILD_MEMBER_JOIN]: 'joined the server. Say hi!',
};

/** One message: author line (unless grouped), reply preview, markdown body, reactions, and actions. */
export const MessageItem = memo(function MessageItem({ message, grouped, mine, canManage, guildId }: Props) {
  const editing = useUi((state) => state.editing === message.id);
  const meId = useEntities((state) => state.me?.id);
  const [picker, setPicker] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const author = memberName(guildId, message.author.id);
  const mentionsMe =
    meId !== undefined && (message.mention_everyone || message.mentions.some((user) => user.id === meId));
  const userName = (id: string): string | undefined => {
    const found = message.mentions.find((user) => user.id === id);
    return found === undefined ? memberName(guildId, id) : memberName(guildId, found.id);
  };
  const system = SYSTEM_TEXT[message.type];
  if (system !== undefined) {
    return (
      <article className="message system" aria-label={`${author} ${system}`}>
        <span className="system-arrow" aria-hidden="true">
          →
        </span>
        <span>
          <strong>{author}</strong> {system}
        </span>
        <time className="muted small" dateTime={message.timestamp}>
          {formatStamp(message.timestamp)}
        </time>
      </article>
    );
  }
  const reference = message.referenced_message;
  return (
    <article
      className={`message${grouped ? ' grouped' : ''}${mentionsMe ? ' mentions-me' : ''}`}
      aria-label={`${author}: ${message.content.slice(0, 200)}`}
      data-testid="message"
      data-seq={message.seq}
      data-message-id={message.id}
      tabIndex={-1}
    >
      {message.message_reference !== undefined && (
        <div className="reply-preview" data-testid="reply-preview">
          <span className="reply-spine" aria-hidden="true" />
          {reference === null || reference === undefined ? (
            <span className="muted">Original message was deleted</span>
          ) : (
            <>
              <span className="reply-author">@{memberName(guildId, reference.author.id)}</span>
              <span className="reply-text">{reference.content.slice(0, 120)}</span>
            </>
          )}
        </div>
      )}
      <div className="message-row">
        {grouped ? (
          <time className="hover-time muted small" dateTime={message.timestamp} title={formatFull(message.timestamp)}>
            {formatTime(message.timestamp)}
          </time>
        ) : (
          <button
            type="button"
            className="avatar-button"
            aria-label={`Open profile of ${author}`}
            onClick={() => openModal({ kind: 'user-profile', userId: message.author.id, guildId })}
          >
            <Avatar id={message.author.id} name={author} size={40} />
          </button>
        )}
        <div className="message-body">
          {!grouped && (
            <div className="message-meta">
              <span className="author">{author}</span>
              {message.author.bot === true && <span className="bot-tag">BOT</span>}
              <time className="muted small" dateTime={message.timestamp} title={formatFull(message.timestamp)}>
                {formatStamp(message.timestamp)}
              </time>
            </div>
          )}
          {editing ? (
            <MessageEditor message={message} guildId={guildId} />
          ) : (
            <div className="message-content" data-testid="message-content">
              <Markdown source={message.content} userName={userName} isMe={(id) => id === meId} />
              {message.edited_timestamp !== null && (
                <span className="edited muted small" title={formatFull(message.edited_timestamp)}>
                  {' '}
                  (edited)
                </span>
              )}
            </div>
          )}
          {(message.reactions?.length ?? 0) > 0 && (
            <div className="reactions" role="group" aria-label="Reactions">
              {message.reactions?.map((reaction) => (
                <button
                  key={reaction.emoji.name ?? ''}
                  type="button"
                  className={`reaction${reaction.me ? ' mine' : ''}`}
                  aria-pressed={reaction.me}
                  aria-label={`${reaction.emoji.name ?? ''} ${reaction.count}`}
                  onClick={() => void toggleReaction(message, reaction.emoji.name ?? '')}
                >
                  <span aria-hidden="true">{reaction.emoji.name}</span> {reaction.count}
                </button>
              ))}
            </div>
          )}
        </div>
      </div>
      <div className="message-actions" role="toolbar" aria-label="Message actions">
        <button type="button" aria-label="Add reaction" title="Add reaction" onClick={() => setPicker(!picker)}>
          <Icon name="smile" />
        </button>
        <button type="button" aria-label="Reply" title="Reply" onClick={() => replyTo(message)}>
          <Icon name="reply" />
        </button>
        {mine && (
          <button type="button" aria-label="Edit" title="Edit" onClick={() => setEditing(message.id)}>
            <Icon name="edit" />
          </button>
        )}
        {(mine || canManage) &&
          (confirmDelete ? (
            <>
              <button
                type="button"
                className="danger"
                onClick={() => void deleteMessage(message.channel_id, message.id)}
              >
                Confirm delete
              </button>
              <button type="button" onClick={() => setConfirmDelete(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button type="button" aria-label="Delete" title="Delete" onClick={() => setConfirmDelete(true)}>
              <Icon name="trash" />
            </button>
          ))}
      </div>
      {picker && (
        <EmojiPicker
          label="Add reaction"
          onClose={() => setPicker(false)}
          onPick={(emoji) => {
            setPicker(false);
            void toggleReaction(message, emoji);
          }}
        />
      )}
    </article>
  );
});

function replyTo(message: Message): void {
  setReplyTo(message.channel_id, message.id);
  document.getElementById('composer-input')?.focus();
}
