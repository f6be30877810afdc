import Type, { type Static } from 'typebox';
import { Limits } from '../channelTypes';
import { Nullable, Snowflake, Timestamp } from './common';

export const User = Type.Object({
  id: Snowflake,
  username: Type.String(),
  discriminator: Type.String(),
  global_name: Nullable(Type.String()),
  avatar: Nullable(Type.String()),
  bot: Type.Optional(Type.Boolean()),
  system: Type.Optional(Type.Boolean()),
  public_flags: Type.Integer(),
  flags: Type.Optional(Type.Integer()),
  mfa_enabled: Type.Optional(Type.Boolean()),
  verified: Type.Optional(Type.Boolean()),
});
export type User = Static<typeof User>;

/** Usernames follow Discord's unique-username rules: lowercase letters, digits, `_` and `.`. */
export const Username = Type.String({
  minLength: Limits.username.min,
  maxLength: Limits.username.max,
  pattern: '^(?!.*\\.\\.)[a-z0-9_.]+$',
});
export const Password = Type.String({ minLength: Limits.password.min, maxLength: Limits.password.max });
export const DisplayName = Type.String({ minLength: 1, maxLength: 32 });

export const ModifyCurrentUserBody = Type.Object({
  username: Type.Optional(Username),
  global_name: Type.Optional(Nullable(DisplayName)),
  avatar: Type.Optional(Type.Null()),
  /** Required to change username or password, as in Discord's client. */
  password: Type.Optional(Password),
  new_password: Type.Optional(Password),
});
export type ModifyCurrentUserBody = Static<typeof ModifyCurrentUserBody>;

export const AuthSession = Type.Object({
  id: Snowflake,
  /** Client-provided device label, e.g. "Firefox on Linux". */
  device: Nullable(Type.String()),
  created_at: Timestamp,
  last_used_at: Timestamp,
  current: Type.Boolean(),
});
export type AuthSession = Static<typeof AuthSession>;
