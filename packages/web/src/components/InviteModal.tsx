import { useState } from 'react';
import { Modal } from './Modal';

export function inviteLink(code: string): string {
  return `${window.location.origin}/invite/${encodeURIComponent(code)}`;
}

/** The invite link just created, with a copy button. */
export function InviteModal({ code, guildName }: { code: string; guildName: string }) {
  const [copied, setCopied] = useState(false);
  const link = inviteLink(code);
  return (
    <Modal title={`Invite friends to ${guildName}`}>
      <label>
        Send a server invite link to a friend
        <div className="row">
          <input
            readOnly
            value={link}
            aria-label="Invite link"
            data-testid="invite-link"
            onFocus={(event) => event.target.select()}
          />
          <button
            type="button"
            className="primary"
            onClick={() => {
              void navigator.clipboard?.writeText(link).then(
                () => setCopied(true),
                () => setCopied(false),
              );
            }}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      </label>
      <p className="muted small">This link never expires.</p>
    </Modal>
  );
}
