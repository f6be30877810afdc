import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely, Selectable } from 'kysely';
import type { AppendStatements, AppendTransactions, ClaimedHead, NonceKey } from '../sql/AppendTransactions';
import type { Database } from '../sql/schema';
import type { MessagesTable } from '../sql/schema/messages';
import type { WalSync } from './WalSync';

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
  /** INSERT statements by table, prepared on first use. */
  private readonly inserts = new Map<string, BetterSqlite3.Statement<[object]>>();

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
    // Promise-returning to fit the engine-neutral interface; every statement has run when it returns.
    this.statements = {
      findByNonce: (keys: readonly NonceKey[]) =>
        Promise.resolve(keys.flatMap((k) => byNonce.all(k.channelId, k.authorId, k.nonce))),
      claimSeqs: (channelId, count) => Promise.resolve(claimSeqs.get(count, channelId)),
      insertMessages: (rows) => this.insert('messages', rows),
      insertMentions: (rows) => this.insert('message_mentions', rows),
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

  /**
   * One INSERT per row, its columns those of the rows messageRows.ts builds (all alike), so the
   * schema is not restated here. Prepared from the first row; a row missing one of its columns
   * would fail loudly (better-sqlite3 refuses a missing named parameter).
   */
  private insert(table: 'messages' | 'message_mentions', rows: readonly object[]): Promise<void> {
    const [first] = rows;
    if (first === undefined) return Promise.resolve();
    let statement = this.inserts.get(table);
    if (statement === undefined) {
      const columns = Object.keys(first);
      statement = this.sqlite.prepare<[object]>(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
      );
      this.inserts.set(table, statement);
    }
    for (const row of rows) statement.run(row);
    return Promise.resolve();
  }

  /** Some errors (a full disk, say) make SQLite roll back by itself: then there is nothing to undo. */
  private rollBack(): void {
    if (this.sqlite.inTransaction) this.rollback.run();
  }
}
