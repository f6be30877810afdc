import { ErrorCode } from '@concord/protocol';
import type { Insertable, Kysely, Transaction } from 'kysely';
import { DomainError } from '../../domain/errors';
import type { IdGenerator } from '../../domain/snowflake';
import { GroupCommitter } from '../GroupCommitter';
import type { StoreObserver } from '../ports';
import type { AppendResult, NewMessage } from '../ports';
import type { MessageRecord } from '../records';
import { compareIds } from './channelLocks';
import { toInt, toNullableId } from './columns';
import { appendedRecord, mentionRows, messageFromRow, messageToRow } from './messageRows';
import { PreparedQuery } from './PreparedQuery';
import type { Database } from './schema';
import type { MessageMentionsTable, MessagesTable } from './schema/messages';

/** What one submitter of a batch gets: its own result or its own error, never a neighbour's. */
type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/** Rows per multi-row INSERT: well under both engines' bound-parameter limits (18 columns each). */
const INSERT_CHUNK = 500;
/** Nonce keys per lookup statement. */
const NONCE_CHUNK = 200;

const nonceKey = (m: { channelId: string; authorId: string; nonce: string | null }): string =>
  `${m.channelId}/${m.authorId}/${m.nonce ?? ''}`;

/**
 * The message write path. Concurrent appends share one transaction (one fsync on SQLite, one commit
 * on PostgreSQL) through a GroupCommitter, and nobody is resolved before that commit. Inside it the
 * work is per batch, not per message, so the statement count stays small however many are queued:
 * one nonce lookup for the batch, then per channel one `last_seq = last_seq + k ... RETURNING`
 * (which on PostgreSQL row-locks the channel until commit, keeping writers on other nodes gap-free)
 * and one head update, plus multi-row inserts of messages and mention rows.
 *
 * Failure isolation, the choice made here:
 * - A missing channel is an expected outcome: its items reject and the rest of the batch commits.
 * - Any statement failing (on PostgreSQL that aborts the transaction; e.g. a nonce raced in by
 *   another node hits the unique index) rolls the batch back, and each of its items is then retried
 *   alone in its own transaction, where a raced nonce now resolves to the original message and a
 *   truly bad item fails by itself. Ids minted in a rolled-back attempt are simply never used.
 * - A failing COMMIT is not retried: whether it landed is unknown, and a blind retry of an item
 *   without a nonce could write it twice. Those items reject; callers' nonce retries settle them.
 */
