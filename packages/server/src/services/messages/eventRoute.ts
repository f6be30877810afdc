import type { EventRoute } from '../../domain/events';
import type { ChannelDefinition } from '../../stores/records';

/**
 * Who hears about something that happened in a channel: the guild members who may view it, or the
 * recipients of a DM / group DM.
 */
export function channelRoute(channel: ChannelDefinition): EventRoute {
  if (channel.guildId !== null) return { kind: 'guild', guildId: channel.guildId, channelId: channel.id };
  return { kind: 'private', channelId: channel.id, recipientIds: [...channel.recipientIds] };
}
