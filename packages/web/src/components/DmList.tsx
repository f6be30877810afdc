import { ChannelType, type Channel, type User } from '@concord/protocol';
import { displayName, useEntities } from '../store/entities';
import { useReadStates } from '../store/readStates';
import { navigate } from '../store/route';
import { openModal, useUi } from '../store/ui';
import { badgeCount, isPrivate, isUnread } from '../lib/unread';
import { Avatar } from './Avatar';
import { Icon } from './Icon';

/** The name of a DM (the other person) or group DM (its name, or its members). */
export function privateChannelName(channel: Channel, meId: string | undefined): string {
  if (channel.name) return channel.name;
  const others = (channel.recipients ?? []).filter((user) => user.id !== meId);
  if (others.length === 0) return 'Just you';
  return others.map((user) => displayName(user)).join(', ');
}

/** Direct messages, most recent first, with presence dots and unread badges. */
export function DmList({ activeChannelId }: { activeChannelId: string | undefined }) {
  const channels = useEntities((state) => state.channels);
  const presences = useEntities((state) => state.presences);
  const me = useEntities((state) => state.me);
  const markers = useReadStates((state) => state.markers);
  const dms = Object.values(channels)
    .filter(isPrivate)
    .sort((a, b) => compareIds(b.last_message_id ?? b.id, a.last_message_id ?? a.id));

  return (
    <section className="dm-list" aria-labelledby="dm-heading">
      <header className="sidebar-header">
        <h2 id="dm-heading">Direct Messages</h2>
        <button
          type="button"
          className="icon-button"
          aria-label="New group DM"
          title="New group DM"
          onClick={() => openModal({ kind: 'new-group-dm' })}
        >
          <Icon name="plus" size={18} />
        </button>
      </header>
      <div className="sidebar-scroll">
        {dms.length === 0 && <p className="muted pad">No conversations yet. Click a member to message them.</p>}
        <ul className="channel-items">
          {dms.map((channel) => {
            const other: User | undefined =
              channel.type === ChannelType.DM ? channel.recipients?.find((user) => user.id !== me?.id) : undefined;
            const name = privateChannelName(channel, me?.id);
            const status = other === undefined ? undefined : (presences[other.id] ?? 'offline');
            const marker = markers[channel.id];
            const unread = isUnread(channel, marker);
            const count = badgeCount(channel, marker);
            const active = channel.id === activeChannelId;
            return (
              <li key={channel.id}>
                <button
                  type="button"
                  className={`channel-item dm-item${active ? ' active' : ''}${unread ? ' unread' : ''}`}
                  aria-current={active ? 'page' : undefined}
                  aria-label={`${name}${status !== undefined ? `, ${status}` : ''}${count > 0 ? `, ${count} unread` : ''}`}
                  data-unread={unread ? 'true' : 'false'}
                  onClick={() => {
                    navigate({ kind: 'home', channelId: channel.id });
                    useUi.setState({ drawer: 'none' });
                  }}
                >
                  <Avatar id={other?.id ?? channel.id} name={name} status={status} />
                  <span className="channel-name">
                    {name}
                    {channel.type === ChannelType.GROUP_DM && (
                      <span className="muted small"> · {channel.recipients?.length ?? 0} members</span>
                    )}
                  </span>
                  {count > 0 && <span className="badge">{count}</span>}
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
