import { useState } from 'react';
import { client } from '../client/session';
import { displayName, useEntities } from '../store/entities';
import { navigate } from '../store/route';
import { openModal } from '../store/ui';
import { ErrorLine, Modal, errorText } from './Modal';

/** Pick people you share a server or DM with; one person opens a DM, several a group DM. */
export function NewGroupDmModal() {
  const users = useEntities((state) => state.users);
  const me = useEntities((state) => state.me);
  const [chosen, setChosen] = useState<string[]>([]);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const candidates = Object.values(users)
    .filter((user) => user.id !== me?.id && user.bot !== true)
    .filter((user) => `${user.username} ${user.global_name ?? ''}`.toLowerCase().includes(filter.toLowerCase()))
    .sort((a, b) => displayName(a).localeCompare(displayName(b)));

  async function create(): Promise<void> {
    try {
      const { api } = client();
      const channel =
        chosen.length === 1 && chosen[0] !== undefined
          ? await api.openDm(chosen[0])
          : await api.createGroupDm({ recipients: chosen });
      openModal(undefined);
      navigate({ kind: 'home', channelId: channel.id });
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  return (
    <Modal title="Select Friends">
      <label>
        Find people
        <input value={filter} onChange={(event) => setFilter(event.target.value)} placeholder="Type a username" />
      </label>
      <ul className="pick-list" aria-label="People">
        {candidates.map((user) => (
          <li key={user.id}>
            <label className="radio">
              <input
                type="checkbox"
                checked={chosen.includes(user.id)}
                onChange={(event) =>
                  setChosen(event.target.checked ? [...chosen, user.id] : chosen.filter((id) => id !== user.id))
                }
              />
              {displayName(user)} <span className="muted">@{user.username}</span>
            </label>
          </li>
        ))}
      </ul>
      <ErrorLine error={error} />
      <button type="button" className="primary" disabled={chosen.length === 0} onClick={() => void create()}>
        {chosen.length > 1 ? 'Create Group DM' : 'Create DM'}
      </button>
    </Modal>
  );
}
