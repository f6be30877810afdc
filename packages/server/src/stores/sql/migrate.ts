import { Migrator, type Kysely } from 'kysely';
import { bundledMigrations } from './migrations';
import type { Database } from './schema';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Brings the schema up to date; safe to run on every start and from several nodes (kysely locks). */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: bundledMigrations });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    throw new MigrationError(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
