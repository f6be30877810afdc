import Type, { type Static } from 'typebox';

/** A snowflake id on the wire: a decimal string of at most 20 digits (64 bits). */
export const Snowflake = Type.String({ pattern: '^[0-9]{1,20}$', maxLength: 20 });
export type Snowflake = Static<typeof Snowflake>;

/** ISO-8601 timestamp string as Discord sends it. */
export const Timestamp = Type.String();

/** A permission bitfield as a decimal string. */
export const PermissionString = Type.String({ pattern: '^[0-9]{1,20}$', maxLength: 20 });

export const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IdParams = {
  guild: Type.Object({ guild_id: Snowflake }),
  channel: Type.Object({ channel_id: Snowflake }),
  user: Type.Object({ user_id: Snowflake }),
};

/** `limit` with Discord's paging bounds. */
export const PageLimit = (max: number, defaultValue: number) =>
  Type.Integer({ minimum: 1, maximum: max, default: defaultValue });
