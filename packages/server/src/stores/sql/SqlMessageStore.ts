import type { Kysely, Transaction, Updateable } from 'kysely';
import type { AppendResult, MessageRange, MessageStore, NewMessage } from '../ports';
import type { MessageRecord, ReactionCount } from '../records';
import { fromBool, fromIdList, toInt, toNullableId } from './columns';
import { mentionRows, messageFromRow } from './messageRows';
import type { Database } from './schema';
import type { MessagesTable } from './schema/messages';
import { KyselyAppendTransactions } from './AppendTransactions';
import { SqlMessageAppender } from './SqlMessageAppender';
import { SqlReactionQueries } from './SqlReactionQueries';
import type { SqlStoreOptions } from './SqlStore';

type EditPatch = Parameters<MessageStore['edit']>[2];

/**
 * Messages keyed by (channel_id, seq). Every query names one channel, so storage can be partitioned
 * by channel. Tombstones stay readable (callers filter them) but are otherwise inert: they cannot be
 * edited, pinned, reacted to or deleted again, and they carry no mentions.
 */
export class SqlMessageStore implements MessageStore {
  private readonly appender: SqlMessageAppender;
  private readonly reactions: SqlReactionQueries;

  constructor(
    private readonly db: Kysely<Database>,
    options: SqlStoreOptions,
  ) {
    this.appender = new SqlMessageAppender(options.appends ?? new KyselyAppendTransactions(db), options.ids, {
      observer: options.observer,
      commitIntervalMs: options.commitIntervalMs,
    });
    this.reactions = new SqlReactionQueries(db);
  }

  /** Commits whatever appends are queued, then refuses new ones. */
  close(): Promise<void> {
    return this.appender.close();
  }

  append(message: NewMessage): Promise<AppendResult> {
    return this.appender.append(message);
  }

  async get(channelId: string, messageId: string): Promise<MessageRecord | undefined> {
    const row = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('channel_id', '=', channelId)
      .where('id', '=', messageId)
      .executeTakeFirst();
    return row && messageFromRow(row);
  }

