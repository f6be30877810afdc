import type { Channel, PresenceStatus, Role, User } from '@concord/protocol';
import { useSession } from '../client/session';
import { memberName, useEntities } from '../store/entities';
import { openModal } from '../store/ui';
import { Avatar, STATUS_LABEL } from './Avatar';

interface Entry {
  user: User;
  name: string;
  status: PresenceStatus;
  roleColor: number;
}

/** Members grouped as Discord does: hoisted roles (online), then Online, then Offline. */
export function MemberList({ channel }: { channel: Channel }) {
  const guildId = channel.guild_id;
  const guild = useEntities((state) => (guildId === undefined ? undefined : state.guilds[guildId]));
  const members = useEntities((state) => (guildId === undefined ? undefined : state.members[guildId]));
  const presences = useEntities((state) => state.presences);
  const me = useEntities((state) => state.me);
  const myStatus = useSession((state) => state.status);
  const roles = [...(guild?.roles ?? [])].sort((a, b) => b.position - a.position);
  const hoisted = roles.filter((role) => role.hoist && role.id !== guildId);

  const statusOf = (id: string): PresenceStatus => {
    if (id === me?.id) return myStatus === 'invisible' ? 'offline' : myStatus;
    return presences[id] ?? 'offline';
  };
  const users: Array<{ user: User; roleIds: string[] }> =
    members !== undefined
      ? Object.values(members).map((member) => ({ user: member.user, roleIds: member.roles }))
      : (channel.recipients ?? []).concat(me === undefined ? [] : [me]).map((user) => ({ user, roleIds: [] }));

  const groups = new Map<string, { label: string; entries: Entry[] }>();
  for (const role of hoisted) groups.set(role.id, { label: role.name, entries: [] });
  groups.set('online', { label: 'Online', entries: [] });
  groups.set('offline', { label: 'Offline', entries: [] });
  for (const { user, roleIds } of users) {
    const status = statusOf(user.id);
    const topRole: Role | undefined = roles.find((role) => roleIds.includes(role.id));
    const topHoisted = hoisted.find((role) => roleIds.includes(role.id));
    const key = status === 'offline' ? 'offline' : (topHoisted?.id ?? 'online');
    groups.get(key)?.entries.push({ user, name: memberName(guildId, user.id), status, roleColor: topRole?.color ?? 0 });
  }

  return (
    <aside className="member-list" aria-label="Members">
      {[...groups.entries()].map(([key, group]) =>
        group.entries.length === 0 ? null : (
          <section key={key} aria-label={`${group.label}, ${group.entries.length}`}>
            <h3 className="category">
              {group.label} — {group.entries.length}
            </h3>
            <ul className="member-items" role="list">
              {group.entries
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((entry) => (
                  <li key={entry.user.id}>
                    <button
                      type="button"
                      className={`member-item${entry.status === 'offline' ? ' offline' : ''}`}
                      aria-label={`${entry.name}, ${STATUS_LABEL[entry.status]}`}
                      data-testid="member"
                      data-status={entry.status}
                      onClick={() => openModal({ kind: 'user-profile', userId: entry.user.id, guildId })}
                    >
                      <Avatar id={entry.user.id} name={entry.name} status={entry.status} />
                      <span
                        className="member-name"
                        style={
                          entry.roleColor !== 0
                            ? { color: `#${entry.roleColor.toString(16).padStart(6, '0')}` }
                            : undefined
                        }
                      >
                        {entry.name}
                      </span>
                    </button>
                  </li>
                ))}
            </ul>
          </section>
        ),
      )}
    </aside>
  );
}
