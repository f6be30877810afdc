// PLACEHOLDER: replaced by the real implementation.
import type { Kysely } from 'kysely';
import type { Database } from './schema';
import type { SqlStoreOptions } from './SqlStore';

export class SqlChannelStore {
  constructor(
    readonly db: Kysely<Database>,
    readonly options?: SqlStoreOptions,
  ) {}
  async close(): Promise<void> {}
}
