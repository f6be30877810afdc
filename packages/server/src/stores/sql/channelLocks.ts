import type { Transaction } from 'kysely';
import type { Database } from './schema';

/**
 * The one order in which a transaction may lock several rows of a table: ascending id. On
 * PostgreSQL an append batch row-locks every channel it writes until it commits; a transaction that
 * took two of the same channel rows in the other order would deadlock with it (PostgreSQL then
 * aborts one after `deadlock_timeout`, stalling both). Comparing length first makes this numeric
 * order for decimal ids without parsing, so a malformed id cannot throw here.
 */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Row-locks the channels, one statement each in `compareIds` order, through a no-op update (on
 * SQLite the transaction alone already serializes writers). Taken before removing a channel's
 * data, it also waits for in-flight appends to those channels to commit, so none can add
 * messages behind the removal.
 */
export async function lockChannels(trx: Transaction<Database>, channelIds: readonly string[]): Promise<void> {
  for (const id of [...channelIds].sort(compareIds)) {
    await trx
      .updateTable('channels')
      .set((eb) => ({ type: eb.ref('type') }))
      .where('id', '=', id)
      .execute();
  }
}
