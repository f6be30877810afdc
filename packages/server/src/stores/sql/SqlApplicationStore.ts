import type { Kysely, Selectable } from 'kysely';
import type { ApplicationRecord, UserRecord } from '../records';
import type { ApplicationStore } from '../ports';
import { toId, toInt } from './columns';
import type { Database } from './schema';
import type { ApplicationsTable } from './schema/accounts';
import { isUniqueViolation } from './sqlErrors';
import { userToRow } from './SqlUserStore';

function applicationFromRow(row: Selectable<ApplicationsTable>): ApplicationRecord {
  return {
    id: toId(row.id),
    ownerId: toId(row.owner_id),
    name: row.name,
    description: row.description,
    botUserId: toId(row.bot_user_id),
    createdAt: toInt(row.created_at),
  };
}

export class SqlApplicationStore implements ApplicationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(application: ApplicationRecord, botUser: UserRecord): Promise<boolean> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values(userToRow(botUser)).execute();
        await trx
          .insertInto('applications')
          .values({
            id: application.id,
            owner_id: application.ownerId,
            name: application.name,
            description: application.description,
            bot_user_id: application.botUserId,
            created_at: application.createdAt,
          })
          .execute();
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async get(id: string): Promise<ApplicationRecord | undefined> {
    const row = await this.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
    return row && applicationFromRow(row);
  }

  async getByBotUser(botUserId: string): Promise<ApplicationRecord | undefined> {
    const row = await this.db
      .selectFrom('applications')
      .selectAll()
      .where('bot_user_id', '=', botUserId)
      .executeTakeFirst();
    return row && applicationFromRow(row);
  }

  async listForOwner(ownerId: string): Promise<ApplicationRecord[]> {
    const rows = await this.db
      .selectFrom('applications')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .orderBy('id', 'asc')
      .execute();
    return rows.map(applicationFromRow);
  }
}
