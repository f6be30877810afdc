import type { ColumnType } from 'kysely';

/**
 * Integer columns come back as bigint from SQLite (safe-integer mode, needed for 64-bit snowflakes)
 * and as string or number from PostgreSQL; writes accept any of the three. Always read them through
 * the converters below so both engines give the same records.
 */
export type DbInt = ColumnType<bigint | number | string, bigint | number | string, bigint | number | string>;
export type DbNullableInt = ColumnType<
  bigint | number | string | null,
  bigint | number | string | null | undefined,
  bigint | number | string | null
>;

type IntValue = bigint | number | string;

export const toId = (value: IntValue): string => String(value);
export const toNullableId = (value: IntValue | null): string | null => (value === null ? null : String(value));
export const toInt = (value: IntValue): number => Number(value);
export const toNullableInt = (value: IntValue | null): number | null => (value === null ? null : Number(value));
export const toBool = (value: IntValue): boolean => Number(value) !== 0;
export const fromBool = (value: boolean): number => (value ? 1 : 0);
export const toBigInt = (value: IntValue): bigint => BigInt(value);

/** Ids are bound as strings: both engines convert a decimal string to their 64-bit integer type. */
export const idParam = (id: string): string => id;

/** JSON arrays of ids are stored as text; both engines have it and neither needs to look inside. */
export const toIdList = (value: string): string[] => JSON.parse(value) as string[];
export const fromIdList = (ids: readonly string[]): string => JSON.stringify(ids);
