import type { AuthSession } from '@concord/protocol';
import { useEffect, useState } from 'react';
import { enableNotifications, notificationsAllowed } from '../client/notify';
import { client, logout, setStatus, useSession } from '../client/session';
import type { ChosenStatus } from '../client/storage';
import { displayName, useEntities } from '../store/entities';
import { formatFull } from '../lib/time';
import { STATUS_LABEL } from './Avatar';
import { ErrorLine, Modal, errorText } from './Modal';

const STATUSES: ChosenStatus[] = ['online', 'idle', 'dnd', 'invisible'];

/** My account: status, desktop notifications, signed-in devices (revocable), log out. */
export function UserSettingsModal() {
  const me = useEntities((state) => state.me);
  const status = useSession((state) => state.status);
  const [sessions, setSessions] = useState<AuthSession[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [notify, setNotify] = useState(notificationsAllowed());

  useEffect(() => {
    client()
      .api.sessions()
      .then((result) => setSessions(result.user_sessions))
      .catch((failure: unknown) => setError(errorText(failure)));
  }, []);

  async function revoke(id: string): Promise<void> {
    try {
      await client().api.revokeSession(id);
      setSessions((list) => list?.filter((session) => session.id !== id));
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  return (
    <Modal title="User Settings" wide>
      <section className="stack" aria-labelledby="account-heading">
        <h3 id="account-heading">My Account</h3>
        <p>
          <strong>{displayName(me)}</strong> <span className="muted">@{me?.username}</span>
        </p>
      </section>
      <fieldset className="stack">
        <legend>Status</legend>
        {STATUSES.map((choice) => (
          <label key={choice} className="radio">
            <input type="radio" name="status" checked={status === choice} onChange={() => setStatus(choice)} />
            <span className={`presence-dot inline status-${choice}`} aria-hidden="true" /> {STATUS_LABEL[choice]}
          </label>
        ))}
      </fieldset>
      <section className="stack" aria-labelledby="notify-heading">
        <h3 id="notify-heading">Notifications</h3>
        {notify ? (
          <p className="muted">
            Desktop notifications are on for direct messages and mentions while this tab is hidden.
          </p>
        ) : (
          <button
            type="button"
            onClick={() => void enableNotifications().then((result) => setNotify(result === 'granted'))}
          >
            Enable desktop notifications
          </button>
        )}
      </section>
      <section className="stack" aria-labelledby="sessions-heading">
        <h3 id="sessions-heading">Devices</h3>
        {sessions === undefined ? (
          <p className="muted">Loading…</p>
        ) : (
          <ul className="session-list" aria-label="Signed-in devices">
            {sessions.map((session) => (
              <li key={session.id} className="session-item">
                <span>
                  <strong>{session.device ?? 'Unknown device'}</strong>
                  {session.current && <span className="tag">This device</span>}
                  <br />
                  <span className="muted small">Last used {formatFull(session.last_used_at)}</span>
                </span>
                {!session.current && (
                  <button type="button" className="danger" onClick={() => void revoke(session.id)}>
                    Log out device
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <ErrorLine error={error} />
      <button type="button" className="danger" onClick={() => void logout()}>
        Log Out
      </button>
    </Modal>
  );
}