export class SqlMessageAppender {
  private readonly committer: GroupCommitter<NewMessage, Outcome>;
  // The statements every batch runs per channel, prepared once (see PreparedQuery).
  private readonly claimSeqs = new PreparedQuery((channelId: string, count: number) =>
    this.db
      .updateTable('channels')
      .set((eb) => ({ last_seq: eb('last_seq', '+', count) }))
      .where('id', '=', channelId)
      .returning(['last_seq', 'last_message_id', 'guild_id']),
  );
  private readonly setHead = new PreparedQuery((channelId: string, lastMessageId: string) =>
    this.db.updateTable('channels').set({ last_message_id: lastMessageId }).where('id', '=', channelId),
  );
  private readonly byNonce = new PreparedQuery((channelId: string, authorId: string, nonce: string) =>
    this.db
      .selectFrom('messages')
      .selectAll()
      .where('channel_id', '=', channelId)
      .where('author_id', '=', authorId)
      .where('nonce', '=', nonce),
  );

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
    observer?: StoreObserver,
    maxBatch?: number,
  ) {
    this.committer = new GroupCommitter(
      (items) => this.commitBatch(items),
      maxBatch,
      undefined,
      (size) => observer?.commitBatch(size),
    );
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
    const first = await this.attempt(items);
    if (first.kind !== 'body_failed') return first.outcomes;
    if (items.length === 1) return [{ ok: false, error: first.error }];
    const outcomes: Outcome[] = [];
    for (const item of items) {
      const alone = await this.attempt([item]);
      outcomes.push(alone.kind === 'body_failed' ? { ok: false, error: alone.error } : alone.outcomes[0]!);
    }
    return outcomes;
  }

  private async attempt(
    items: NewMessage[],
  ): Promise<{ kind: 'settled'; outcomes: Outcome[] } | { kind: 'body_failed'; error: unknown }> {
    let bodyDone = false;
    try {
      const outcomes = await this.db.transaction().execute(async (trx) => {
        const result = await this.writeBatch(trx, items);
        bodyDone = true;
        return result;
      });
      return { kind: 'settled', outcomes };
    } catch (error) {
      if (!bodyDone) return { kind: 'body_failed', error };
      return { kind: 'settled', outcomes: items.map(() => ({ ok: false, error })) };
    }
  }

  private async writeBatch(trx: Transaction<Database>, items: NewMessage[]): Promise<Outcome[]> {
    const outcomes = new Array<Outcome | undefined>(items.length);
    const stored = await this.findByNonce(trx, items);

    // Items that will write, grouped by channel in submission order; duplicates of an earlier item
    // in this batch wait for that item's outcome.
    const fresh = new Map<string, number[]>();
    const firstOfNonce = new Map<string, number>();
    const duplicates: Array<{ index: number; of: number }> = [];
    items.forEach((item, index) => {
      if (item.nonce !== null) {
        const key = nonceKey(item);
        const existing = stored.get(key);
        if (existing !== undefined) {
          outcomes[index] = { ok: true, result: { message: existing, created: false } };
          return;
        }
        const of = firstOfNonce.get(key);
        if (of !== undefined) {
          duplicates.push({ index, of });
          return;
        }
        firstOfNonce.set(key, index);
      }
      const list = fresh.get(item.channelId) ?? [];
      list.push(index);
      fresh.set(item.channelId, list);
    });

    const messageRows: Insertable<MessagesTable>[] = [];
    const mentions: Insertable<MessageMentionsTable>[] = [];
    const heads: Array<{ channelId: string; lastMessageId: string }> = [];
    // Channels are locked in the one fixed order (see compareIds), so two nodes' batches over the
    // same channels, or a batch and another multi-channel writer, cannot deadlock.
    const channelIds = [...fresh.keys()].sort(compareIds);
    for (const channelId of channelIds) {
      const indexes = fresh.get(channelId)!;
      const claim = await this.claim(trx, channelId, indexes.length);
      if (claim === undefined) {
        for (const index of indexes) outcomes[index] = { ok: false, error: new DomainError(ErrorCode.UnknownChannel) };
        continue;
      }
      indexes.forEach((index, i) => {
        const record = appendedRecord(items[index]!, claim.firstSeq + i, claim.ids[i]!);
        messageRows.push(messageToRow(record));
        mentions.push(...mentionRows(record, claim.guildId));
        outcomes[index] = { ok: true, result: { message: record, created: true } };
      });
      heads.push({ channelId, lastMessageId: claim.ids[claim.ids.length - 1]! });
    }

    await insertChunked(trx, 'messages', messageRows);
    await insertChunked(trx, 'message_mentions', mentions);
    for (const { channelId, lastMessageId } of heads) await this.setHead.execute(trx, channelId, lastMessageId);

    for (const { index, of } of duplicates) {
      const original = outcomes[of]!;
      outcomes[index] = original.ok
        ? { ok: true, result: { message: original.result.message, created: false } }
        : original;
    }
    return outcomes.map((o) => o ?? { ok: false, error: new Error('append produced no outcome') });
  }

  /** Claims `count` seqs of a channel and mints ids above its newest; undefined: no such channel. */
  private async claim(
    trx: Transaction<Database>,
    channelId: string,
    count: number,
  ): Promise<{ firstSeq: number; ids: string[]; guildId: string | null } | undefined> {
    const head = await this.claimSeqs.takeFirst(trx, channelId, count);
    if (head === undefined) return undefined;
    const ids: string[] = [];
    let floor = toNullableId(head.last_message_id);
    for (let i = 0; i < count; i++) ids.push((floor = this.ids.nextAfter(floor)));
    return { firstSeq: toInt(head.last_seq) - count + 1, ids, guildId: toNullableId(head.guild_id) };
  }

  /**
   * Existing messages for the batch's nonces, in one statement of point lookups on the unique
   * (channel_id, author_id, nonce) index: never a scan, even though it names several channels.
   */
  private async findByNonce(trx: Transaction<Database>, items: NewMessage[]): Promise<Map<string, MessageRecord>> {
    const keyed = new Map<string, { channelId: string; authorId: string; nonce: string }>();
    for (const item of items) {
      if (item.nonce !== null) {
        keyed.set(nonceKey(item), { channelId: item.channelId, authorId: item.authorId, nonce: item.nonce });
      }
    }
    const found = new Map<string, MessageRecord>();
    const keys = [...keyed.values()];
    if (keys.length === 1) {
      const [only] = keys as [{ channelId: string; authorId: string; nonce: string }];
      for (const row of await this.byNonce.execute(trx, only.channelId, only.authorId, only.nonce)) {
        found.set(nonceKey(only), messageFromRow(row));
      }
      return found;
    }
    // Chunked: SQLite parses an OR list as a nested tree and caps expression depth at 1000.
    for (let start = 0; start < keys.length; start += NONCE_CHUNK) {
      const rows = await trx
        .selectFrom('messages')
        .selectAll()
        .where((eb) =>
          eb.or(
            keys
              .slice(start, start + NONCE_CHUNK)
              .map((k) =>
                eb.and([
                  eb('channel_id', '=', k.channelId),
                  eb('author_id', '=', k.authorId),
                  eb('nonce', '=', k.nonce),
                ]),
              ),
          ),
        )
        .execute();
      for (const row of rows) {
        const message = messageFromRow(row);
        found.set(nonceKey(message), message);
      }
    }
    return found;
  }
}

async function insertChunked<T extends 'messages' | 'message_mentions'>(
  trx: Transaction<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await trx
      .insertInto(table)
      .values(rows.slice(start, start + INSERT_CHUNK))
      .execute();
  }
}
