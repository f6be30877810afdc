import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import fs from 'node:fs';
import path from 'node:path';
import type { IdGenerator } from '../../domain/snowflake';
import type { Store, StoreObserver } from '../ports';
import { migrateToLatest } from '../sql/migrate';
import type { Database as Schema } from '../sql/schema';
import { createSqlStore } from '../sql/SqlStore';
import { DurableSqliteDialect } from './DurableSqliteDialect';
import { SqliteAppendTransactions } from './SqliteAppendTransactions';
import { cachingDatabase } from './StatementCache';
import { WalSync } from './WalSync';

export interface SqliteStoreOptions {
  /** A file path; the directory is created if needed. */
  file: string;
  ids: IdGenerator;
  observer?: StoreObserver;
  /** Least time between the starts of two message-append commits (see GroupCommitter). */
  commitIntervalMs?: number;
}

/**
 * Opens the embedded store: one SQLite file in WAL mode. A write resolves only once its commit is
 * on disk (the WAL fsynced, as `synchronous=FULL` would do, but off the event loop: see WalSync),
 * so a committed transaction survives a crash or power loss, which is what an acknowledgement
 * promises.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  fs.mkdirSync(path.dirname(options.file), { recursive: true });
  const sqlite = new Database(options.file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL: SQLite does not fsync in COMMIT; DurableSqliteDialect and SqliteAppendTransactions await WalSync instead.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Snowflakes are 64-bit: read every integer as bigint and convert at the row mappers.
  sqlite.defaultSafeIntegers(true);
  const wal = await WalSync.open(options.file);
  const db = new Kysely<Schema>({ dialect: new DurableSqliteDialect(cachingDatabase(sqlite), wal) });
  await migrateToLatest(db);
  const appends = new SqliteAppendTransactions(sqlite, db, wal);
  return createSqlStore(
    db,
    {
      dialect: 'sqlite',
      ids: options.ids,
      observer: options.observer,
      commitIntervalMs: options.commitIntervalMs,
      appends,
    },
    async () => {
      await db.destroy();
      await wal.close();
    },
  );
}
