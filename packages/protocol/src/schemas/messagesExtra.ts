import Type, { type Static } from 'typebox';
import { Nullable, Snowflake, Timestamp } from './common';
import { Emoji, type Message } from './messages';
import { GuildMember } from './guilds';

/**
 * Message-area wire shapes beyond `messages.ts`: route params, Concord's tombstone marker and the
 * payloads of the message gateway events.
 */

export const MessageParams = Type.Object({ channel_id: Snowflake, message_id: Snowflake });
export type MessageParams = Static<typeof MessageParams>;

/**
 * The emoji in a reaction path: URL-encoded unicode, or `name:id` for custom emoji (which Concord
 * does not have). Bounded so a long path never reaches the emoji parser.
 */
const ReactionEmoji = Type.String({ minLength: 1, maxLength: 64 });

export const ReactionParams = Type.Object({ channel_id: Snowflake, message_id: Snowflake, emoji: ReactionEmoji });
export type ReactionParams = Static<typeof ReactionParams>;

export const ReactionUserParams = Type.Object({
  channel_id: Snowflake,
  message_id: Snowflake,
  emoji: ReactionEmoji,
  user_id: Snowflake,
});
export type ReactionUserParams = Static<typeof ReactionUserParams>;

/**
 * Concord: in seq-paged lists (`after_seq`, `before_seq`) a deleted message still appears, with
 * `deleted: true`, empty content and no mentions or reactions, so a syncing client can advance its
 * cursor without mistaking the hole for a gap.
 */
export const MessageDeletedMarker = Type.Object({ deleted: Type.Optional(Type.Boolean()) });
export type SyncMessage = Message & { deleted?: boolean };

/** Discord's partial member attached to guild MESSAGE_CREATE / MESSAGE_REACTION_ADD (no `user`). */
export const MessageMember = Type.Omit(GuildMember, ['user']);
export type MessageMember = Static<typeof MessageMember>;

export const MessageDeleteEvent = Type.Object({
  id: Snowflake,
  channel_id: Snowflake,
  guild_id: Type.Optional(Snowflake),
  /** Concord: the deleted message's seq. */
  seq: Type.Integer(),
});
export type MessageDeleteEvent = Static<typeof MessageDeleteEvent>;

export const MessageDeleteBulkEvent = Type.Object({
  ids: Type.Array(Snowflake),
  channel_id: Snowflake,
  guild_id: Type.Optional(Snowflake),
  /** Concord: the seq of each deleted message, in the order of `ids`. */
  seqs: Type.Array(Type.Integer()),
});
export type MessageDeleteBulkEvent = Static<typeof MessageDeleteBulkEvent>;

export const MessageReactionEvent = Type.Object({
  user_id: Snowflake,
  channel_id: Snowflake,
  message_id: Snowflake,
  guild_id: Type.Optional(Snowflake),
  member: Type.Optional(MessageMember),
  emoji: Emoji,
  message_author_id: Type.Optional(Snowflake),
  burst: Type.Boolean(),
  type: Type.Integer(),
});
export type MessageReactionEvent = Static<typeof MessageReactionEvent>;

export const MessageReactionRemoveAllEvent = Type.Object({
  channel_id: Snowflake,
  message_id: Snowflake,
  guild_id: Type.Optional(Snowflake),
});
export type MessageReactionRemoveAllEvent = Static<typeof MessageReactionRemoveAllEvent>;

export const MessageReactionRemoveEmojiEvent = Type.Object({
  channel_id: Snowflake,
  message_id: Snowflake,
  guild_id: Type.Optional(Snowflake),
  emoji: Emoji,
});
export type MessageReactionRemoveEmojiEvent = Static<typeof MessageReactionRemoveEmojiEvent>;

export const ChannelPinsUpdateEvent = Type.Object({
  guild_id: Type.Optional(Snowflake),
  channel_id: Snowflake,
  last_pin_timestamp: Nullable(Timestamp),
});
export type ChannelPinsUpdateEvent = Static<typeof ChannelPinsUpdateEvent>;

export const MessageAckEvent = Type.Object({
  channel_id: Snowflake,
  message_id: Nullable(Snowflake),
  mention_count: Type.Integer(),
  /** Concord: the last read seq. */
  seq: Type.Integer(),
  /** Increases with every ack of this read state, so a device can drop a stale one. */
  version: Type.Integer(),
});
export type MessageAckEvent = Static<typeof MessageAckEvent>;
