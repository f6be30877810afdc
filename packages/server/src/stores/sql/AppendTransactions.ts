import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import { PreparedQuery } from './PreparedQuery';
import type { Database } from './schema';
import type { MessageMentionsTable, MessagesTable } from './schema/messages';

/** Rows per multi-row INSERT: well under both engines' bound-parameter limits (18 columns each). */
const INSERT_CHUNK = 500;
/** Nonce keys per lookup statement. */
const NONCE_CHUNK = 200;

export interface NonceKey {
  channelId: string;
  authorId: string;
  nonce: string;
}

/** A channel's head right after its seqs were claimed; undefined from `claimSeqs`: no such channel. */
export type ClaimedHead = Pick<Selectable<Database['channels']>, 'last_seq' | 'last_message_id' | 'guild_id'>;

/** The statements of one append batch, run inside the transaction `AppendTransactions.run` opened. */
export interface AppendStatements {
  /** Stored messages with any of these nonces (point lookups on the unique nonce index). */
  findByNonce(keys: readonly NonceKey[]): Promise<Selectable<MessagesTable>[]>;
  /** `last_seq = last_seq + count`, returning the new head; on PostgreSQL it row-locks the channel. */
  claimSeqs(channelId: string, count: number): Promise<ClaimedHead | undefined>;
  insertMessages(rows: readonly Insertable<MessagesTable>[]): Promise<void>;
  insertMentions(rows: readonly Insertable<MessageMentionsTable>[]): Promise<void>;
  setHead(channelId: string, lastMessageId: string): Promise<void>;
}

/**
 * How an append batch's transaction is run: `run` resolves once the batch is committed *and
 * durable*, rejects (having rolled back) when `body` throws, and rejects when the commit fails.
 */
export interface AppendTransactions {
  run<T>(body: (statements: AppendStatements) => Promise<T>): Promise<T>;
}

/** The append statements through kysely: the same queries on SQLite and PostgreSQL. */
export class KyselyAppendTransactions implements AppendTransactions {
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

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(body: (statements: AppendStatements) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => body(this.statements(trx)));
  }

  private statements(trx: Transaction<Database>): AppendStatements {
    return {
      findByNonce: (keys) => this.findByNonce(trx, keys),
      claimSeqs: (channelId, count) => this.claimSeqs.takeFirst(trx, channelId, count),
      insertMessages: (rows) => insertChunked(trx, 'messages', rows),
      insertMentions: (rows) => insertChunked(trx, 'message_mentions', rows),
      setHead: async (channelId, lastMessageId) => {
        await this.setHead.execute(trx, channelId, lastMessageId);
      },
    };
  }

  private async findByNonce(
    trx: Transaction<Database>,
    keys: readonly NonceKey[],
  ): Promise<Selectable<MessagesTable>[]> {
    if (keys.length === 1) {
      const [only] = keys as [NonceKey];
      return this.byNonce.execute(trx, only.channelId, only.authorId, only.nonce);
    }
    // One statement of point lookups for many keys, chunked: SQLite parses an OR list as a nested
    // tree and caps expression depth at 1000.
    const rows: Selectable<MessagesTable>[] = [];
    for (let start = 0; start < keys.length; start += NONCE_CHUNK) {
      const chunk = keys.slice(start, start + NONCE_CHUNK);
      rows.push(
        ...(await trx
          .selectFrom('messages')
          .selectAll()
          .where((eb) =>
            eb.or(
              chunk.map((k) =>
                eb.and([
                  eb('channel_id', '=', k.channelId),
                  eb('author_id', '=', k.authorId),
                  eb('nonce', '=', k.nonce),
                ]),
              ),
            ),
          )
          .execute()),
      );
    }
    return rows;
  }
}

async function insertChunked<T extends 'messages' | 'message_mentions'>(
  trx: Transaction<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await trx
      .insertInto(table)
      .values(rows.slice(start, start + INSERT_CHUNK))
      .execute();
  }
}
