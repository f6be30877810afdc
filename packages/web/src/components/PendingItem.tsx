import { discardMessage, retryMessage } from '../client/actions';
import { displayName, useEntities } from '../store/entities';
import type { PendingMessage } from '../store/messages';
import { Avatar } from './Avatar';

/** A message on its way (greyed) or refused (red, with Retry — same nonce — and Discard). */
export function PendingItem({ pending }: { pending: PendingMessage }) {
  const me = useEntities((state) => state.me);
  const failed = pending.status === 'failed';
  return (
    <article
      className={`message pending${failed ? ' failed' : ''}`}
      aria-label={failed ? 'Message failed to send' : 'Message sending'}
      data-testid="pending-message"
      data-status={pending.status}
      data-nonce={pending.nonce}
    >
      {me !== undefined && <Avatar id={me.id} name={displayName(me)} size={40} />}
      <div className="message-body">
        <div className="message-meta">
          <span className="author">{displayName(me)}</span>
          <span className="muted small">{failed ? 'Failed to send' : 'Sending…'}</span>
        </div>
        <div className="message-content">{pending.content}</div>
        {failed && (
          <div className="pending-actions">
            <button type="button" className="link" onClick={() => retryMessage(pending.channelId, pending.nonce)}>
              Retry
            </button>
            <button
              type="button"
              className="link danger"
              onClick={() => discardMessage(pending.channelId, pending.nonce)}
            >
              Discard
            </button>
          </div>
        )}
      </div>
    </article>
  );
}
