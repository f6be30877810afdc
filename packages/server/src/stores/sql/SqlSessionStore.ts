import type { Kysely, Selectable } from 'kysely';
import type { SessionRecord } from '../records';
import type { SessionStore } from '../ports';
import { toId, toInt } from './columns';
import type { Database } from './schema';
import type { SessionsTable } from './schema/accounts';

function sessionFromRow(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: toId(row.id),
    userId: toId(row.user_id),
    tokenHash: row.token_hash,
    device: row.device,
    createdAt: toInt(row.created_at),
    lastUsedAt: toInt(row.last_used_at),
  };
}

export class SqlSessionStore implements SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(session: SessionRecord): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: session.id,
        user_id: session.userId,
        token_hash: session.tokenHash,
        device: session.device,
        created_at: session.createdAt,
        last_used_at: session.lastUsedAt,
      })
      .execute();
  }

  async getByTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && sessionFromRow(row);
  }

  async listForUser(userId: string): Promise<SessionRecord[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('id', 'asc')
      .execute();
    return rows.map(sessionFromRow);
  }

  async touch(touches: ReadonlyArray<{ id: string; at: number }>): Promise<void> {
    if (touches.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const { id, at } of touches) {
        await trx.updateTable('sessions').set({ last_used_at: at }).where('id', '=', id).execute();
      }
    });
  }

  async delete(userId: string, sessionId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('id', '=', sessionId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async deleteAllForUser(userId: string, exceptId?: string): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      let query = trx.selectFrom('sessions').select('id').where('user_id', '=', userId);
      if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
      const ids = (await query.execute()).map((r) => toId(r.id));
      if (ids.length > 0) await trx.deleteFrom('sessions').where('id', 'in', ids).execute();
      return ids;
    });
  }
}
