import { useEntities } from '../store/entities';
import { useReadStates } from '../store/readStates';
import { navigate } from '../store/route';
import { openModal } from '../store/ui';
import { badgeCount, isPrivate, isUnread } from '../lib/unread';
import { Icon } from './Icon';

/** The left rail: Home (DMs), one button per guild with unread/mention marks, and "add a server". */
export function GuildRail({ activeGuildId }: { activeGuildId: string | undefined }) {
  const guilds = useEntities((state) => state.guilds);
  const order = useEntities((state) => state.guildOrder);
  const channels = useEntities((state) => state.channels);
  const markers = useReadStates((state) => state.markers);
  const all = Object.values(channels);
  const dmBadge = all.filter(isPrivate).reduce((sum, channel) => sum + badgeCount(channel, markers[channel.id]), 0);

  return (
    <ul className="guild-rail" aria-label="Servers">
      <li>
        <button
          type="button"
          className={`rail-item home${activeGuildId === undefined ? ' active' : ''}`}
          aria-label={dmBadge > 0 ? `Direct Messages, ${dmBadge} unread` : 'Direct Messages'}
          aria-current={activeGuildId === undefined ? 'page' : undefined}
          onClick={() => navigate({ kind: 'home', channelId: undefined })}
        >
          <Icon name="home" size={26} />
          {dmBadge > 0 && <span className="badge rail-badge">{dmBadge}</span>}
        </button>
      </li>
      <li className="rail-separator" aria-hidden="true" />
      {order.map((guildId) => {
        const guild = guilds[guildId];
        if (guild === undefined) return null;
        const inGuild = all.filter((channel) => channel.guild_id === guildId);
        const unread = inGuild.some((channel) => isUnread(channel, markers[channel.id]));
        const mentions = inGuild.reduce((sum, channel) => sum + badgeCount(channel, markers[channel.id]), 0);
        const active = guildId === activeGuildId;
        const label = `${guild.name}${mentions > 0 ? `, ${mentions} mentions` : unread ? ', unread' : ''}`;
        return (
          <li key={guildId} className="rail-entry">
            {unread && !active && <span className="rail-pill" aria-hidden="true" />}
            <button
              type="button"
              className={`rail-item${active ? ' active' : ''}`}
              aria-label={label}
              aria-current={active ? 'page' : undefined}
              title={guild.name}
              onClick={() => navigate({ kind: 'guild', guildId, channelId: undefined })}
            >
              <span aria-hidden="true">{initialsOf(guild.name)}</span>
              {mentions > 0 && <span className="badge rail-badge">{mentions}</span>}
            </button>
          </li>
        );
      })}
      <li>
        <button
          type="button"
          className="rail-item add"
          aria-label="Add a server"
          title="Add a server"
          onClick={() => openModal({ kind: 'add-guild' })}
        >
          <Icon name="plus" size={24} />
        </button>
      </li>
    </ul>
  );
}

function initialsOf(name: string): string {
  const words = name.split(/\s+/).filter((word) => word.length > 0);
  return words
    .slice(0, 3)
    .map((word) => [...word][0] ?? '')
    .join('');
}
