import { Permission, type Channel, type GuildMember, type User } from '@concord/protocol';
import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { notifyTyping, sendMessage, typingStopped } from '../client/actions';
import { memberName, useEntities } from '../store/entities';
import { useMessages } from '../store/messages';
import { setEditing, setReplyTo, useUi } from '../store/ui';
import { channelPermissions, has } from '../lib/permissions';
import { EmojiPicker } from './EmojiPicker';
import { privateChannelName } from './DmList';
import { Icon } from './Icon';

const MAX_SUGGESTIONS = 8;

/** The message box: Enter sends, Shift+Enter breaks the line, Up edits the last own message, @ suggests. */
export function Composer({ channel }: { channel: Channel }) {
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [picker, setPicker] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  // Where the caret goes once React has written a text we changed ourselves (a mention, an emoji).
  // It is placed in the same commit, before the next keystroke: a frame later, keys typed in the
  // meantime would land in the middle of the text.
  const caretAfterCommit = useRef<number | undefined>(undefined);
  useLayoutEffect(() => {
    const position = caretAfterCommit.current;
    if (position === undefined) return;
    caretAfterCommit.current = undefined;
    input.current?.setSelectionRange(position, position);
  });
  const me = useEntities((state) => state.me);
  const guild = useEntities((state) => (channel.guild_id === undefined ? undefined : state.guilds[channel.guild_id]));
  const members = useEntities((state) =>
    channel.guild_id === undefined ? undefined : state.members[channel.guild_id],
  );
  const replyId = useUi((state) => state.replyTo[channel.id]);
  const replyMessage = useMessages((state) =>
    replyId === undefined ? undefined : state.byChannel[channel.id]?.items.find((item) => item.id === replyId),
  );
  const member = me === undefined ? undefined : members?.[me.id];
  const canSend =
    guild === undefined ||
    (me !== undefined && has(channelPermissions(guild, member, me.id, channel), Permission.SEND_MESSAGES));

  const query = /(^|\s)@([a-z0-9_.]{0,32})$/i.exec(text.slice(0, caret));
  const candidates = query === null ? [] : suggest(query[2] ?? '', channel, members, me);

  const place = channel.guild_id === undefined ? privateChannelName(channel, me?.id) : `#${channel.name ?? ''}`;

  function insertMention(user: User): void {
    if (query === null) return;
    const start = caret - (query[2] ?? '').length - 1;
    const next = `${text.slice(0, start)}@${user.username} ${text.slice(caret)}`;
    const position = start + user.username.length + 2;
    replaceText(next, position);
  }

  function replaceText(next: string, position: number): void {
    setText(next);
    setCaret(position);
    caretAfterCommit.current = position;
  }

  function send(): void {
    const content = text.trim();
    if (content.length === 0) return;
    sendMessage(channel.id, content, replyId, channel.guild_id);
    setText('');
    setCaret(0);
    setReplyTo(channel.id, undefined);
    typingStopped(channel.id);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (candidates.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((active + step + candidates.length) % candidates.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        const chosen = candidates[Math.min(active, candidates.length - 1)];
        if (chosen !== undefined) insertMention(chosen);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    } else if (event.key === 'ArrowUp' && text.length === 0) {
      const items = useMessages.getState().byChannel[channel.id]?.items ?? [];
      const lastOwn = [...items].reverse().find((item) => item.author.id === me?.id);
      if (lastOwn !== undefined) {
        event.preventDefault();
        setEditing(lastOwn.id);
      }
    } else if (event.key === 'Escape' && replyId !== undefined) {
      setReplyTo(channel.id, undefined);
    }
  }

  return (
    <div className="composer">
      {replyId !== undefined && (
        <div className="reply-bar" data-testid="reply-bar">
          <span>
            Replying to{' '}
            <strong>
              {replyMessage === undefined ? 'a message' : memberName(channel.guild_id, replyMessage.author.id)}
            </strong>
          </span>
          <button
            type="button"
            className="icon-button"
            aria-label="Cancel reply"
            onClick={() => setReplyTo(channel.id, undefined)}
          >
            <Icon name="close" size={16} />
          </button>
        </div>
      )}
      {candidates.length > 0 && (
        <ul className="mention-suggestions" role="listbox" id="mention-listbox" aria-label="Members matching">
          {candidates.map((user, index) => (
            <li
              key={user.id}
              id={`mention-option-${user.id}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'active' : ''}
              onMouseDown={(event) => {
                event.preventDefault();
                insertMention(user);
              }}
            >
              <strong>{memberName(channel.guild_id, user.id)}</strong> <span className="muted">@{user.username}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="composer-box">
        <textarea
          ref={input}
          id="composer-input"
          aria-label={`Message ${place}`}
          placeholder={canSend ? `Message ${place}` : 'You do not have permission to send messages here'}
          disabled={!canSend}
          rows={Math.min(10, text.split('\n').length)}
          value={text}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={candidates.length > 0}
          aria-controls={candidates.length > 0 ? 'mention-listbox' : undefined}
          aria-activedescendant={
            candidates.length > 0
              ? `mention-option-${candidates[Math.min(active, candidates.length - 1)]?.id ?? ''}`
              : undefined
          }
          maxLength={4000}
          onChange={(event) => {
            setText(event.target.value);
            setCaret(event.target.selectionStart);
            setActive(0);
            if (event.target.value.length > 0) notifyTyping(channel.id);
          }}
          onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
        />
        <button
          type="button"
          className="icon-button"
          aria-label="Insert emoji"
          aria-expanded={picker}
          onClick={() => setPicker(!picker)}
        >
          <Icon name="smile" size={22} />
        </button>
      </div>
      {picker && (
        <EmojiPicker
          label="Insert emoji"
          onClose={() => setPicker(false)}
          onPick={(emoji) => {
            replaceText(`${text.slice(0, caret)}${emoji}${text.slice(caret)}`, caret + emoji.length);
            setPicker(false);
            input.current?.focus();
          }}
        />
      )}
    </div>
  );
}

/** Members (or DM recipients) whose username, display name or nickname starts with what was typed. */
function suggest(
  typed: string,
  channel: Channel,
  members: Record<string, GuildMember> | undefined,
  me: User | undefined,
): User[] {
  const pool =
    members !== undefined
      ? Object.values(members).map((member) => member.user)
      : [...(channel.recipients ?? []), ...(me === undefined ? [] : [me])];
  const needle = typed.toLowerCase();
  return pool
    .filter((user) =>
      [user.username, user.global_name ?? '', memberName(channel.guild_id, user.id)].some((name) =>
        name.toLowerCase().startsWith(needle),
      ),
    )
    .slice(0, MAX_SUGGESTIONS);
}
