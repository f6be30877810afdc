import Type, { type Static } from 'typebox';
import { Limits } from '../channelTypes';
import { Nullable, PermissionString, Snowflake, Timestamp } from './common';
import { User } from './users';

export const Role = Type.Object({
  id: Snowflake,
  name: Type.String(),
  color: Type.Integer(),
  hoist: Type.Boolean(),
  icon: Nullable(Type.String()),
  unicode_emoji: Nullable(Type.String()),
  position: Type.Integer(),
  permissions: PermissionString,
  managed: Type.Boolean(),
  mentionable: Type.Boolean(),
  flags: Type.Integer(),
});
export type Role = Static<typeof Role>;

export const GuildMember = Type.Object({
  user: User,
  nick: Nullable(Type.String()),
  avatar: Nullable(Type.String()),
  roles: Type.Array(Snowflake),
  joined_at: Type.String(),
  deaf: Type.Boolean(),
  mute: Type.Boolean(),
  flags: Type.Integer(),
  pending: Type.Boolean(),
  communication_disabled_until: Nullable(Type.String()),
});
export type GuildMember = Static<typeof GuildMember>;

export const Guild = Type.Object({
  id: Snowflake,
  name: Type.String(),
  icon: Nullable(Type.String()),
  splash: Type.Null(),
  discovery_splash: Type.Null(),
  owner_id: Snowflake,
  /** Present when the guild is fetched by a member: that member's guild-level permissions. */
  permissions: Type.Optional(PermissionString),
  afk_channel_id: Type.Null(),
  afk_timeout: Type.Integer(),
  verification_level: Type.Integer(),
  default_message_notifications: Type.Integer(),
  explicit_content_filter: Type.Integer(),
  roles: Type.Array(Role),
  emojis: Type.Array(Type.Unknown()),
  stickers: Type.Array(Type.Unknown()),
  features: Type.Array(Type.String()),
  mfa_level: Type.Integer(),
  application_id: Type.Null(),
  system_channel_id: Nullable(Snowflake),
  system_channel_flags: Type.Integer(),
  rules_channel_id: Type.Null(),
  vanity_url_code: Type.Null(),
  description: Nullable(Type.String()),
  banner: Type.Null(),
  premium_tier: Type.Integer(),
  preferred_locale: Type.String(),
  public_updates_channel_id: Type.Null(),
  nsfw_level: Type.Integer(),
  premium_progress_bar_enabled: Type.Boolean(),
  approximate_member_count: Type.Optional(Type.Integer()),
});
export type Guild = Static<typeof Guild>;

export const GuildName = Type.String({ minLength: Limits.guildName.min, maxLength: Limits.guildName.max });

export const CreateGuildBody = Type.Object({
  name: GuildName,
  icon: Type.Optional(Type.Null()),
  description: Type.Optional(Nullable(Type.String({ maxLength: 120 }))),
});
export type CreateGuildBody = Static<typeof CreateGuildBody>;

export const ModifyGuildBody = Type.Object({
  name: Type.Optional(GuildName),
  description: Type.Optional(Nullable(Type.String({ maxLength: 120 }))),
  system_channel_id: Type.Optional(Nullable(Snowflake)),
  owner_id: Type.Optional(Snowflake),
});
export type ModifyGuildBody = Static<typeof ModifyGuildBody>;

export const RoleBody = Type.Object({
  name: Type.Optional(Type.String({ maxLength: Limits.roleName })),
  permissions: Type.Optional(PermissionString),
  color: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffff })),
  hoist: Type.Optional(Type.Boolean()),
  mentionable: Type.Optional(Type.Boolean()),
});
export type RoleBody = Static<typeof RoleBody>;

export const RolePositionsBody = Type.Array(
  Type.Object({ id: Snowflake, position: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1000 }))) }),
  { maxItems: Limits.rolesPerGuild },
);
export type RolePositionsBody = Static<typeof RolePositionsBody>;

export const ModifyMemberBody = Type.Object({
  nick: Type.Optional(Nullable(Type.String({ maxLength: 32 }))),
  roles: Type.Optional(Type.Array(Snowflake, { maxItems: Limits.rolesPerGuild })),
});
export type ModifyMemberBody = Static<typeof ModifyMemberBody>;

export const ModifyCurrentMemberBody = Type.Object({
  nick: Type.Optional(Nullable(Type.String({ maxLength: 32 }))),
});
export type ModifyCurrentMemberBody = Static<typeof ModifyCurrentMemberBody>;

export const ListMembersQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1 })),
  after: Type.Optional(Snowflake),
});
export type ListMembersQuery = Static<typeof ListMembersQuery>;

export const Ban = Type.Object({ reason: Nullable(Type.String()), user: User });
export type Ban = Static<typeof Ban>;

export const CreateBanBody = Type.Object({
  /** Seconds of the user's messages to delete (Discord: 0–604800). */
  delete_message_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 604800 })),
  reason: Type.Optional(Type.String({ maxLength: 512 })),
});
export type CreateBanBody = Static<typeof CreateBanBody>;

export const ListBansQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1000 })),
  before: Type.Optional(Snowflake),
  after: Type.Optional(Snowflake),
});
export type ListBansQuery = Static<typeof ListBansQuery>;

/** What `GET /users/@me/guilds` lists. */
export const PartialGuild = Type.Object({
  id: Snowflake,
  name: Type.String(),
  icon: Nullable(Type.String()),
  owner: Type.Boolean(),
  permissions: PermissionString,
  features: Type.Array(Type.String()),
});
export type PartialGuild = Static<typeof PartialGuild>;

export { Timestamp };
