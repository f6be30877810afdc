import type { Kysely, Updateable } from 'kysely';
import type { BanPage, GuildStore, MemberPage, NewGuild } from '../ports';
import type { BanRecord, GuildRecord, InviteRecord, MemberRecord, RoleRecord } from '../records';
import { compareIds, lockChannels } from './channelLocks';
import { channelToRow, overwritesFromJson, overwritesToJson } from './channelRows';
import { fromBool, fromIdList, toId, toIdList, toInt } from './columns';
import {
  banFromRow,
  banToRow,
  guildFromRow,
  guildToRow,
  memberFromRow,
  memberToRow,
  roleFromRow,
  roleToRow,
} from './guildRows';
import type { Database } from './schema';
import type { GuildsTable, MembersTable, RolesTable } from './schema/guilds';
import { isUniqueViolation } from './sqlErrors';
import { SqlInviteQueries } from './SqlInviteQueries';

type GuildPatch = Parameters<GuildStore['update']>[1];
type RolePatch = Parameters<GuildStore['updateRole']>[2];
type MemberPatch = Parameters<GuildStore['updateMember']>[2];

/** Tables keyed by channel id that hold per-channel data, removed with the guild's channels. */
const CHANNEL_DATA_TABLES = ['messages', 'message_mentions', 'reactions', 'read_states', 'channel_recipients'] as const;

export class SqlGuildStore implements GuildStore {
  private readonly invites: SqlInviteQueries;

  constructor(private readonly db: Kysely<Database>) {
    this.invites = new SqlInviteQueries(db);
  }

