import type { DbInt, DbNullableInt } from '../columns';

export interface GuildsTable {
  id: DbInt;
  name: string;
  icon: string | null;
  description: string | null;
  owner_id: DbInt;
  system_channel_id: DbNullableInt;
  created_at: DbInt;
}

export interface RolesTable {
  id: DbInt;
  guild_id: DbInt;
  name: string;
  color: DbInt;
  hoist: DbInt;
  position: DbInt;
  /** Decimal string: the bitfield is unsigned 64-bit on the wire. */
  permissions: string;
  mentionable: DbInt;
  managed: DbInt;
}

export interface MembersTable {
  guild_id: DbInt;
  user_id: DbInt;
  nick: string | null;
  /** JSON array of role ids. */
  role_ids: string;
  joined_at: DbInt;
}

export interface BansTable {
  guild_id: DbInt;
  user_id: DbInt;
  reason: string | null;
  created_at: DbInt;
}

export interface InvitesTable {
  code: string;
  guild_id: DbInt;
  channel_id: DbInt;
  inviter_id: DbInt;
  max_age: DbInt;
  max_uses: DbInt;
  uses: DbInt;
  temporary: DbInt;
  created_at: DbInt;
  expires_at: DbNullableInt;
}

export interface GuildTables {
  guilds: GuildsTable;
  roles: RolesTable;
  members: MembersTable;
  bans: BansTable;
  invites: InvitesTable;
}
