import type { Kysely, Selectable } from 'kysely';
import type { ReadStateStore } from '../ports';
import type { ReadStateRecord } from '../records';
import { toId, toInt, toNullableId } from './columns';
import type { Database } from './schema';
import type { ReadStatesTable } from './schema/messages';

function readStateFromRow(row: Selectable<ReadStatesTable>): ReadStateRecord {
  return {
    userId: toId(row.user_id),
    channelId: toId(row.channel_id),
    lastReadSeq: toInt(row.last_read_seq),
    lastMessageId: toNullableId(row.last_message_id),
    mentionCount: toInt(row.mention_count),
  };
}

export class SqlReadStateStore implements ReadStateStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * One upsert. A non-manual ack behind the stored marker changes nothing at all, mention count
   * included: that count belongs to the older position (a late ack from another device), and the
   * newer state already has the right one. An ack at the same seq does refresh the count.
   */
  async ack(state: ReadStateRecord, manual: boolean): Promise<ReadStateRecord> {
    const row = await this.db
      .insertInto('read_states')
      .values({
        user_id: state.userId,
        channel_id: state.channelId,
        last_read_seq: state.lastReadSeq,
        last_message_id: state.lastMessageId,
        mention_count: state.mentionCount,
      })
      .onConflict((oc) => {
        const update = oc.columns(['user_id', 'channel_id']).doUpdateSet((eb) => ({
          last_read_seq: eb.ref('excluded.last_read_seq'),
          last_message_id: eb.ref('excluded.last_message_id'),
          mention_count: eb.ref('excluded.mention_count'),
        }));
        return manual
          ? update
          : update.where('read_states.last_read_seq', '<=', (eb) => eb.ref('excluded.last_read_seq'));
      })
      .returningAll()
      .executeTakeFirst();
    if (row !== undefined) return readStateFromRow(row);
    const stored = await this.get(state.userId, state.channelId);
    if (stored === undefined) throw new Error('read state vanished during ack');
    return stored;
  }

  async get(userId: string, channelId: string): Promise<ReadStateRecord | undefined> {
    const row = await this.db
      .selectFrom('read_states')
      .selectAll()
      .where('user_id', '=', userId)
      .where('channel_id', '=', channelId)
      .executeTakeFirst();
    return row && readStateFromRow(row);
  }

  async listForUser(userId: string): Promise<ReadStateRecord[]> {
    const rows = await this.db
      .selectFrom('read_states')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('channel_id', 'asc')
      .execute();
    return rows.map(readStateFromRow);
  }
}
