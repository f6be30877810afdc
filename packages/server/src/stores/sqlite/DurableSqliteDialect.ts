import {
  SelectQueryNode,
  SqliteDialect,
  SqliteDriver,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type SqliteDatabase,
  type TransactionSettings,
} from 'kysely';
import type { WalSync } from './WalSync';

/**
 * kysely's SQLite dialect, with one change: a write is acknowledged (its promise resolves) only
 * after the WAL is synced (see WalSync), and the single connection is handed to the next query
 * *before* that wait, so reads and the next transaction are not held up by the disk.
 */
export class DurableSqliteDialect extends SqliteDialect {
  constructor(
    private readonly database: SqliteDatabase,
    private readonly wal: WalSync,
  ) {
    super({ database });
  }

  override createDriver(): Driver {
    return new DurableSqliteDriver(new SqliteDriver({ database: this.database }), this.wal);
  }
}

/**
 * One use of the connection, from kysely's acquire to its release. It is handed back early, before
 * a WAL sync, whenever no transaction is open; a caller that goes on using it (kysely's
 * `connection()`, the migrator) transparently waits for the connection again.
 */
class Lease implements DatabaseConnection {
  released = false;
  inTransaction = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly driver: DurableSqliteDriver,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    await this.driver.holdAgain(this);
    const result = await this.inner.executeQuery<R>(query);
    // An autocommitted write: durable only once the WAL is synced.
    if (!this.inTransaction && !SelectQueryNode.is(query.query)) await this.driver.releaseThenSync(this);
    return result;
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class DurableSqliteDriver implements Driver {
  constructor(
    private readonly inner: SqliteDriver,
    private readonly wal: WalSync,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Lease(await this.inner.acquireConnection(), this);
  }

  // SQLite has no isolation levels or read-only transactions: kysely's own driver ignores the settings.
  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    const lease = connection as Lease;
    await this.holdAgain(lease);
    await this.inner.beginTransaction(lease.inner);
    lease.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    await this.inner.commitTransaction(lease.inner);
    lease.inTransaction = false;
    await this.releaseThenSync(lease);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    // Committed and handed on already (the WAL sync failed): the connection is someone else's now,
    // and a ROLLBACK would undo *their* transaction.
    if (lease.released) return;
    lease.inTransaction = false;
    await this.inner.rollbackTransaction(lease.inner);
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.savepoint((connection as Lease).inner, name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.rollbackToSavepoint((connection as Lease).inner, name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.releaseSavepoint((connection as Lease).inner, name, compile);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.released) return;
    lease.released = true;
    await this.inner.releaseConnection();
  }

  /** A lease handed back early and used again waits for the connection like anyone else. */
  async holdAgain(lease: Lease): Promise<void> {
    if (!lease.released) return;
    await this.inner.acquireConnection();
    lease.released = false;
  }

  /** Hands the connection on, then waits until what was just committed is on disk. */
  async releaseThenSync(lease: Lease): Promise<void> {
    await this.releaseConnection(lease);
    await this.wal.sync();
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
