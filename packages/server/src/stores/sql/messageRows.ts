import type { Insertable, Selectable } from 'kysely';
import type { NewMessage } from '../ports';
import type { MessageRecord } from '../records';
import { fromBool, fromIdList, toBool, toId, toIdList, toInt, toNullableId, toNullableInt } from './columns';
import type { MessageMentionsTable, MessagesTable } from './schema/messages';

export function messageFromRow(row: Selectable<MessagesTable>): MessageRecord {
  return {
    channelId: toId(row.channel_id),
    seq: toInt(row.seq),
    id: toId(row.id),
    authorId: toId(row.author_id),
    content: row.content,
    type: toInt(row.type),
    nonce: row.nonce,
    tts: toBool(row.tts),
    flags: toInt(row.flags),
    mentionEveryone: toBool(row.mention_everyone),
    mentionUserIds: toIdList(row.mention_user_ids),
    mentionRoleIds: toIdList(row.mention_role_ids),
    referenceMessageId: toNullableId(row.reference_message_id),
    referenceChannelId: toNullableId(row.reference_channel_id),
    pinned: toBool(row.pinned),
    createdAt: toInt(row.created_at),
    editedAt: toNullableInt(row.edited_at),
    deleted: toBool(row.deleted),
  };
}

/** The record of a message just appended: built from the input rather than read back. */
export function appendedRecord(message: NewMessage, seq: number, id: string): MessageRecord {
  return {
    channelId: message.channelId,
    seq,
    id,
    authorId: message.authorId,
    content: message.content,
    type: message.type,
    nonce: message.nonce,
    tts: message.tts,
    flags: message.flags,
    mentionEveryone: message.mentionEveryone,
    mentionUserIds: [...message.mentionUserIds],
    mentionRoleIds: [...message.mentionRoleIds],
    referenceMessageId: message.referenceMessageId,
    referenceChannelId: message.referenceChannelId,
    pinned: false,
    createdAt: message.createdAt,
    editedAt: null,
    deleted: false,
  };
}

export function messageToRow(record: MessageRecord): Insertable<MessagesTable> {
  return {
    channel_id: record.channelId,
    seq: record.seq,
    id: record.id,
    author_id: record.authorId,
    content: record.content,
    type: record.type,
    nonce: record.nonce,
    tts: fromBool(record.tts),
    flags: record.flags,
    mention_everyone: fromBool(record.mentionEveryone),
    mention_user_ids: fromIdList(record.mentionUserIds),
    mention_role_ids: fromIdList(record.mentionRoleIds),
    reference_message_id: record.referenceMessageId,
    reference_channel_id: record.referenceChannelId,
    pinned: fromBool(record.pinned),
    created_at: record.createdAt,
    edited_at: record.editedAt,
    deleted: fromBool(record.deleted),
  };
}

export interface MentionSource {
  channelId: string;
  seq: number;
  mentionEveryone: boolean;
  mentionUserIds: readonly string[];
  mentionRoleIds: readonly string[];
}

/**
 * One `message_mentions` row per distinct target. @everyone is recorded as the guild id because
 * that is the id of the @everyone role, so a member's count query needs no special case; a DM has
 * no @everyone role, so there it records nothing.
 */
export function mentionRows(source: MentionSource, guildId: string | null): Insertable<MessageMentionsTable>[] {
  const targets = new Set<string>([...source.mentionUserIds, ...source.mentionRoleIds]);
  if (source.mentionEveryone && guildId !== null) targets.add(guildId);
  return [...targets].map((target) => ({ channel_id: source.channelId, target_id: target, seq: source.seq }));
}
