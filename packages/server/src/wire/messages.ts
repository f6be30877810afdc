import {
  MessageType,
  type ChannelPinsUpdateEvent,
  type Message,
  type MessageDeleteBulkEvent,
  type MessageDeleteEvent,
  type MessageMember,
  type MessageReactionEvent,
  type Reaction,
  type SyncMessage,
  type User,
} from '@concord/protocol';
import type { MemberRecord, MessageRecord, ReactionCount, UserRecord } from '../stores/records';
import { isoTime, toUser } from './users';
import { toPartialMember } from './guilds';

/** One message of `Message` without `referenced_message` (what a reply embeds). */
type MessageBase = Omit<Message, 'referenced_message'>;

/**
 * Everything besides the record that a wire message needs, loaded in bulk for a page of messages:
 * the users it names (authors, mentions), reaction counts as the viewer sees them, and the messages
 * replies refer to (null when that one is gone).
 */
export interface MessageView {
  users: ReadonlyMap<string, UserRecord>;
  /** Absent for events: `me` depends on who receives them. */
  reactions?: ReadonlyMap<string, readonly ReactionCount[]>;
  references?: ReadonlyMap<string, MessageRecord | null>;
}

export interface MessageExtras {
  /** Echoed to the sender (response and MESSAGE_CREATE) as Discord does; never stored for reads. */
  nonce?: string | number;
  /** Events carry the guild id; REST responses do not. */
  guildId?: string | null;
  /** Events carry the channel type (Discord's `channel_type`). */
  channelType?: number;
}

/**
 * A user we no longer have a record of still needs a valid User object; Discord shows such authors
 * as "Deleted User".
 */
function userOf(view: MessageView, id: string): User {
  const user = view.users.get(id);
  if (user !== undefined) return toUser(user);
  return {
    id,
    username: 'deleted_user',
    discriminator: '0',
    global_name: 'Deleted User',
    avatar: null,
    public_flags: 0,
  };
}

export function toReaction(count: ReactionCount): Reaction {
  return {
    count: count.count,
    count_details: { burst: 0, normal: count.count },
    me: count.me,
    me_burst: false,
    emoji: toEmoji(count.emoji),
    burst_colors: [],
  };
}

/** Concord has only unicode emoji, so `id` is always null and `name` is the character itself. */
export function toEmoji(emoji: string): { id: null; name: string } {
  return { id: null, name: emoji };
}

function toMessageBase(record: MessageRecord, view: MessageView, extras: MessageExtras): MessageBase {
  const wire: MessageBase = {
    id: record.id,
    channel_id: record.channelId,
    author: userOf(view, record.authorId),
    content: record.content,
    timestamp: isoTime(record.createdAt),
    edited_timestamp: record.editedAt === null ? null : isoTime(record.editedAt),
    tts: record.tts,
    mention_everyone: record.mentionEveryone,
    mentions: record.mentionUserIds.map((id) => userOf(view, id)),
    mention_roles: [...record.mentionRoleIds],
    attachments: [],
    embeds: [],
    pinned: record.pinned,
    type: record.type,
    flags: record.flags,
    seq: record.seq,
  };
  if (extras.guildId !== undefined && extras.guildId !== null) wire.guild_id = extras.guildId;
  if (extras.channelType !== undefined) wire.channel_type = extras.channelType;
  const reactions = view.reactions?.get(record.id);
  if (reactions !== undefined && reactions.length > 0) wire.reactions = reactions.map(toReaction);
  if (extras.nonce !== undefined) wire.nonce = extras.nonce;
  // A tombstone keeps only what a syncing client needs: what it replied to went with its content.
  if (record.referenceMessageId !== null && !record.deleted) {
    wire.message_reference = {
      type: 0,
      message_id: record.referenceMessageId,
      channel_id: record.referenceChannelId ?? record.channelId,
      fail_if_not_exists: false,
    };
    if (extras.guildId !== undefined && extras.guildId !== null) wire.message_reference.guild_id = extras.guildId;
  }
  return wire;
}

/** A message as REST answers it and events carry it; replies embed the message they answer. */
export function toMessage(record: MessageRecord, view: MessageView, extras: MessageExtras = {}): SyncMessage {
  const wire: SyncMessage = toMessageBase(record, view, extras);
  if (record.deleted) wire.deleted = true;
  if (record.type === MessageType.REPLY && record.referenceMessageId !== null && !record.deleted) {
    const referenced = view.references?.get(record.referenceMessageId);
    wire.referenced_message =
      referenced === undefined || referenced === null || referenced.deleted
        ? null
        : toMessageBase(referenced, view, { guildId: extras.guildId });
  }
  return wire;
}

/** Discord's partial member on guild message events: the member without its user. */
export function toMessageMember(member: MemberRecord): MessageMember {
  return toPartialMember(member);
}

export function toMessageDeleteEvent(record: MessageRecord, guildId: string | null): MessageDeleteEvent {
  const wire: MessageDeleteEvent = { id: record.id, channel_id: record.channelId, seq: record.seq };
  if (guildId !== null) wire.guild_id = guildId;
  return wire;
}

export function toMessageDeleteBulkEvent(
  channelId: string,
  records: readonly MessageRecord[],
  guildId: string | null,
): MessageDeleteBulkEvent {
  const wire: MessageDeleteBulkEvent = {
    ids: records.map((r) => r.id),
    channel_id: channelId,
    seqs: records.map((r) => r.seq),
  };
  if (guildId !== null) wire.guild_id = guildId;
  return wire;
}

export interface ReactionEventInput {
  userId: string;
  message: MessageRecord;
  emoji: string;
  guildId: string | null;
  /** The reacting member, on MESSAGE_REACTION_ADD in guilds. */
  member?: MemberRecord;
}

export function toMessageReactionEvent(input: ReactionEventInput): MessageReactionEvent {
  const wire: MessageReactionEvent = {
    user_id: input.userId,
    channel_id: input.message.channelId,
    message_id: input.message.id,
    emoji: toEmoji(input.emoji),
    message_author_id: input.message.authorId,
    burst: false,
    type: 0,
  };
  if (input.guildId !== null) wire.guild_id = input.guildId;
  if (input.member !== undefined) wire.member = toMessageMember(input.member);
  return wire;
}

/** Payload shared by REACTION_REMOVE_ALL (no emoji) and REACTION_REMOVE_EMOJI. */
export function toReactionClearEvent(
  message: MessageRecord,
  guildId: string | null,
  emoji?: string,
): { channel_id: string; message_id: string; guild_id?: string; emoji?: { id: null; name: string } } {
  const wire: { channel_id: string; message_id: string; guild_id?: string; emoji?: { id: null; name: string } } = {
    channel_id: message.channelId,
    message_id: message.id,
  };
  if (guildId !== null) wire.guild_id = guildId;
  if (emoji !== undefined) wire.emoji = toEmoji(emoji);
  return wire;
}

export function toChannelPinsUpdateEvent(
  channelId: string,
  guildId: string | null,
  lastPinAt: number | null,
): ChannelPinsUpdateEvent {
  const wire: ChannelPinsUpdateEvent = {
    channel_id: channelId,
    last_pin_timestamp: lastPinAt === null ? null : isoTime(lastPinAt),
  };
  if (guildId !== null) wire.guild_id = guildId;
  return wire;
}
