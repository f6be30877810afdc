import Type, { type Static } from 'typebox';
import { Limits } from '../channelTypes';
import { Nullable, PermissionString, Snowflake } from './common';
import { User } from './users';

export const Overwrite = Type.Object({
  id: Snowflake,
  type: Type.Union([Type.Literal(0), Type.Literal(1)]),
  allow: PermissionString,
  deny: PermissionString,
});
export type Overwrite = Static<typeof Overwrite>;

export const Channel = Type.Object({
  id: Snowflake,
  type: Type.Integer(),
  guild_id: Type.Optional(Snowflake),
  position: Type.Optional(Type.Integer()),
  permission_overwrites: Type.Optional(Type.Array(Overwrite)),
  name: Type.Optional(Nullable(Type.String())),
  topic: Type.Optional(Nullable(Type.String())),
  nsfw: Type.Optional(Type.Boolean()),
  last_message_id: Type.Optional(Nullable(Snowflake)),
  rate_limit_per_user: Type.Optional(Type.Integer()),
  recipients: Type.Optional(Type.Array(User)),
  icon: Type.Optional(Nullable(Type.String())),
  owner_id: Type.Optional(Snowflake),
  parent_id: Type.Optional(Nullable(Snowflake)),
  flags: Type.Integer(),
  /** Concord: the channel's head `seq` (0 when empty), the sync cursor for catching up. */
  last_seq: Type.Integer(),
});
export type Channel = Static<typeof Channel>;

const ChannelName = Type.String({ minLength: Limits.channelName.min, maxLength: Limits.channelName.max });
const Topic = Type.String({ maxLength: Limits.channelTopic });
const OverwriteInput = Type.Object({
  id: Snowflake,
  type: Type.Union([Type.Literal(0), Type.Literal(1)]),
  allow: Type.Optional(Nullable(PermissionString)),
  deny: Type.Optional(Nullable(PermissionString)),
});
export type OverwriteInput = Static<typeof OverwriteInput>;

export const CreateGuildChannelBody = Type.Object({
  name: ChannelName,
  type: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(4)])),
  topic: Type.Optional(Nullable(Topic)),
  position: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 10000 }))),
  permission_overwrites: Type.Optional(Type.Array(OverwriteInput, { maxItems: 100 })),
  parent_id: Type.Optional(Nullable(Snowflake)),
  nsfw: Type.Optional(Type.Boolean()),
  rate_limit_per_user: Type.Optional(Type.Integer({ minimum: 0, maximum: 21600 })),
});
export type CreateGuildChannelBody = Static<typeof CreateGuildChannelBody>;

export const ModifyChannelBody = Type.Object({
  name: Type.Optional(ChannelName),
  topic: Type.Optional(Nullable(Topic)),
  position: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 10000 }))),
  permission_overwrites: Type.Optional(Nullable(Type.Array(OverwriteInput, { maxItems: 100 }))),
  parent_id: Type.Optional(Nullable(Snowflake)),
  nsfw: Type.Optional(Type.Boolean()),
  rate_limit_per_user: Type.Optional(Type.Integer({ minimum: 0, maximum: 21600 })),
  /** Group DM icon. */
  icon: Type.Optional(Type.Null()),
});
export type ModifyChannelBody = Static<typeof ModifyChannelBody>;

export const ChannelPositionsBody = Type.Array(
  Type.Object({
    id: Snowflake,
    position: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 10000 }))),
    parent_id: Type.Optional(Nullable(Snowflake)),
    lock_permissions: Type.Optional(Nullable(Type.Boolean())),
  }),
  { maxItems: Limits.channelsPerGuild },
);
export type ChannelPositionsBody = Static<typeof ChannelPositionsBody>;

export const EditOverwriteBody = Type.Object({
  type: Type.Union([Type.Literal(0), Type.Literal(1)]),
  allow: Type.Optional(Nullable(PermissionString)),
  deny: Type.Optional(Nullable(PermissionString)),
});
export type EditOverwriteBody = Static<typeof EditOverwriteBody>;

/** `POST /users/@me/channels`: a DM with `recipient_id`, or a group DM with `recipients`. */
export const CreateDmBody = Type.Object({
  recipient_id: Type.Optional(Snowflake),
  recipients: Type.Optional(Type.Array(Snowflake, { minItems: 1, maxItems: Limits.groupDmRecipients - 1 })),
  name: Type.Optional(Nullable(ChannelName)),
});
export type CreateDmBody = Static<typeof CreateDmBody>;
