import { ChannelType, Permission, type Channel } from '@concord/protocol';
import { client } from '../client/session';
import { useEntities } from '../store/entities';
import { useReadStates } from '../store/readStates';
import { navigate } from '../store/route';
import { openModal, useUi } from '../store/ui';
import { guildPermissions, has } from '../lib/permissions';
import { badgeCount, isUnread } from '../lib/unread';
import { Icon } from './Icon';

const byPosition = (a: Channel, b: Channel): number =>
  (a.position ?? 0) - (b.position ?? 0) || a.id.localeCompare(b.id);

/** A guild's channels under their categories, with unread dots and mention counts. */
export function ChannelList({ guildId, activeChannelId }: { guildId: string; activeChannelId: string | undefined }) {
  const guild = useEntities((state) => state.guilds[guildId]);
  const channels = useEntities((state) => state.channels);
  const me = useEntities((state) => state.me);
  const member = useEntities((state) => (me === undefined ? undefined : state.members[guildId]?.[me.id]));
  const markers = useReadStates((state) => state.markers);
  const inGuild = Object.values(channels).filter((channel) => channel.guild_id === guildId);
  const categories = inGuild.filter((channel) => channel.type === ChannelType.GUILD_CATEGORY).sort(byPosition);
  const texts = inGuild.filter((channel) => channel.type === ChannelType.GUILD_TEXT).sort(byPosition);
  const perms = me === undefined ? 0n : guildPermissions(guild, member, me.id);
  const canManage =
    has(perms, Permission.MANAGE_GUILD) ||
    has(perms, Permission.MANAGE_CHANNELS) ||
    has(perms, Permission.MANAGE_ROLES) ||
    has(perms, Permission.KICK_MEMBERS) ||
    has(perms, Permission.BAN_MEMBERS);
  const canInvite = has(perms, Permission.CREATE_INSTANT_INVITE);

  const groups: Array<{ category: Channel | undefined; channels: Channel[] }> = [
    { category: undefined, channels: texts.filter((channel) => !channel.parent_id) },
    ...categories.map((category) => ({
      category,
      channels: texts.filter((channel) => channel.parent_id === category.id),
    })),
  ];

  async function invite(): Promise<void> {
    const target = activeChannelId ?? texts[0]?.id;
    if (target === undefined) return;
    const created = await client().api.createInvite(target, { max_age: 0 });
    openModal({ kind: 'invite', code: created.code, guildName: guild?.name ?? '' });
  }

  return (
    <section className="channel-list" aria-labelledby="guild-name">
      <header className="sidebar-header">
        <h2 id="guild-name">{guild?.name ?? 'Loading…'}</h2>
        {canManage && (
          <button
            type="button"
            className="icon-button"
            aria-label="Server settings"
            title="Server settings"
            onClick={() => openModal({ kind: 'guild-settings', guildId })}
          >
            <Icon name="gear" />
          </button>
        )}
      </header>
      {canInvite && (
        <button type="button" className="sidebar-action" onClick={() => void invite()}>
          Invite people
        </button>
      )}
      <div className="sidebar-scroll">
        {groups.map(({ category, channels: list }) =>
          category === undefined && list.length === 0 ? null : (
            <div key={category?.id ?? 'none'} role="group" aria-label={category?.name ?? 'Channels'}>
              {category !== undefined && <h3 className="category">{category.name}</h3>}
              <ul className="channel-items">
                {list.map((channel) => {
                  const marker = markers[channel.id];
                  const unread = isUnread(channel, marker);
                  const mentions = badgeCount(channel, marker);
                  const active = channel.id === activeChannelId;
                  return (
                    <li key={channel.id}>
                      <button
                        type="button"
                        className={`channel-item${active ? ' active' : ''}${unread ? ' unread' : ''}`}
                        aria-current={active ? 'page' : undefined}
                        aria-label={`${channel.name ?? ''}${mentions > 0 ? `, ${mentions} mentions` : unread ? ', unread' : ''}`}
                        data-unread={unread ? 'true' : 'false'}
                        onClick={() => {
                          navigate({ kind: 'guild', guildId, channelId: channel.id });
                          useUi.setState({ drawer: 'none' });
                        }}
                      >
                        {unread && !active && <span className="unread-dot" aria-hidden="true" />}
                        <span className="channel-hash" aria-hidden="true">
                          #
                        </span>
                        <span className="channel-name">{channel.name}</span>
                        {mentions > 0 && <span className="badge">{mentions}</span>}
                      </button>
                    </li>
                  );
                })}
              </ul>
            </div>
          ),
        )}
      </div>
    </section>
  );
}
