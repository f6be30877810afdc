import { ChannelType } from '@concord/protocol';
import { useEffect } from 'react';
import { useEntities } from '../store/entities';
import { navigate, type Route } from '../store/route';
import { openModal } from '../store/ui';

/** Route fix-ups: an invite link opens the join dialog; a guild without a channel opens its first one. */
export function useRouteEffects(route: Route): void {
  const channels = useEntities((state) => state.channels);
  const guilds = useEntities((state) => state.guilds);
  useEffect(() => {
    if (route.kind === 'invite') {
      navigate({ kind: 'home', channelId: undefined }, true);
      openModal({ kind: 'add-guild', inviteCode: route.code });
      return;
    }
    if (route.kind === 'login') {
      navigate({ kind: 'home', channelId: undefined }, true);
      return;
    }
    if (route.kind !== 'guild') return;
    const inGuild = Object.values(channels).filter((channel) => channel.guild_id === route.guildId);
    const current = route.channelId === undefined ? undefined : channels[route.channelId];
    if (current !== undefined && current.type !== ChannelType.GUILD_CATEGORY) return;
    if (guilds[route.guildId] === undefined) return;
    const first = inGuild
      .filter((channel) => channel.type === ChannelType.GUILD_TEXT)
      .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))[0];
    if (first !== undefined && first.id !== route.channelId) {
      navigate({ kind: 'guild', guildId: route.guildId, channelId: first.id }, true);
    }
  }, [route, channels, guilds]);
}
