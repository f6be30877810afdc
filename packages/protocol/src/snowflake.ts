/** Discord's epoch (2015-01-01T00:00:00Z); snowflakes are `ms since epoch << 22 | worker << 12 | counter`. */
export const SNOWFLAKE_EPOCH_MS = 1420070400000;

export function snowflakeTimestamp(id: string): number {
  return Number(BigInt(id) >> 22n) + SNOWFLAKE_EPOCH_MS;
}

/** The smallest snowflake minted at or after `ms`: a cursor for "messages after this time". */
export function snowflakeFromTimestamp(ms: number): string {
  return (BigInt(Math.max(0, ms - SNOWFLAKE_EPOCH_MS)) << 22n).toString();
}
