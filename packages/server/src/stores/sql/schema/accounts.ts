import type { DbInt } from '../columns';

export interface UsersTable {
  id: DbInt;
  username: string;
  /** Lower-cased username, unique: logins and lookups are case-insensitive. */
  username_key: string;
  global_name: string | null;
  avatar: string | null;
  bot: DbInt;
  password_hash: string | null;
  flags: DbInt;
  created_at: DbInt;
}

export interface SessionsTable {
  id: DbInt;
  user_id: DbInt;
  token_hash: string;
  device: string | null;
  created_at: DbInt;
  last_used_at: DbInt;
}

export interface ApplicationsTable {
  id: DbInt;
  owner_id: DbInt;
  name: string;
  description: string;
  bot_user_id: DbInt;
  created_at: DbInt;
}

export interface AccountTables {
  users: UsersTable;
  sessions: SessionsTable;
  applications: ApplicationsTable;
}
