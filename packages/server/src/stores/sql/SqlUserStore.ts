import type { Kysely, Selectable } from 'kysely';
import type { UserRecord } from '../records';
import type { UserStore } from '../ports';
import { fromBool, toBool, toId, toInt } from './columns';
import type { Database } from './schema';
import type { UsersTable } from './schema/accounts';
import { isUniqueViolation } from './sqlErrors';

export function userFromRow(row: Selectable<UsersTable>): UserRecord {
  return {
    id: toId(row.id),
    username: row.username,
    globalName: row.global_name,
    avatar: row.avatar,
    bot: toBool(row.bot),
    passwordHash: row.password_hash,
    flags: toInt(row.flags),
    createdAt: toInt(row.created_at),
  };
}

export function userToRow(user: UserRecord): Selectable<UsersTable> {
  return {
    id: user.id,
    username: user.username,
    username_key: user.username.toLowerCase(),
    global_name: user.globalName,
    avatar: user.avatar,
    bot: fromBool(user.bot),
    password_hash: user.passwordHash,
    flags: user.flags,
    created_at: user.createdAt,
  };
}

export class SqlUserStore implements UserStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(user: UserRecord): Promise<boolean> {
    try {
      await this.db.insertInto('users').values(userToRow(user)).execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async get(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && userFromRow(row);
  }

  async getMany(ids: readonly string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return rows.map(userFromRow);
  }

  async getByUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username_key', '=', username.toLowerCase())
      .executeTakeFirst();
    return row && userFromRow(row);
  }

  async update(
    id: string,
    patch: Partial<Pick<UserRecord, 'username' | 'globalName' | 'avatar' | 'passwordHash' | 'flags'>>,
  ): Promise<UserRecord | undefined | 'username_taken'> {
    const values: Partial<Selectable<UsersTable>> = {};
    if (patch.username !== undefined) {
      values.username = patch.username;
      values.username_key = patch.username.toLowerCase();
    }
    if (patch.globalName !== undefined) values.global_name = patch.globalName;
    if (patch.avatar !== undefined) values.avatar = patch.avatar;
    if (patch.passwordHash !== undefined) values.password_hash = patch.passwordHash;
    if (patch.flags !== undefined) values.flags = patch.flags;
    if (Object.keys(values).length > 0) {
      try {
        await this.db.updateTable('users').set(values).where('id', '=', id).execute();
      } catch (error) {
        if (isUniqueViolation(error)) return 'username_taken';
        throw error;
      }
    }
    return this.get(id);
  }
}
