import { ChannelType, type Channel, type Overwrite } from '@concord/protocol';
import type { ChannelRecord, OverwriteRecord, UserRecord } from '../stores/records';
import { toUser } from './users';

/**
 * Storage → wire conversion for channels (HTTP responses and gateway events alike).
 *
 * Private channels list their recipients as User objects *other than the viewer*, as Discord does:
 * libraries such as discord.js take `recipients[0]` of a DM as the other party, so a payload meant
 * for one recipient is not the payload for another.
 */
export interface ChannelViewer {
  /** Who the payload is for; left out of a private channel's `recipients`. */
  userId: string;
  /** Recipient users by id; ids missing here are skipped (a deleted account). */
  users: ReadonlyMap<string, UserRecord>;
}

export function toOverwrite(overwrite: OverwriteRecord): Overwrite {
  return {
    id: overwrite.id,
    type: overwrite.type,
    allow: overwrite.allow.toString(),
    deny: overwrite.deny.toString(),
  };
}

/** A guild channel or category: needs no viewer, every member sees the same object. */
export function toGuildChannel(channel: ChannelRecord): Channel {
  const wire: Channel = {
    id: channel.id,
    type: channel.type,
    position: channel.position,
    permission_overwrites: channel.overwrites.map(toOverwrite),
    name: channel.name,
    parent_id: channel.parentId,
    nsfw: channel.nsfw,
    flags: 0,
    last_seq: channel.lastSeq,
  };
  if (channel.guildId !== null) wire.guild_id = channel.guildId;
  if (channel.type !== ChannelType.GUILD_CATEGORY) {
    wire.topic = channel.topic;
    wire.last_message_id = channel.lastMessageId;
    wire.rate_limit_per_user = channel.rateLimitPerUser;
  }
  return wire;
}

/** A DM or group DM as seen by `viewer`. */
export function toPrivateChannel(channel: ChannelRecord, viewer: ChannelViewer): Channel {
  const recipients = channel.recipientIds
    .filter((id) => id !== viewer.userId)
    .flatMap((id) => {
      const user = viewer.users.get(id);
      return user === undefined ? [] : [toUser(user)];
    });
  const wire: Channel = {
    id: channel.id,
    type: channel.type,
    last_message_id: channel.lastMessageId,
    recipients,
    flags: 0,
    last_seq: channel.lastSeq,
  };
  if (channel.type === ChannelType.GROUP_DM) {
    wire.name = channel.name;
    wire.icon = channel.icon;
    if (channel.ownerId !== null) wire.owner_id = channel.ownerId;
  }
  return wire;
}

/** Either kind; `viewer` is required to render a private channel's recipients. */
export function toChannel(channel: ChannelRecord, viewer: ChannelViewer): Channel {
  return channel.guildId === null ? toPrivateChannel(channel, viewer) : toGuildChannel(channel);
}
