import type { Ban, Guild } from '@concord/protocol';
import { useEffect, useState } from 'react';
import { client } from '../../client/session';
import { memberName, useEntities } from '../../store/entities';
import { ErrorLine, errorText } from '../Modal';

/** Members with their roles (toggle), kick and ban; and the ban list (unban). */
export function MembersTab({ guild }: { guild: Guild }) {
  const members = useEntities((state) => state.members[guild.id]);
  const [bans, setBans] = useState<Ban[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);
  const roles = guild.roles.filter((role) => role.id !== guild.id).sort((a, b) => b.position - a.position);
  const api = client().api;
  const run = (action: () => Promise<unknown>): void =>
    void action().catch((failure: unknown) => setError(errorText(failure)));
  const refreshBans = (): void => void api.bans(guild.id).then(setBans, () => setBans([]));
  useEffect(refreshBans, [guild.id]);

  return (
    <div className="stack">
      <ErrorLine error={error} />
      <ul className="settings-list" aria-label="Members">
        {Object.values(members ?? {}).map((member) => (
          <li key={member.user.id} className="settings-item">
            <strong>{memberName(guild.id, member.user.id)}</strong>
            <span className="muted">@{member.user.username}</span>
            <span className="role-chips">
              {roles.map((role) => {
                const has = member.roles.includes(role.id);
                return (
                  <label key={role.id} className="chip">
                    <input
                      type="checkbox"
                      checked={has}
                      onChange={() =>
                        run(() =>
                          has
                            ? api.removeMemberRole(guild.id, member.user.id, role.id)
                            : api.addMemberRole(guild.id, member.user.id, role.id),
                        )
                      }
                    />
                    {role.name}
                  </label>
                );
              })}
            </span>
            {member.user.id !== guild.owner_id && (
              <>
                <button type="button" className="danger" onClick={() => run(() => api.kick(guild.id, member.user.id))}>
                  Kick
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() =>
                    run(async () => {
                      await api.ban(guild.id, member.user.id);
                      refreshBans();
                    })
                  }
                >
                  Ban
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      <h3>Bans</h3>
      {bans.length === 0 && <p className="muted">No bans.</p>}
      <ul className="settings-list" aria-label="Bans">
        {bans.map((ban) => (
          <li key={ban.user.id} className="settings-item">
            <span>@{ban.user.username}</span>
            <button
              type="button"
              onClick={() =>
                run(async () => {
                  await api.unban(guild.id, ban.user.id);
                  refreshBans();
                })
              }
            >
              Revoke ban
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
