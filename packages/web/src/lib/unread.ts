import { ChannelType, type Channel } from '@concord/protocol';
import type { ReadMarker } from '../store/readStates';

export function isPrivate(channel: Channel): boolean {
  return channel.type === ChannelType.DM || channel.type === ChannelType.GROUP_DM;
}

export function isUnread(channel: Channel, marker: ReadMarker | undefined): boolean {
  if (channel.type === ChannelType.GUILD_CATEGORY) return false;
  return channel.last_seq > (marker?.lastSeq ?? 0);
}

/** Badge count: mentions in a guild channel; every unread message in a DM (as Discord counts). */
export function badgeCount(channel: Channel, marker: ReadMarker | undefined): number {
  if (!isUnread(channel, marker)) return 0;
  if (isPrivate(channel)) return Math.max(marker?.mentions ?? 0, channel.last_seq - (marker?.lastSeq ?? 0));
  return marker?.mentions ?? 0;
}
