import { useState, type FormEvent } from 'react';
import { client } from '../client/session';
import { navigate } from '../store/route';
import { openModal } from '../store/ui';
import { ErrorLine, Modal, errorText } from './Modal';

/** Accepts "https://host/invite/abc", "/invite/abc" or just "abc". */
export function inviteCodeOf(input: string): string {
  const trimmed = input.trim();
  const match = /\/invite\/([A-Za-z0-9-]+)\/?$/.exec(trimmed);
  return match?.[1] ?? trimmed;
}

/** Create a server, or join one with an invite link or code. */
export function AddGuildModal({ inviteCode }: { inviteCode: string | undefined }) {
  const [name, setName] = useState('');
  const [invite, setInvite] = useState(inviteCode ?? '');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  async function run(event: FormEvent, action: () => Promise<string>): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const guildId = await action();
      openModal(undefined);
      navigate({ kind: 'guild', guildId, channelId: undefined });
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={inviteCode === undefined ? 'Add a server' : 'Join a server'}>
      <form
        className="stack"
        onSubmit={(event) =>
          void run(event, async () => {
            const accepted = await client().api.acceptInvite(inviteCodeOf(invite));
            const guildId = accepted.guild?.id;
            if (guildId === undefined) throw new Error('not a server invite');
            return guildId;
          })
        }
      >
        <h3>Join with an invite</h3>
        <label>
          Invite link or code
          <input
            name="invite"
            value={invite}
            placeholder="https://…/invite/hTKzmak"
            onChange={(event) => setInvite(event.target.value)}
            required
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Join Server
        </button>
      </form>
      <hr />
      <form
        className="stack"
        onSubmit={(event) => void run(event, async () => (await client().api.createGuild({ name: name.trim() })).id)}
      >
        <h3>Create your own</h3>
        <label>
          Server name
          <input
            name="guild-name"
            value={name}
            minLength={2}
            maxLength={100}
            required
            onChange={(event) => setName(event.target.value)}
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Create Server
        </button>
      </form>
      <ErrorLine error={error} />
    </Modal>
  );
}