  async create(input: NewGuild): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('guilds').values(guildToRow(input.guild)).execute();
      await trx.insertInto('roles').values(roleToRow(input.everyoneRole)).execute();
      await trx.insertInto('members').values(memberToRow(input.owner)).execute();
      if (input.channels.length > 0) {
        await trx.insertInto('channels').values(input.channels.map(channelToRow)).execute();
      }
    });
  }

  async get(id: string): Promise<GuildRecord | undefined> {
    return this.readGuild(this.db, id);
  }

  async update(id: string, patch: GuildPatch): Promise<GuildRecord | undefined> {
    const values: Updateable<GuildsTable> = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.icon !== undefined) values.icon = patch.icon;
    if (patch.description !== undefined) values.description = patch.description;
    if (patch.ownerId !== undefined) values.owner_id = patch.ownerId;
    if (patch.systemChannelId !== undefined) values.system_channel_id = patch.systemChannelId;
    return this.db.transaction().execute(async (trx) => {
      if (Object.keys(values).length > 0) await trx.updateTable('guilds').set(values).where('id', '=', id).execute();
      return this.readGuild(trx, id);
    });
  }

  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('guilds').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) return false;
      // Appends in flight to these channels commit first, and later ones find no channel; without
      // the locks, a message committed after the deletes below would outlive its channel.
      const channelRows = await trx.selectFrom('channels').select('id').where('guild_id', '=', id).execute();
      const channelIds = channelRows.map((row) => toId(row.id));
      await lockChannels(trx, channelIds);
      // A subquery rather than a bound id list: a big guild could exceed the engine's parameter limit.
      const guildChannels = trx.selectFrom('channels').select('id').where('guild_id', '=', id);
      for (const table of CHANNEL_DATA_TABLES) {
        await trx.deleteFrom(table).where('channel_id', 'in', guildChannels).execute();
      }
      await trx.deleteFrom('channels').where('guild_id', '=', id).execute();
      await trx.deleteFrom('invites').where('guild_id', '=', id).execute();
      await trx.deleteFrom('bans').where('guild_id', '=', id).execute();
      await trx.deleteFrom('members').where('guild_id', '=', id).execute();
      await trx.deleteFrom('roles').where('guild_id', '=', id).execute();
      return true;
    });
  }

  async listForUser(userId: string): Promise<GuildRecord[]> {
    const rows = await this.db
      .selectFrom('guilds')
      .innerJoin('members', 'members.guild_id', 'guilds.id')
      .selectAll('guilds')
      .where('members.user_id', '=', userId)
      .orderBy('guilds.id', 'asc')
      .execute();
    return rows.map(guildFromRow);
  }

  async listRoles(guildId: string): Promise<RoleRecord[]> {
    const rows = await this.db
      .selectFrom('roles')
      .selectAll()
      .where('guild_id', '=', guildId)
      .orderBy('position', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return rows.map(roleFromRow);
  }

  async getRole(guildId: string, roleId: string): Promise<RoleRecord | undefined> {
    return this.readRole(this.db, guildId, roleId);
  }

  async createRole(role: RoleRecord): Promise<void> {
    await this.db.insertInto('roles').values(roleToRow(role)).execute();
  }

  async updateRole(guildId: string, roleId: string, patch: RolePatch): Promise<RoleRecord | undefined> {
    const values: Updateable<RolesTable> = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.color !== undefined) values.color = patch.color;
    if (patch.hoist !== undefined) values.hoist = fromBool(patch.hoist);
    if (patch.permissions !== undefined) values.permissions = patch.permissions.toString();
    if (patch.mentionable !== undefined) values.mentionable = fromBool(patch.mentionable);
    if (patch.position !== undefined) values.position = patch.position;
    return this.db.transaction().execute(async (trx) => {
      if (Object.keys(values).length > 0) {
        await trx.updateTable('roles').set(values).where('guild_id', '=', guildId).where('id', '=', roleId).execute();
      }
      return this.readRole(trx, guildId, roleId);
    });
  }

  async setRolePositions(guildId: string, positions: ReadonlyArray<{ id: string; position: number }>): Promise<void> {
    if (positions.length === 0) return;
    // In id order, whatever the caller's: two concurrent reorderings then lock rows in the same order.
    const ordered = [...positions].sort((a, b) => compareIds(a.id, b.id));
    await this.db.transaction().execute(async (trx) => {
      for (const { id, position } of ordered) {
        await trx.updateTable('roles').set({ position }).where('guild_id', '=', guildId).where('id', '=', id).execute();
      }
    });
  }

  async deleteRole(guildId: string, roleId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .deleteFrom('roles')
        .where('guild_id', '=', guildId)
        .where('id', '=', roleId)
        .executeTakeFirst();
      if (result.numDeletedRows === 0n) return false;
      // LIKE only narrows the scan (ids are digits, so the pattern is exact enough); the JSON is
      // parsed and filtered here because neither engine's JSON functions are shared by the other.
      // Each row is rewritten by compare-and-set: on PostgreSQL another connection may change the
      // list between this read and the write, and that change must be re-read, not overwritten.
      // Rows go in id order (see compareIds) so this cannot deadlock with appends or itself.
      const quoted = `%"${roleId}"%`;
      const members = await trx
        .selectFrom('members')
        .select(['user_id', 'role_ids'])
        .where('guild_id', '=', guildId)
        .where('role_ids', 'like', quoted)
        .execute();
      for (const member of members.sort((a, b) => compareIds(toId(a.user_id), toId(b.user_id)))) {
        const row = trx.selectFrom('members').where('guild_id', '=', guildId).where('user_id', '=', member.user_id);
        await rewriteUntilStable(
          member.role_ids,
          async (seen) => {
            const roleIds = toIdList(seen).filter((id) => id !== roleId);
            const result = await trx
              .updateTable('members')
              .set({ role_ids: fromIdList(roleIds) })
              .where('guild_id', '=', guildId)
              .where('user_id', '=', member.user_id)
              .where('role_ids', '=', seen)
              .executeTakeFirst();
            return result.numUpdatedRows > 0n;
          },
          async () => (await row.select('role_ids').executeTakeFirst())?.role_ids,
        );
      }
      const channels = await trx
        .selectFrom('channels')
        .select(['id', 'overwrites'])
        .where('guild_id', '=', guildId)
        .where('overwrites', 'like', quoted)
        .execute();
      for (const channel of channels.sort((a, b) => compareIds(toId(a.id), toId(b.id)))) {
        const row = trx.selectFrom('channels').where('id', '=', channel.id);
        await rewriteUntilStable(
          channel.overwrites,
          async (seen) => {
            const overwrites = overwritesFromJson(seen).filter((o) => !(o.type === 0 && o.id === roleId));
            const result = await trx
              .updateTable('channels')
              .set({ overwrites: overwritesToJson(overwrites) })
              .where('id', '=', channel.id)
              .where('overwrites', '=', seen)
              .executeTakeFirst();
            return result.numUpdatedRows > 0n;
          },
          async () => (await row.select('overwrites').executeTakeFirst())?.overwrites,
        );
      }
      return true;
    });
  }

  async addMember(member: MemberRecord): Promise<boolean> {
    try {
      await this.db.insertInto('members').values(memberToRow(member)).execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async getMember(guildId: string, userId: string): Promise<MemberRecord | undefined> {
    return this.readMember(this.db, guildId, userId);
  }

  async listMembers(guildId: string, page: MemberPage): Promise<MemberRecord[]> {
    let query = this.db.selectFrom('members').selectAll().where('guild_id', '=', guildId);
    if (page.after !== undefined) query = query.where('user_id', '>', page.after);
    const rows = await query.orderBy('user_id', 'asc').limit(page.limit).execute();
    return rows.map(memberFromRow);
  }

  async countMembers(guildId: string): Promise<number> {
    const row = await this.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<bigint | number | string>().as('count'))
      .where('guild_id', '=', guildId)
      .executeTakeFirstOrThrow();
    return toInt(row.count);
  }

  async updateMember(guildId: string, userId: string, patch: MemberPatch): Promise<MemberRecord | undefined> {
    const values: Updateable<MembersTable> = {};
    if (patch.nick !== undefined) values.nick = patch.nick;
    if (patch.roleIds !== undefined) values.role_ids = fromIdList(patch.roleIds);
    return this.db.transaction().execute(async (trx) => {
      if (Object.keys(values).length > 0) {
        await trx
          .updateTable('members')
          .set(values)
          .where('guild_id', '=', guildId)
          .where('user_id', '=', userId)
          .execute();
      }
      return this.readMember(trx, guildId, userId);
    });
  }

  async removeMember(guildId: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('members')
      .where('guild_id', '=', guildId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async ban(ban: BanRecord): Promise<boolean> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('bans').values(banToRow(ban)).execute();
        await trx.deleteFrom('members').where('guild_id', '=', ban.guildId).where('user_id', '=', ban.userId).execute();
      });
      return true;
    } catch (error) {
      // Caught outside the transaction: PostgreSQL aborts a transaction on any error, so the
      // duplicate is detected only after the rollback, which also keeps the membership intact.
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async getBan(guildId: string, userId: string): Promise<BanRecord | undefined> {
    const row = await this.db
      .selectFrom('bans')
      .selectAll()
      .where('guild_id', '=', guildId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && banFromRow(row);
  }

  async listBans(guildId: string, page: BanPage): Promise<BanRecord[]> {
    let query = this.db.selectFrom('bans').selectAll().where('guild_id', '=', guildId);
    if (page.after !== undefined) query = query.where('user_id', '>', page.after);
    if (page.before !== undefined) query = query.where('user_id', '<', page.before);
    // With only `before`, the page is the bans just below the cursor (paging backwards), so it is
    // read descending and flipped; the result is always in ascending user id order.
    const backwards = page.before !== undefined && page.after === undefined;
    const rows = await query
      .orderBy('user_id', backwards ? 'desc' : 'asc')
      .limit(page.limit)
      .execute();
    if (backwards) rows.reverse();
    return rows.map(banFromRow);
  }

  async unban(guildId: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('bans')
      .where('guild_id', '=', guildId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  createInvite(invite: InviteRecord): Promise<void> {
    return this.invites.create(invite);
  }

  getInvite(code: string): Promise<InviteRecord | undefined> {
    return this.invites.get(code);
  }

  listInvites(guildId: string): Promise<InviteRecord[]> {
    return this.invites.listForGuild(guildId);
  }

  listChannelInvites(channelId: string): Promise<InviteRecord[]> {
    return this.invites.listForChannel(channelId);
  }

  deleteInvite(code: string): Promise<boolean> {
    return this.invites.delete(code);
  }

  useInvite(code: string, now: number): Promise<InviteRecord | undefined> {
    return this.invites.use(code, now);
  }

  private async readGuild(db: Kysely<Database>, id: string): Promise<GuildRecord | undefined> {
    const row = await db.selectFrom('guilds').selectAll().where('id', '=', id).executeTakeFirst();
    return row && guildFromRow(row);
  }

  private async readRole(db: Kysely<Database>, guildId: string, roleId: string): Promise<RoleRecord | undefined> {
    const row = await db
      .selectFrom('roles')
      .selectAll()
      .where('guild_id', '=', guildId)
      .where('id', '=', roleId)
      .executeTakeFirst();
    return row && roleFromRow(row);
  }

  private async readMember(db: Kysely<Database>, guildId: string, userId: string): Promise<MemberRecord | undefined> {
    const row = await db
      .selectFrom('members')
      .selectAll()
      .where('guild_id', '=', guildId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && memberFromRow(row);
  }
}

/**
 * Compare-and-set: `write(seen)` writes only if the row still holds `seen` and says whether it did;
 * otherwise the row is re-read and the write tried again. Ends when written or the row is gone.
 */
async function rewriteUntilStable(
  seen: string,
  write: (seen: string) => Promise<boolean>,
  reread: () => Promise<string | undefined>,
): Promise<void> {
  let current: string | undefined = seen;
  while (current !== undefined && !(await write(current))) current = await reread();
}
