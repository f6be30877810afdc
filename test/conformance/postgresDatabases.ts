import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL that cluster tests run against: the machine's own server (CI runs one too). Tests
 * using it fail, never skip, when it is down: a silently skipped cluster suite would prove nothing.
 */
export const testDatabaseUrl = process.env.CONCORD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Creates throwaway databases, each empty, from a maintenance connection to `testDatabaseUrl`, and
 * drops them all at the end. A database per store (rather than a schema) isolates everything a store
 * owns, kysely's migration tables included, exactly as separate deployments would be.
 */
export class TestDatabases {
  private readonly admin = new pg.Pool({ connectionString: testDatabaseUrl, max: 1, connectionTimeoutMillis: 5_000 });
  private readonly created: string[] = [];

  constructor() {
    this.admin.on('error', () => undefined);
  }

  /** Rejects with a message saying where PostgreSQL was expected when it cannot be reached. */
  async ready(): Promise<void> {
    try {
      await this.admin.query('select 1');
    } catch (error) {
      throw new Error(
        `PostgreSQL is not reachable at ${testDatabaseUrl} (set CONCORD_TEST_DATABASE_URL): ${String(error)}`,
        { cause: error },
      );
    }
  }

  /** A new empty database; resolves its connection string. */
  async create(): Promise<string> {
    const name = `concord_t_${randomBytes(6).toString('hex')}`;
    await this.admin.query(`create database ${name}`);
    this.created.push(name);
    const url = new URL(testDatabaseUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  /** Drops every database made so far, ending any connection a failed test left open. */
  async dropCreated(): Promise<void> {
    for (const name of this.created.splice(0)) {
      await this.admin.query(`drop database if exists ${name} with (force)`);
    }
  }

  /** Drops what is left and closes the maintenance connection. */
  async close(): Promise<void> {
    try {
      await this.dropCreated();
    } finally {
      await this.admin.end();
    }
  }
}
