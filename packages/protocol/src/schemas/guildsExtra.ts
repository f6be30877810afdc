import Type, { type Static } from 'typebox';
import { Channel } from './channels';
import { Nullable, Snowflake, Timestamp } from './common';
import { Guild, GuildMember, Role } from './guilds';
import { User } from './users';

/** `/guilds/:guild_id/roles/:role_id` */
export const RoleParams = Type.Object({ guild_id: Snowflake, role_id: Snowflake });
export type RoleParams = Static<typeof RoleParams>;

/** `/guilds/:guild_id/members/:user_id` and `/guilds/:guild_id/bans/:user_id` */
export const GuildUserParams = Type.Object({ guild_id: Snowflake, user_id: Snowflake });
export type GuildUserParams = Static<typeof GuildUserParams>;

/** `/guilds/:guild_id/members/:user_id/roles/:role_id` */
export const MemberRoleParams = Type.Object({ guild_id: Snowflake, user_id: Snowflake, role_id: Snowflake });
export type MemberRoleParams = Static<typeof MemberRoleParams>;

/** `GET /guilds/:guild_id` */
export const GetGuildQuery = Type.Object({ with_counts: Type.Optional(Type.Boolean()) });
export type GetGuildQuery = Static<typeof GetGuildQuery>;

/** `GET /users/@me/guilds`: paged by guild id, at most 200 per page (Discord's bounds). */
export const MyGuildsQuery = Type.Object({
  before: Type.Optional(Snowflake),
  after: Type.Optional(Snowflake),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  with_counts: Type.Optional(Type.Boolean()),
});
export type MyGuildsQuery = Static<typeof MyGuildsQuery>;

/** `GET /invites/:code` */
export const GetInviteQuery = Type.Object({
  with_counts: Type.Optional(Type.Boolean()),
  with_expiration: Type.Optional(Type.Boolean()),
});
export type GetInviteQuery = Static<typeof GetInviteQuery>;

/**
 * A body that may also be left out entirely: Discord accepts these requests without one, and bot
 * libraries rely on that (`PUT /guilds/:id/bans/:user_id`, `POST /invites/:code`, …). Fastify
 * hands a missing body to validation as null or undefined, depending on the request.
 */
export const OrNoBody = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null(), Type.Undefined()]);

/** `POST /invites/:code`: Discord's client may send its gateway session id; nothing else is read. */
export const AcceptInviteBody = Type.Object({ session_id: Type.Optional(Nullable(Type.String({ maxLength: 64 }))) });
export type AcceptInviteBody = Static<typeof AcceptInviteBody>;

/** `POST /oauth2/authorize` answers where the browser goes next, as Discord does. */
export const AuthorizeBotResponse = Type.Object({ location: Type.String() });
export type AuthorizeBotResponse = Static<typeof AuthorizeBotResponse>;

/** Gateway `GUILD_MEMBER_ADD` / `GUILD_MEMBER_UPDATE`: a member with its guild id. */
export const GuildMemberEvent = Type.Intersect([GuildMember, Type.Object({ guild_id: Snowflake })]);
export type GuildMemberEvent = Static<typeof GuildMemberEvent>;

/** Gateway `GUILD_MEMBER_REMOVE`, `GUILD_BAN_ADD`, `GUILD_BAN_REMOVE`. */
export const GuildUserEvent = Type.Object({ guild_id: Snowflake, user: User });
export type GuildUserEvent = Static<typeof GuildUserEvent>;

/** Gateway `GUILD_ROLE_CREATE` / `GUILD_ROLE_UPDATE`. */
export const GuildRoleEvent = Type.Object({ guild_id: Snowflake, role: Role });
export type GuildRoleEvent = Static<typeof GuildRoleEvent>;

/** Gateway `GUILD_ROLE_DELETE`. */
export const GuildRoleDeleteEvent = Type.Object({ guild_id: Snowflake, role_id: Snowflake });
export type GuildRoleDeleteEvent = Static<typeof GuildRoleDeleteEvent>;

/** Gateway `GUILD_DELETE`: `unavailable` is absent when the user left or was removed. */
export const GuildDeleteEvent = Type.Object({ id: Snowflake, unavailable: Type.Optional(Type.Boolean()) });
export type GuildDeleteEvent = Static<typeof GuildDeleteEvent>;

/** Gateway `INVITE_CREATE`. */
export const InviteCreateEvent = Type.Object({
  channel_id: Snowflake,
  guild_id: Snowflake,
  code: Type.String(),
  created_at: Timestamp,
  expires_at: Nullable(Timestamp),
  inviter: Type.Optional(User),
  max_age: Type.Integer(),
  max_uses: Type.Integer(),
  temporary: Type.Boolean(),
  uses: Type.Integer(),
});
export type InviteCreateEvent = Static<typeof InviteCreateEvent>;

/** Gateway `INVITE_DELETE`. */
export const InviteDeleteEvent = Type.Object({ channel_id: Snowflake, guild_id: Snowflake, code: Type.String() });
export type InviteDeleteEvent = Static<typeof InviteDeleteEvent>;

/**
 * Gateway `GUILD_CREATE`: the guild as a member first sees it, with the channels they may view and,
 * for small guilds, the member list.
 */
export const GatewayGuild = Type.Intersect([
  Guild,
  Type.Object({
    joined_at: Timestamp,
    large: Type.Boolean(),
    unavailable: Type.Boolean(),
    member_count: Type.Integer(),
    members: Type.Array(GuildMember),
    channels: Type.Array(Channel),
    threads: Type.Array(Type.Unknown()),
    presences: Type.Array(Type.Unknown()),
    voice_states: Type.Array(Type.Unknown()),
    stage_instances: Type.Array(Type.Unknown()),
    guild_scheduled_events: Type.Array(Type.Unknown()),
  }),
]);
export type GatewayGuild = Static<typeof GatewayGuild>;
