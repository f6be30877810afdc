import { ErrorCode } from '@concord/protocol';
import type { Kysely, Transaction } from 'kysely';
import { DomainError } from '../../domain/errors';
import type { IdGenerator } from '../../domain/snowflake';
import { GroupCommitter } from '../GroupCommitter';
import type { AppendResult, NewMessage } from '../ports';
import { toInt, toNullableId } from './columns';
import { appendedRecord, mentionRows, messageFromRow, messageToRow } from './messageRows';
import type { Database } from './schema';

/** What one submitter of a batch gets: its own result or its own error, never a neighbour's. */
type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/** A batch attempt either commits or names the first item whose statements failed (and rolled back). */
type Attempt = { committed: true; outcomes: Outcome[] } | { committed: false; failedAt: number; error: unknown };

/**
 * The message write path. Concurrent appends share one transaction (one fsync on SQLite, one
 * commit round trip on PostgreSQL) through a GroupCommitter; nobody is resolved before the commit.
 *
 * Failure isolation, the choice made here:
 * - A missing channel is an expected per-item outcome: that item rejects, the batch carries on.
 * - An unexpected error in one item's statements (on PostgreSQL it aborts the whole transaction,
 *   e.g. a nonce unique violation raced by another node) rolls the batch back; the batch is then
 *   retried without that item, and the item is retried once on its own afterwards, where a nonce
 *   race resolves to the original message. Ids minted in a rolled-back attempt are simply unused.
 * - An error outside any item (BEGIN or COMMIT failing, the connection lost) rejects every item
 *   still pending: the outcome is unknown to us, and the callers' nonce retries settle it.
 */
export class SqlMessageAppender {
  private readonly committer: GroupCommitter<NewMessage, Outcome>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
    maxBatch?: number,
  ) {
    this.committer = new GroupCommitter((items) => this.commitBatch(items), maxBatch);
  }

  async append(message: NewMessage): Promise<AppendResult> {
    const outcome = await this.committer.submit(message);
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  close(): Promise<void> {
    return this.committer.close();
  }

  private async commitBatch(items: NewMessage[]): Promise<Outcome[]> {
    const outcomes = new Array<Outcome | undefined>(items.length);
    let pending = items.map((item, index) => ({ item, index }));
    const suspects: typeof pending = [];
    try {
      while (pending.length > 0) {
        const attempt = await this.attempt(pending.map((p) => p.item));
        if (attempt.committed) {
          attempt.outcomes.forEach((outcome, i) => (outcomes[pending[i]!.index] = outcome));
          break;
        }
        suspects.push(pending[attempt.failedAt]!);
        pending = pending.filter((_, i) => i !== attempt.failedAt);
      }
      for (const suspect of suspects) {
        const attempt = await this.attempt([suspect.item]);
        outcomes[suspect.index] = attempt.committed ? attempt.outcomes[0]! : { ok: false, error: attempt.error };
      }
    } catch (error) {
      for (let i = 0; i < outcomes.length; i++) outcomes[i] ??= { ok: false, error };
    }
    return outcomes.map((o) => o ?? { ok: false, error: new Error('append was not attempted') });
  }

  private async attempt(items: NewMessage[]): Promise<Attempt> {
    let failedAt = -1;
    try {
      const outcomes = await this.db.transaction().execute(async (trx) => {
        // Channel heads advanced in this transaction: the floor for the next id, written once at the end.
        const heads = new Map<string, string>();
        const results: Outcome[] = [];
        for (let i = 0; i < items.length; i++) {
          try {
            results.push(await this.appendOne(trx, items[i]!, heads));
          } catch (error) {
            failedAt = i;
            throw error;
          }
        }
        for (const [channelId, lastMessageId] of heads) {
          await trx.updateTable('channels').set({ last_message_id: lastMessageId }).where('id', '=', channelId).execute();
        }
        return results;
      });
      return { committed: true, outcomes };
    } catch (error) {
      if (failedAt >= 0) return { committed: false, failedAt, error };
      throw error;
    }
  }

  private async appendOne(trx: Transaction<Database>, message: NewMessage, heads: Map<string, string>): Promise<Outcome> {
    if (message.nonce !== null) {
      // Sees rows committed earlier and rows written earlier in this same batch.
      const existing = await trx
        .selectFrom('messages')
        .selectAll()
        .where('channel_id', '=', message.channelId)
        .where('author_id', '=', message.authorId)
        .where('nonce', '=', message.nonce)
        .executeTakeFirst();
      if (existing !== undefined) return { ok: true, result: { message: messageFromRow(existing), created: false } };
    }

    // One statement reads and bumps the head; on PostgreSQL it also row-locks the channel until
    // commit, so writers on other nodes queue here instead of taking the same seq.
    const head = await trx
      .updateTable('channels')
      .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
      .where('id', '=', message.channelId)
      .returning(['last_seq', 'last_message_id', 'guild_id'])
      .executeTakeFirst();
    if (head === undefined) return { ok: false, error: new DomainError(ErrorCode.UnknownChannel) };

    const floor = heads.get(message.channelId) ?? toNullableId(head.last_message_id);
    const id = this.ids.nextAfter(floor);
    heads.set(message.channelId, id);

    const record = appendedRecord(message, toInt(head.last_seq), id);
    await trx.insertInto('messages').values(messageToRow(record)).execute();
    const mentions = mentionRows(record, toNullableId(head.guild_id));
    if (mentions.length > 0) await trx.insertInto('message_mentions').values(mentions).execute();
    return { ok: true, result: { message: record, created: true } };
  }
}
