import type { Insertable, Selectable } from 'kysely';
import type { ChannelRecord, OverwriteRecord } from '../records';
import { fromBool, toBigInt, toBool, toId, toInt, toNullableId } from './columns';
import type { ChannelsTable } from './schema/channels';

/** Stored shape of one overwrite: allow/deny are decimal strings because JSON has no 64-bit integers. */
interface StoredOverwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

export function overwritesToJson(overwrites: readonly OverwriteRecord[]): string {
  const stored: StoredOverwrite[] = overwrites.map((o) => ({
    id: o.id,
    type: o.type,
    allow: o.allow.toString(),
    deny: o.deny.toString(),
  }));
  return JSON.stringify(stored);
}

export function overwritesFromJson(json: string): OverwriteRecord[] {
  const stored = JSON.parse(json) as StoredOverwrite[];
  return stored.map((o) => ({ id: o.id, type: o.type, allow: toBigInt(o.allow), deny: toBigInt(o.deny) }));
}

/** Recipients live in `channel_recipients`, so the caller loads them and passes them in. */
export function channelFromRow(row: Selectable<ChannelsTable>, recipientIds: string[]): ChannelRecord {
  return {
    id: toId(row.id),
    type: toInt(row.type),
    guildId: toNullableId(row.guild_id),
    name: row.name,
    topic: row.topic,
    position: toInt(row.position),
    parentId: toNullableId(row.parent_id),
    nsfw: toBool(row.nsfw),
    rateLimitPerUser: toInt(row.rate_limit_per_user),
    ownerId: toNullableId(row.owner_id),
    icon: row.icon,
    overwrites: overwritesFromJson(row.overwrites),
    recipientIds,
    lastSeq: toInt(row.last_seq),
    lastMessageId: toNullableId(row.last_message_id),
    createdAt: toInt(row.created_at),
  };
}

/**
 * `dm_key` is left null: only the DM-opening path knows it is creating the one DM of a pair, and it
 * sets the key itself. Recipients are not part of the row (see `channel_recipients`).
 */
export function channelToRow(channel: ChannelRecord): Insertable<ChannelsTable> {
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    topic: channel.topic,
    position: channel.position,
    parent_id: channel.parentId,
    nsfw: fromBool(channel.nsfw),
    rate_limit_per_user: channel.rateLimitPerUser,
    owner_id: channel.ownerId,
    icon: channel.icon,
    overwrites: overwritesToJson(channel.overwrites),
    dm_key: null,
    last_seq: channel.lastSeq,
    last_message_id: channel.lastMessageId,
    created_at: channel.createdAt,
  };
}
