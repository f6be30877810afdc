import { sql, type Kysely } from 'kysely';
import type { IdGenerator } from '../../domain/snowflake';
import type { Store, StoreObserver } from '../ports';
import type { AppendTransactions } from './AppendTransactions';
import type { Database } from './schema';
import { SqlApplicationStore } from './SqlApplicationStore';
import { SqlChannelStore } from './SqlChannelStore';
import { SqlGuildStore } from './SqlGuildStore';
import { SqlMessageStore } from './SqlMessageStore';
import { SqlReadStateStore } from './SqlReadStateStore';
import { SqlSessionStore } from './SqlSessionStore';
import { SqlUserStore } from './SqlUserStore';

export type SqlDialectName = 'sqlite' | 'postgres';

export interface SqlStoreOptions {
  dialect: SqlDialectName;
  /** Mints message ids inside the commit, so ids follow `seq` order within a channel. */
  ids: IdGenerator;
  observer?: StoreObserver;
  /** Least time between the starts of two message-append commits (see GroupCommitter); 0 by default. */
  commitIntervalMs?: number;
  /** How message appends run their statements; kysely's by default (see AppendTransactions). */
  appends?: AppendTransactions;
}

/**
 * The Store over any kysely database. The queries are the same on SQLite and PostgreSQL; the few
 * engine differences are behind `options.dialect`.
 */
export function createSqlStore(db: Kysely<Database>, options: SqlStoreOptions, onClose: () => Promise<void>): Store {
  const messages = new SqlMessageStore(db, options);
  return {
    users: new SqlUserStore(db),
    sessions: new SqlSessionStore(db),
    applications: new SqlApplicationStore(db),
    guilds: new SqlGuildStore(db),
    channels: new SqlChannelStore(db),
    messages,
    readStates: new SqlReadStateStore(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await messages.close();
      await onClose();
    },
  };
}
