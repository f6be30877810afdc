import Type, { type Static } from 'typebox';
import { Nullable, Snowflake, Timestamp } from './common';
import { User } from './users';

export const Invite = Type.Object({
  type: Type.Integer(),
  code: Type.String(),
  guild: Type.Optional(
    Type.Object({
      id: Snowflake,
      name: Type.String(),
      icon: Nullable(Type.String()),
      description: Nullable(Type.String()),
      features: Type.Array(Type.String()),
    }),
  ),
  channel: Nullable(Type.Object({ id: Snowflake, name: Nullable(Type.String()), type: Type.Integer() })),
  inviter: Type.Optional(User),
  expires_at: Nullable(Timestamp),
  approximate_member_count: Type.Optional(Type.Integer()),
  // Invite metadata, included where the caller may manage invites.
  uses: Type.Optional(Type.Integer()),
  max_uses: Type.Optional(Type.Integer()),
  max_age: Type.Optional(Type.Integer()),
  temporary: Type.Optional(Type.Boolean()),
  created_at: Type.Optional(Timestamp),
});
export type Invite = Static<typeof Invite>;

export const CreateInviteBody = Type.Object({
  /** Seconds until expiry, 0 = never (Discord: 0–604800, default 86400). */
  max_age: Type.Optional(Type.Integer({ minimum: 0, maximum: 604800 })),
  max_uses: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  temporary: Type.Optional(Type.Boolean()),
  unique: Type.Optional(Type.Boolean()),
});
export type CreateInviteBody = Static<typeof CreateInviteBody>;

export const InviteCodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9-]{2,32}$' }) });
