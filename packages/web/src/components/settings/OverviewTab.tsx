import type { Guild } from '@concord/protocol';
import { useState, type FormEvent } from 'react';
import { client } from '../../client/session';
import { navigate } from '../../store/route';
import { openModal } from '../../store/ui';
import { useEntities } from '../../store/entities';
import { ErrorLine, errorText } from '../Modal';

/** Rename the server; the owner may delete it, others may leave. */
export function OverviewTab({ guild }: { guild: Guild }) {
  const [name, setName] = useState(guild.name);
  const [error, setError] = useState<string | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const meId = useEntities((state) => state.me?.id);

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    setSaved(false);
    try {
      await client().api.modifyGuild(guild.id, { name: name.trim() });
      setSaved(true);
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  async function leaveOrDelete(): Promise<void> {
    try {
      const { api } = client();
      if (guild.owner_id === meId) await api.deleteGuild(guild.id);
      else await api.leaveGuild(guild.id);
      openModal(undefined);
      navigate({ kind: 'home', channelId: undefined });
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  return (
    <div className="stack">
      <form className="stack" onSubmit={(event) => void save(event)}>
        <label>
          Server name
          <input
            value={name}
            minLength={2}
            maxLength={100}
            required
            onChange={(event) => setName(event.target.value)}
          />
        </label>
        <button type="submit" className="primary">
          Save Changes
        </button>
        {saved && (
          <p className="muted" role="status">
            Saved.
          </p>
        )}
      </form>
      <ErrorLine error={error} />
      <button type="button" className="danger" onClick={() => void leaveOrDelete()}>
        {guild.owner_id === meId ? 'Delete Server' : 'Leave Server'}
      </button>
    </div>
  );
}