  async getBySeq(channelId: string, seq: number): Promise<MessageRecord | undefined> {
    const row = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('channel_id', '=', channelId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    return row && messageFromRow(row);
  }

  /**
   * With both an after* and a before* cursor the window is returned oldest first: that is the
   * gap-filling case (everything after what I have, up to what I have), which pages forwards.
   */
  async list(channelId: string, range: MessageRange): Promise<MessageRecord[]> {
    if (range.limit <= 0) return [];
    let query = this.db.selectFrom('messages').selectAll().where('channel_id', '=', channelId);
    if (range.beforeSeq !== undefined) query = query.where('seq', '<', range.beforeSeq);
    if (range.afterSeq !== undefined) query = query.where('seq', '>', range.afterSeq);
    if (range.beforeId !== undefined) query = query.where('id', '<', range.beforeId);
    if (range.afterId !== undefined) query = query.where('id', '>', range.afterId);
    const forwards = range.afterSeq !== undefined || range.afterId !== undefined;
    // Ids follow seq within a channel, so either order is the same; pick the one whose index
    // (channel_id, id) or primary key (channel_id, seq) also serves the cursor.
    const seqCursor = range.beforeSeq !== undefined || range.afterSeq !== undefined;
    const idCursor = range.beforeId !== undefined || range.afterId !== undefined;
    const orderColumn = idCursor && !seqCursor ? 'id' : 'seq';
    const rows = await query
      .orderBy(orderColumn, forwards ? 'asc' : 'desc')
      .limit(range.limit)
      .execute();
    return rows.map(messageFromRow);
  }

  async edit(channelId: string, messageId: string, patch: EditPatch): Promise<MessageRecord | undefined> {
    const values: Updateable<MessagesTable> = {
      content: patch.content,
      edited_at: patch.editedAt,
      mention_everyone: fromBool(patch.mentionEveryone),
      mention_user_ids: fromIdList(patch.mentionUserIds),
      mention_role_ids: fromIdList(patch.mentionRoleIds),
    };
    if (patch.flags !== undefined) values.flags = patch.flags;
    return this.rewrite(channelId, messageId, values);
  }

  async setPinned(channelId: string, messageId: string, pinned: boolean): Promise<MessageRecord | undefined> {
    const row = await this.updateLive(this.db, channelId, messageId, { pinned: fromBool(pinned) });
    return row && messageFromRow(row);
  }

  /**
   * The nonce is kept: a retried send of a deleted message must still find the original (now a
   * tombstone) rather than create a second message. Deleting a tombstone again resolves false, as
   * for a missing message.
   */
  async delete(channelId: string, messageId: string): Promise<boolean> {
    const tombstone = await this.rewrite(
      channelId,
      messageId,
      {
        deleted: 1,
        content: '',
        pinned: 0,
        mention_everyone: 0,
        mention_user_ids: '[]',
        mention_role_ids: '[]',
      },
      (trx) =>
        trx.deleteFrom('reactions').where('channel_id', '=', channelId).where('message_id', '=', messageId).execute(),
    );
    return tombstone !== undefined;
  }

  /**
   * Tombstones hold no message_mentions rows (delete removes them in its transaction), so a count
   * over that table alone already excludes deleted messages. The channel's guild id stands for
   * @everyone; a subquery keeps this one round trip, and a DM's null guild id matches nothing.
   */
  async countMentions(
    channelId: string,
    userId: string,
    roleIds: readonly string[],
    afterSeq: number,
  ): Promise<number> {
    const row = await this.db
      .selectFrom('message_mentions')
      .select((eb) => eb.fn.count<number>('seq').distinct().as('n'))
      .where('channel_id', '=', channelId)
      .where('seq', '>', afterSeq)
      .where((eb) =>
        eb.or([
          ...[userId, ...roleIds].map((id) => eb('target_id', '=', id)),
          eb('target_id', '=', eb.selectFrom('channels').select('guild_id').where('id', '=', channelId)),
        ]),
      )
      .executeTakeFirstOrThrow();
    return toInt(row.n);
  }

  addReaction(channelId: string, messageId: string, userId: string, emoji: string): Promise<boolean> {
    return this.reactions.add(channelId, messageId, userId, emoji, Date.now());
  }

  removeReaction(channelId: string, messageId: string, userId: string, emoji: string): Promise<boolean> {
    return this.reactions.remove(channelId, messageId, userId, emoji);
  }

  clearReactions(channelId: string, messageId: string, emoji?: string): Promise<number> {
    return this.reactions.clear(channelId, messageId, emoji);
  }

  listReactionUsers(
    channelId: string,
    messageId: string,
    emoji: string,
    page: { after?: string; limit: number },
  ): Promise<string[]> {
    return this.reactions.listUsers(channelId, messageId, emoji, page);
  }

  reactionCounts(
    channelId: string,
    messageIds: readonly string[],
    viewerId: string,
  ): Promise<Map<string, ReactionCount[]>> {
    return this.reactions.counts(channelId, messageIds, viewerId);
  }

  countDistinctReactions(channelId: string, messageId: string): Promise<number> {
    return this.reactions.countDistinct(channelId, messageId);
  }

  /**
   * Updates a live message and moves its message_mentions rows with it, in one transaction.
   * Mention counts are range counts over that table, so its rows must always match the message.
   * The old rows are deleted by their exact keys, known from the message before the update, so
   * this never scans the channel's mentions. Reading that "before" through a no-op update also
   * row-locks the message on PostgreSQL, so two concurrent edits cannot both start from the same
   * old mentions and leave stale rows behind.
   */
  private rewrite(
    channelId: string,
    messageId: string,
    values: Updateable<MessagesTable>,
    alsoInTransaction?: (trx: Transaction<Database>) => Promise<unknown>,
  ): Promise<MessageRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const beforeRow = await this.updateLive(trx, channelId, messageId, { deleted: 0 });
      if (beforeRow === undefined) return undefined;
      const afterRow = await this.updateLive(trx, channelId, messageId, values);
      if (afterRow === undefined) return undefined;
      const [before, after] = [messageFromRow(beforeRow), messageFromRow(afterRow)];
      const channel = await trx
        .selectFrom('channels')
        .select('guild_id')
        .where('id', '=', channelId)
        .executeTakeFirst();
      const guildId = toNullableId(channel?.guild_id ?? null);
      const stale = mentionRows(before, guildId).map((row) => String(row.target_id));
      if (stale.length > 0) {
        await trx
          .deleteFrom('message_mentions')
          .where('channel_id', '=', channelId)
          .where('target_id', 'in', stale)
          .where('seq', '=', before.seq)
          .execute();
      }
      const fresh = mentionRows(after, guildId);
      if (fresh.length > 0) await trx.insertInto('message_mentions').values(fresh).execute();
      await alsoInTransaction?.(trx);
      return after;
    });
  }

  /** Updates a message unless it is missing or a tombstone; resolves the updated row. */
  private updateLive(
    db: Kysely<Database> | Transaction<Database>,
    channelId: string,
    messageId: string,
    values: Updateable<MessagesTable>,
  ) {
    return db
      .updateTable('messages')
      .set(values)
      .where('channel_id', '=', channelId)
      .where('id', '=', messageId)
      .where('deleted', '=', 0)
      .returningAll()
      .executeTakeFirst();
  }
}
