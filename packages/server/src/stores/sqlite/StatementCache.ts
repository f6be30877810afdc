import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Hands kysely the same prepared statement for the same SQL text. kysely's SQLite driver prepares
 * every query anew, and preparing costs more than running a small indexed query; the set of query
 * shapes is small, so an LRU of them removes that cost from every request. Statements are not shared
 * across concurrent iterations: kysely runs one query at a time on the connection and we never stream.
 */
export function cachingDatabase(sqlite: BetterSqlite3.Database, capacity = 1_000): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached !== undefined) {
        // Refresh its place in the LRU order.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql) as unknown as SqliteStatement;
      cache.set(sql, statement);
      if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
      return statement;
    },
    close(): void {
      cache.clear();
      sqlite.close();
    },
  };
}
