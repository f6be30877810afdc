import type BetterSqlite3 from 'better-sqlite3';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AppendStatements, AppendTransactions, ClaimedHead, NonceKey } from '../sql/AppendTransactions';
import type { Database } from '../sql/schema';
import type { MessageMentionsTable, MessagesTable } from '../sql/schema/messages';
import type { WalSync } from './WalSync';

const MESSAGE_COLUMNS = [
  'channel_id',
  'seq',
  'id',
  'author_id',
  'content',
  'type',
  'nonce',
  'tts',
  'flags',
  'mention_everyone',
  'mention_user_ids',
  'mention_role_ids',
  'reference_message_id',
  'reference_channel_id',
  'pinned',
  'created_at',
  'edited_at',
  'deleted',
] as const satisfies ReadonlyArray<keyof MessagesTable>;

/**
 * The append statements on SQLite, run straight on better-sqlite3's prepared statements. A send's
 * batch is a handful of point statements that SQLite runs in microseconds; through kysely each one
 * also paid for a query build, a connection hand-over and a chain of promises, which cost more than
 * the statement and were most of a send's database time. Here the whole batch runs synchronously.
 *
 * It still takes kysely's one connection for the duration (`db.connection()`), so no other query,
 * nor another transaction, can interleave with the batch's; and like every other SQLite write it
 * is acknowledged only once the WAL is synced (see WalSync).
 */
export class SqliteAppendTransactions implements AppendTransactions {
  private readonly begin: BetterSqlite3.Statement;
  private readonly commit: BetterSqlite3.Statement;
  private readonly rollback: BetterSqlite3.Statement;
  private readonly statements: AppendStatements;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly db: Kysely<Database>,
    private readonly wal: WalSync,
  ) {
    this.begin = sqlite.prepare('BEGIN');
    this.commit = sqlite.prepare('COMMIT');
    this.rollback = sqlite.prepare('ROLLBACK');
    const byNonce = sqlite.prepare<[string, string, string], Selectable<MessagesTable>>(
      'SELECT * FROM messages WHERE channel_id = ? AND author_id = ? AND nonce = ?',
    );
    const claimSeqs = sqlite.prepare<[number, string], ClaimedHead>(
      'UPDATE channels SET last_seq = last_seq + ? WHERE id = ? RETURNING last_seq, last_message_id, guild_id',
    );
    const setHead = sqlite.prepare<[string, string]>('UPDATE channels SET last_message_id = ? WHERE id = ?');
    const insertMessage = sqlite.prepare<[Insertable<MessagesTable>]>(
      `INSERT INTO messages (${MESSAGE_COLUMNS.join(', ')}) VALUES (${MESSAGE_COLUMNS.map((c) => `@${c}`).join(', ')})`,
    );
    const insertMention = sqlite.prepare<[Insertable<MessageMentionsTable>]>(
      'INSERT INTO message_mentions (channel_id, target_id, seq) VALUES (@channel_id, @target_id, @seq)',
    );
    // Promise-returning to fit the engine-neutral interface; every statement has run when it returns.
    this.statements = {
      findByNonce: (keys: readonly NonceKey[]) =>
        Promise.resolve(keys.flatMap((k) => byNonce.all(k.channelId, k.authorId, k.nonce))),
      claimSeqs: (channelId, count) => Promise.resolve(claimSeqs.get(count, channelId)),
      insertMessages: (rows) => {
        for (const row of rows) insertMessage.run(row);
        return Promise.resolve();
      },
      insertMentions: (rows) => {
        for (const row of rows) insertMention.run(row);
        return Promise.resolve();
      },
      setHead: (channelId, lastMessageId) => {
        setHead.run(lastMessageId, channelId);
        return Promise.resolve();
      },
    };
  }

  async run<T>(body: (statements: AppendStatements) => Promise<T>): Promise<T> {
    const result = await this.db.connection().execute(async () => {
      this.begin.run();
      let value: T;
      try {
        value = await body(this.statements);
      } catch (error) {
        this.rollBack();
        throw error;
      }
      try {
        this.commit.run();
      } catch (error) {
        this.rollBack();
        throw error;
      }
      return value;
    });
    await this.wal.sync();
    return result;
  }

  /** Some errors (a full disk, say) make SQLite roll back by itself: then there is nothing to undo. */
  private rollBack(): void {
    if (this.sqlite.inTransaction) this.rollback.run();
  }
}
