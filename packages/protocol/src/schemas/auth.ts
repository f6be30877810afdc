import Type, { type Static } from 'typebox';
import { Snowflake } from './common';
import { Password, Username } from './users';

const Device = Type.String({ minLength: 1, maxLength: 128 });

export const RegisterBody = Type.Object({
  username: Username,
  password: Password,
  global_name: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  device: Type.Optional(Device),
});
export type RegisterBody = Static<typeof RegisterBody>;

export const RegisterResponse = Type.Object({ token: Type.String(), user_id: Snowflake });
export type RegisterResponse = Static<typeof RegisterResponse>;

export const LoginBody = Type.Object({
  login: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
  device: Type.Optional(Device),
});
export type LoginBody = Static<typeof LoginBody>;

export const LoginResponse = Type.Object({ token: Type.String(), user_id: Snowflake });
export type LoginResponse = Static<typeof LoginResponse>;
