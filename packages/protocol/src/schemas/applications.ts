import Type, { type Static } from 'typebox';
import { Nullable, PermissionString, Snowflake } from './common';
import { User } from './users';

export const Application = Type.Object({
  id: Snowflake,
  name: Type.String(),
  icon: Nullable(Type.String()),
  description: Type.String(),
  bot_public: Type.Boolean(),
  bot_require_code_grant: Type.Boolean(),
  owner: Type.Optional(User),
  bot: Type.Optional(User),
  verify_key: Type.String(),
  flags: Type.Integer(),
});
export type Application = Static<typeof Application>;

export const CreateApplicationBody = Type.Object({
  name: Type.String({ minLength: 2, maxLength: 32 }),
  description: Type.Optional(Type.String({ maxLength: 400 })),
});
export type CreateApplicationBody = Static<typeof CreateApplicationBody>;

export const BotTokenResponse = Type.Object({ token: Type.String() });

export const AuthorizeBotQuery = Type.Object({
  client_id: Snowflake,
  scope: Type.String({ maxLength: 200 }),
  permissions: Type.Optional(PermissionString),
});
export type AuthorizeBotQuery = Static<typeof AuthorizeBotQuery>;

export const AuthorizeBotBody = Type.Object({
  guild_id: Snowflake,
  permissions: Type.Optional(PermissionString),
  authorize: Type.Boolean(),
});
export type AuthorizeBotBody = Static<typeof AuthorizeBotBody>;
