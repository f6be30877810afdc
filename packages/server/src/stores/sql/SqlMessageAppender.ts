import { ErrorCode } from '@concord/protocol';
import type { Insertable } from 'kysely';
import { DomainError } from '../../domain/errors';
import type { IdGenerator } from '../../domain/snowflake';
import { GroupCommitter } from '../GroupCommitter';
import type { StoreObserver } from '../ports';
import type { AppendResult, NewMessage } from '../ports';
import type { MessageRecord } from '../records';
import type { AppendStatements, AppendTransactions, NonceKey } from './AppendTransactions';
import { compareIds } from './channelLocks';
import { toInt, toNullableId } from './columns';
import { appendedRecord, mentionRows, messageFromRow, messageToRow } from './messageRows';
import type { MessageMentionsTable, MessagesTable } from './schema/messages';

/** What one submitter of a batch gets: its own result or its own error, never a neighbour's. */
type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

const nonceKey = (m: { channelId: string; authorId: string; nonce: string | null }): string =>
  `${m.channelId}/${m.authorId}/${m.nonce ?? ''}`;

/**
 * The message write path. Concurrent appends share one transaction (one fsync on SQLite, one commit
 * on PostgreSQL) through a GroupCommitter, and nobody is resolved before that commit is durable.
 * Inside it the work is per batch, not per message, so the statement count stays small however
 * many are queued: one nonce lookup for the batch, then per channel one `last_seq = last_seq + k
 * ... RETURNING` (which on PostgreSQL row-locks the channel until commit, keeping writers on other
 * nodes gap-free) and one head update, plus inserts of messages and mention rows. The statements
 * themselves are an engine's (see AppendTransactions): kysely's on PostgreSQL, better-sqlite3's
 * prepared statements run straight through on SQLite.
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

  constructor(
    private readonly transactions: AppendTransactions,
    private readonly ids: IdGenerator,
    options: { observer?: StoreObserver; commitIntervalMs?: number } = {},
  ) {
    this.committer = new GroupCommitter((items) => this.commitBatch(items), {
      minIntervalMs: options.commitIntervalMs,
      onBatch: (size) => options.observer?.commitBatch(size),
    });
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
      const outcomes = await this.transactions.run(async (statements) => {
        const result = await this.writeBatch(statements, items);
        bodyDone = true;
        return result;
      });
      return { kind: 'settled', outcomes };
    } catch (error) {
      if (!bodyDone) return { kind: 'body_failed', error };
      return { kind: 'settled', outcomes: items.map(() => ({ ok: false, error })) };
    }
  }

  private async writeBatch(statements: AppendStatements, items: NewMessage[]): Promise<Outcome[]> {
    const outcomes = new Array<Outcome | undefined>(items.length);
    const stored = await this.findByNonce(statements, items);

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
      const claim = await this.claim(statements, channelId, indexes.length);
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

    await statements.insertMessages(messageRows);
    if (mentions.length > 0) await statements.insertMentions(mentions);
    for (const { channelId, lastMessageId } of heads) await statements.setHead(channelId, lastMessageId);

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
    statements: AppendStatements,
    channelId: string,
    count: number,
  ): Promise<{ firstSeq: number; ids: string[]; guildId: string | null } | undefined> {
    const head = await statements.claimSeqs(channelId, count);
    if (head === undefined) return undefined;
    const ids: string[] = [];
    let floor = toNullableId(head.last_message_id);
    for (let i = 0; i < count; i++) ids.push((floor = this.ids.nextAfter(floor)));
    return { firstSeq: toInt(head.last_seq) - count + 1, ids, guildId: toNullableId(head.guild_id) };
  }

  /** Existing messages for the batch's nonces. */
  private async findByNonce(statements: AppendStatements, items: NewMessage[]): Promise<Map<string, MessageRecord>> {
    const keyed = new Map<string, NonceKey>();
    for (const item of items) {
      if (item.nonce !== null) {
        keyed.set(nonceKey(item), { channelId: item.channelId, authorId: item.authorId, nonce: item.nonce });
      }
    }
    const found = new Map<string, MessageRecord>();
    if (keyed.size === 0) return found;
    for (const row of await statements.findByNonce([...keyed.values()])) {
      const message = messageFromRow(row);
      found.set(nonceKey(message), message);
    }
    return found;
  }
}
