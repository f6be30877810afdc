import type { EventPublisher } from '../../domain/events';
import type { ChannelRecord, UserRecord } from '../../stores/records';
import { toGuildChannel, toPrivateChannel } from '../../wire/channels';
import { toUser } from '../../wire/users';

export type ChannelEventType = 'CHANNEL_CREATE' | 'CHANNEL_UPDATE' | 'CHANNEL_DELETE';

/**
 * Publishes channel events after a committed change. Guild channel events go to whoever may view
 * the channel; private channel objects differ per viewer (see wire/channels.ts), so each recipient
 * gets their own event — at most `Limits.groupDmRecipients` of them, and only on rare changes.
 */
export class ChannelAnnouncer {
  constructor(private readonly events: EventPublisher) {}

  guildChannel(type: ChannelEventType, channel: ChannelRecord, guildId: string): void {
    this.events.publish({
      type,
      data: toGuildChannel(channel),
      route: { kind: 'guild', guildId, channelId: channel.id },
    });
  }

  /** `users` must hold every recipient of `channel`, so each payload lists the others. */
  privateChannel(
    type: ChannelEventType,
    channel: ChannelRecord,
    toUserIds: readonly string[],
    users: ReadonlyMap<string, UserRecord>,
  ): void {
    for (const userId of toUserIds) {
      this.events.publish({
        type,
        data: toPrivateChannel(channel, { userId, users }),
        route: { kind: 'users', userIds: [userId] },
      });
    }
  }

  /** CHANNEL_RECIPIENT_ADD / _REMOVE: the same payload for everyone, including the affected user. */
  recipient(
    type: 'CHANNEL_RECIPIENT_ADD' | 'CHANNEL_RECIPIENT_REMOVE',
    channelId: string,
    user: UserRecord,
    recipientIds: readonly string[],
  ): void {
    this.events.publish({
      type,
      data: { channel_id: channelId, user: toUser(user) },
      route: { kind: 'private', channelId, recipientIds },
    });
  }
}
