import Type, { type Static } from 'typebox';
import { Limits } from '../channelTypes';
import { Nullable, Snowflake, Timestamp } from './common';
import { User } from './users';

export const MessageReference = Type.Object({
  type: Type.Optional(Type.Integer({ minimum: 0, maximum: 1 })),
  message_id: Type.Optional(Snowflake),
  channel_id: Type.Optional(Snowflake),
  guild_id: Type.Optional(Snowflake),
  fail_if_not_exists: Type.Optional(Type.Boolean()),
});
export type MessageReference = Static<typeof MessageReference>;

export const Emoji = Type.Object({ id: Nullable(Snowflake), name: Nullable(Type.String()) });

export const Reaction = Type.Object({
  count: Type.Integer(),
  count_details: Type.Object({ burst: Type.Integer(), normal: Type.Integer() }),
  me: Type.Boolean(),
  me_burst: Type.Boolean(),
  emoji: Emoji,
  burst_colors: Type.Array(Type.String()),
});
export type Reaction = Static<typeof Reaction>;

export const MessageBase = Type.Object({
  id: Snowflake,
  channel_id: Snowflake,
  guild_id: Type.Optional(Snowflake),
  /** On gateway events: the channel's type, so a client can place a message of an unknown DM channel. */
  channel_type: Type.Optional(Type.Integer()),
  author: User,
  content: Type.String(),
  timestamp: Timestamp,
  edited_timestamp: Nullable(Timestamp),
  tts: Type.Boolean(),
  mention_everyone: Type.Boolean(),
  mentions: Type.Array(User),
  mention_roles: Type.Array(Snowflake),
  attachments: Type.Array(Type.Unknown()),
  embeds: Type.Array(Type.Unknown()),
  reactions: Type.Optional(Type.Array(Reaction)),
  nonce: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
  pinned: Type.Boolean(),
  type: Type.Integer(),
  flags: Type.Integer(),
  message_reference: Type.Optional(MessageReference),
  /** Concord: the message's position in its channel, 1-based and gap-free. */
  seq: Type.Integer(),
});

/** A message; a reply carries the message it replies to (null when that one was deleted). */
export const Message = Type.Intersect([
  MessageBase,
  Type.Object({ referenced_message: Type.Optional(Nullable(MessageBase)) }),
]);
export type Message = Static<typeof MessageBase> & { referenced_message?: Static<typeof MessageBase> | null };

/** A nonce is a string or an integer, as in Discord; integers are compared by their decimal form. */
export const Nonce = Type.Union([
  Type.String({ maxLength: Limits.nonce }),
  Type.Integer({ minimum: -9007199254740991, maximum: 9007199254740991 }),
]);

export const AllowedMentions = Type.Object({
  parse: Type.Optional(
    Type.Array(Type.Union([Type.Literal('users'), Type.Literal('roles'), Type.Literal('everyone')]), { maxItems: 3 }),
  ),
  users: Type.Optional(Type.Array(Snowflake, { maxItems: 100 })),
  roles: Type.Optional(Type.Array(Snowflake, { maxItems: 100 })),
  replied_user: Type.Optional(Type.Boolean()),
});

export const CreateMessageBody = Type.Object({
  content: Type.Optional(Type.String({ maxLength: Limits.messageContent })),
  nonce: Type.Optional(Nonce),
  tts: Type.Optional(Type.Boolean()),
  /** Discord ignores `enforce_nonce: false` semantics for us: a nonce always deduplicates. */
  enforce_nonce: Type.Optional(Type.Boolean()),
  message_reference: Type.Optional(MessageReference),
  allowed_mentions: Type.Optional(AllowedMentions),
  embeds: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 0 })),
  flags: Type.Optional(Type.Integer({ minimum: 0, maximum: 1 << 16 })),
});
export type CreateMessageBody = Static<typeof CreateMessageBody>;

export const EditMessageBody = Type.Object({
  content: Type.Optional(Nullable(Type.String({ maxLength: Limits.messageContent }))),
  flags: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1 << 16 }))),
  allowed_mentions: Type.Optional(Nullable(AllowedMentions)),
});
export type EditMessageBody = Static<typeof EditMessageBody>;

export const ListMessagesQuery = Type.Object({
  around: Type.Optional(Snowflake),
  before: Type.Optional(Snowflake),
  after: Type.Optional(Snowflake),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  /** Concord: page by channel `seq` instead of id (the sync cursor). */
  after_seq: Type.Optional(Type.Integer({ minimum: 0 })),
  before_seq: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type ListMessagesQuery = Static<typeof ListMessagesQuery>;

export const ListReactionsQuery = Type.Object({
  after: Type.Optional(Snowflake),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25 })),
  type: Type.Optional(Type.Integer({ minimum: 0, maximum: 1 })),
});
export type ListReactionsQuery = Static<typeof ListReactionsQuery>;

export const BulkDeleteBody = Type.Object({
  messages: Type.Array(Snowflake, { minItems: 2, maxItems: 100 }),
});
export type BulkDeleteBody = Static<typeof BulkDeleteBody>;

/** Discord client's ack body; Concord accepts and ignores the legacy `token`. */
export const AckBody = Type.Object({
  token: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
  manual: Type.Optional(Type.Boolean()),
  mention_count: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000000 })),
});
export type AckBody = Static<typeof AckBody>;

export const ReadState = Type.Object({
  /** The channel id, as in Discord's READY `read_state` entries. */
  id: Snowflake,
  last_message_id: Nullable(Snowflake),
  mention_count: Type.Integer(),
  /** Concord: the last read `seq` in the channel. */
  last_seq: Type.Integer(),
});
export type ReadState = Static<typeof ReadState>;
