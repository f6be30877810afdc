import Type, { type Static } from 'typebox';

/**
 * A regex accepting decimal strings from 0 up to `max` inclusive, built digit by digit, so that a
 * schema can bound a 64-bit value that JSON numbers cannot carry.
 */
export function decimalUpToPattern(max: string): string {
  const alternatives = [`[0-9]{1,${max.length - 1}}`];
  for (let i = 0; i < max.length; i++) {
    const digit = Number(max[i]);
    if (digit === 0) continue;
    const rest = max.length - i - 1;
    alternatives.push(`${max.slice(0, i)}[0-${digit - 1}]${rest > 0 ? `[0-9]{${rest}}` : ''}`);
  }
  alternatives.push(max);
  return `^(?:${alternatives.join('|')})$`;
}

/**
 * A snowflake id on the wire: a decimal string no larger than 2^63 - 1, so every engine can store it
 * as a signed 64-bit integer.
 */
export const Snowflake = Type.String({ pattern: decimalUpToPattern('9223372036854775807'), maxLength: 19 });
export type Snowflake = Static<typeof Snowflake>;

/** ISO-8601 timestamp string as Discord sends it. */
export const Timestamp = Type.String();

/** A permission bitfield as a decimal string (unsigned 64-bit). */
export const PermissionString = Type.String({ pattern: decimalUpToPattern('18446744073709551615'), maxLength: 20 });

export const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IdParams = {
  guild: Type.Object({ guild_id: Snowflake }),
  channel: Type.Object({ channel_id: Snowflake }),
  user: Type.Object({ user_id: Snowflake }),
};

/** `limit` with Discord's paging bounds. */
export const PageLimit = (max: number, defaultValue: number) =>
  Type.Integer({ minimum: 1, maximum: max, default: defaultValue });
