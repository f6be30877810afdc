import type { Message } from '@concord/protocol';
import { useState } from 'react';
import { editMessage } from '../client/actions';
import { setEditing } from '../store/ui';

/** Inline edit: Enter saves, Escape cancels (as in Discord). */
export function MessageEditor({ message, guildId }: { message: Message; guildId: string | undefined }) {
  const [text, setText] = useState(message.content);
  const [error, setError] = useState<string | undefined>(undefined);

  async function save(): Promise<void> {
    const content = text.trim();
    if (content === message.content || content.length === 0) {
      setEditing(undefined);
      return;
    }
    try {
      await editMessage(message.channel_id, message.id, content, guildId);
      setEditing(undefined);
      document.getElementById('composer-input')?.focus();
    } catch {
      setError('Could not save the edit.');
    }
  }

  return (
    <div className="message-editor">
      <textarea
        aria-label="Edit message"
        autoFocus
        value={text}
        rows={Math.min(8, text.split('\n').length)}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey) {
            event.preventDefault();
            void save();
          } else if (event.key === 'Escape') {
            event.preventDefault();
            setEditing(undefined);
            document.getElementById('composer-input')?.focus();
          }
        }}
      />
      <p className="muted small">
        escape to <span>cancel</span> • enter to <span>save</span>
        {error !== undefined && (
          <span className="form-error" role="alert">
            {' '}
            {error}
          </span>
        )}
      </p>
    </div>
  );
}
