import { sql, type Kysely } from 'kysely';
import type { ReactionCount } from '../records';
import { toId, toInt } from './columns';
import type { Database } from './schema';

/** Reactions of messages, always addressed within one channel (the partition key). */
export class SqlReactionQueries {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * One statement that inserts only if the message exists and is not a tombstone. (On PostgreSQL a
   * reaction racing the delete of its message can slip in just before the tombstone commits; it is
   * then invisible, since callers filter tombstones.) The casts give the bound values a type on
   * PostgreSQL, where an untyped parameter in a SELECT list would otherwise be text.
   */
  async add(channelId: string, messageId: string, userId: string, emoji: string, now: number): Promise<boolean> {
    const result = await this.db
      .insertInto('reactions')
      .columns(['channel_id', 'message_id', 'emoji', 'user_id', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('messages')
          .select([
            'channel_id',
            'id',
            sql<string>`cast(${emoji} as text)`.as('emoji'),
            sql<string>`cast(${userId} as bigint)`.as('user_id'),
            sql<string>`cast(${now} as bigint)`.as('created_at'),
          ])
          .where('channel_id', '=', channelId)
          .where('id', '=', messageId)
          .where('deleted', '=', 0),
      )
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async remove(channelId: string, messageId: string, userId: string, emoji: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('reactions')
      .where('channel_id', '=', channelId)
      .where('message_id', '=', messageId)
      .where('emoji', '=', emoji)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async clear(channelId: string, messageId: string, emoji?: string): Promise<number> {
    let query = this.db.deleteFrom('reactions').where('channel_id', '=', channelId).where('message_id', '=', messageId);
    if (emoji !== undefined) query = query.where('emoji', '=', emoji);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async listUsers(
    channelId: string,
    messageId: string,
    emoji: string,
    page: { after?: string; limit: number },
  ): Promise<string[]> {
    if (page.limit <= 0) return [];
    let query = this.db
      .selectFrom('reactions')
      .select('user_id')
      .where('channel_id', '=', channelId)
      .where('message_id', '=', messageId)
      .where('emoji', '=', emoji);
    if (page.after !== undefined) query = query.where('user_id', '>', page.after);
    const rows = await query.orderBy('user_id', 'asc').limit(page.limit).execute();
    return rows.map((row) => toId(row.user_id));
  }

  /** Every requested message gets an entry (empty when it has none); emoji in first-added order. */
  async counts(
    channelId: string,
    messageIds: readonly string[],
    viewerId: string,
  ): Promise<Map<string, ReactionCount[]>> {
    const result = new Map<string, ReactionCount[]>(messageIds.map((id) => [id, []]));
    if (messageIds.length === 0) return result;
    const rows = await this.db
      .selectFrom('reactions')
      .select((eb) => [
        'message_id',
        'emoji',
        eb.fn.countAll<number>().as('count'),
        eb.fn
          .max<number>(
            eb
              .case()
              .when('user_id', '=', viewerId)
              .then(sql<number>`1`)
              .else(sql<number>`0`)
              .end(),
          )
          .as('me'),
        eb.fn.min('created_at').as('first_at'),
      ])
      .where('channel_id', '=', channelId)
      .where('message_id', 'in', [...new Set(messageIds)])
      .groupBy(['message_id', 'emoji'])
      .orderBy('first_at', 'asc')
      .orderBy('emoji', 'asc')
      .execute();
    for (const row of rows) {
      const id = toId(row.message_id);
      let list = result.get(id);
      if (list === undefined) result.set(id, (list = []));
      list.push({ emoji: row.emoji, count: toInt(row.count), me: toInt(row.me) !== 0 });
    }
    return result;
  }

  async countDistinct(channelId: string, messageId: string): Promise<number> {
    const row = await this.db
      .selectFrom('reactions')
      .select((eb) => eb.fn.count<number>('emoji').distinct().as('n'))
      .where('channel_id', '=', channelId)
      .where('message_id', '=', messageId)
      .executeTakeFirstOrThrow();
    return toInt(row.n);
  }
}
