import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';

/** Columns that legitimately change on reads (e.g. session last-used time) and are not "state". */
const VOLATILE: Record<string, string[]> = { sessions: ['last_used_at'] };

/**
 * A digest of every row of every table of a node's SQLite file, read through a separate read-only
 * connection: equal digests before and after a request mean the request changed nothing.
 */
export function databaseDigest(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.defaultSafeIntegers(true);
    const hash = createHash('sha256');
    const tables = db
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name",
      )
      .all() as Array<{ name: string }>;
    for (const { name } of tables) {
      const volatile = new Set(VOLATILE[name] ?? []);
      hash.update(`#${name}\n`);
      for (const row of db.prepare(`select * from "${name}" order by rowid`).iterate() as Iterable<
        Record<string, unknown>
      >) {
        for (const [column, value] of Object.entries(row)) {
          if (!volatile.has(column)) hash.update(`${column}=${String(value)};`);
        }
        hash.update('\n');
      }
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}
