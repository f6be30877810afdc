import { Kysely, PostgresDialect } from 'kysely';
import type { IdGenerator } from '../../domain/snowflake';
import type { Store, StoreObserver } from '../ports';
import { migrateToLatest } from '../sql/migrate';
import type { Database as Schema } from '../sql/schema';
import { createSqlStore } from '../sql/SqlStore';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`; every node of a cluster names the same database. */
  connectionString: string;
  /** Mints message ids inside the commit; in a cluster each node's generator has its own worker id. */
  ids: IdGenerator;
  /** Most connections this node holds open (appends use one at a time; reads share the rest). */
  poolSize?: number;
  /**
   * Told about a connection that failed while idle in the pool (e.g. PostgreSQL restarted). The pool
   * has already discarded it and opens a fresh one on demand; without a listener, pg would crash
   * the process with an unhandled 'error' event.
   */
  onConnectionError?: (error: Error) => void;
  observer?: StoreObserver;
  /** Least time between the starts of two message-append commits (see GroupCommitter). */
  commitIntervalMs?: number;
}

const DEFAULT_POOL_SIZE = 10;
/** Fail a request instead of hanging when the database cannot be reached. */
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * A node that stalls (or is paused) mid-transaction would otherwise hold its channel row locks and
 * block every other node's appends to those channels; PostgreSQL ends such a session instead.
 */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000;
/** PostgreSQL's type oid for int8 (bigint), the type of every id, seq and timestamp column. */
const INT8_OID = 20;

/**
 * Opens the cluster store: the same kysely queries and migrations as the embedded SQLite store, over
 * a pg connection pool. The driver is imported here, on demand, so an embedded node never loads it.
 *
 * Several nodes may open the same database at once: kysely's Migrator holds a PostgreSQL advisory
 * lock while it migrates, so exactly one of them applies each migration. A commit is durable when
 * it resolves as long as the server keeps its default `synchronous_commit = on`.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { Pool, TypeOverrides } = await import('pg');
  // int8 is read as a decimal string: a snowflake does not fit a JS number, and the row converters
  // in sql/columns.ts accept strings. Set on this pool only, whatever else changes pg's global parsers.
  const types = new TypeOverrides();
  types.setTypeParser(INT8_OID, (value: string) => value);
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    keepAlive: true,
    application_name: 'concord',
    types,
  });
  pool.on('error', (error) => options.onConnectionError?.(error));
  // A connection lost while checked out (mid-transaction, between two statements) also emits
  // 'error' on its client, where pg-pool listens only while the client is idle: without this, a
  // PostgreSQL restart would crash the node. The statement in flight, or the next one, rejects on
  // its own, and the pool drops the broken client when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createSqlStore(
    db,
    { dialect: 'postgres', ids: options.ids, observer: options.observer, commitIntervalMs: options.commitIntervalMs },
    async () => {
      await db.destroy();
    },
  );
}
