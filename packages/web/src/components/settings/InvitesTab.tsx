import type { Invite } from '@concord/protocol';
import { useEffect, useState } from 'react';
import { client } from '../../client/session';
import { inviteLink } from '../InviteModal';
import { ErrorLine, errorText } from '../Modal';

/** The server's invites: link, uses, expiry; revoke. */
export function InvitesTab({ guildId }: { guildId: string }) {
  const [invites, setInvites] = useState<Invite[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const api = client().api;
  const refresh = (): void =>
    void api.guildInvites(guildId).then(setInvites, (failure: unknown) => setError(errorText(failure)));
  useEffect(refresh, [guildId]);

  return (
    <div className="stack">
      <ErrorLine error={error} />
      {invites === undefined && <p className="muted">Loading…</p>}
      {invites?.length === 0 && <p className="muted">No invites yet. Use "Invite people" in the channel list.</p>}
      <ul className="settings-list" aria-label="Invites">
        {invites?.map((invite) => (
          <li key={invite.code} className="settings-item">
            <code>{inviteLink(invite.code)}</code>
            <span className="muted small">
              {invite.uses ?? 0} uses ·{' '}
              {invite.expires_at === null ? 'never expires' : `expires ${new Date(invite.expires_at).toLocaleString()}`}
            </span>
            <button
              type="button"
              className="danger"
              onClick={() =>
                void api.deleteInvite(invite.code).then(refresh, (failure: unknown) => setError(errorText(failure)))
              }
            >
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
