import type { Kysely } from 'kysely';
import type { InviteRecord } from '../records';
import type { Database } from './schema';
import { inviteFromRow, inviteToRow } from './guildRows';

/** The invite half of the guild store, kept apart so each file stays readable. */
export class SqlInviteQueries {
  constructor(private readonly db: Kysely<Database>) {}

  async create(invite: InviteRecord): Promise<void> {
    await this.db.insertInto('invites').values(inviteToRow(invite)).execute();
  }

  async get(code: string): Promise<InviteRecord | undefined> {
    const row = await this.db.selectFrom('invites').selectAll().where('code', '=', code).executeTakeFirst();
    return row && inviteFromRow(row);
  }

  async listForGuild(guildId: string): Promise<InviteRecord[]> {
    const rows = await this.db
      .selectFrom('invites')
      .selectAll()
      .where('guild_id', '=', guildId)
      .orderBy('created_at', 'asc')
      .orderBy('code', 'asc')
      .execute();
    return rows.map(inviteFromRow);
  }

  async listForChannel(channelId: string): Promise<InviteRecord[]> {
    const rows = await this.db
      .selectFrom('invites')
      .selectAll()
      .where('channel_id', '=', channelId)
      .orderBy('created_at', 'asc')
      .orderBy('code', 'asc')
      .execute();
    return rows.map(inviteFromRow);
  }

  async delete(code: string): Promise<boolean> {
    const result = await this.db.deleteFrom('invites').where('code', '=', code).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async use(code: string, now: number): Promise<InviteRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      // One conditional UPDATE rather than read-then-write: under PostgreSQL's READ COMMITTED a
      // concurrent use re-checks the conditions against the committed row, so the last use of a
      // limited invite cannot be handed out twice.
      const row = await trx
        .updateTable('invites')
        .set((eb) => ({ uses: eb('uses', '+', 1) }))
        .where('code', '=', code)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .where((eb) => eb.or([eb('max_uses', '=', 0), eb('max_uses', '>', eb.ref('uses'))]))
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) {
        // Missing, expired or used up: a dead invite is of no further use to anyone.
        await trx.deleteFrom('invites').where('code', '=', code).execute();
        return undefined;
      }
      const invite = inviteFromRow(row);
      if (invite.maxUses > 0 && invite.uses >= invite.maxUses) {
        await trx.deleteFrom('invites').where('code', '=', code).execute();
      }
      return invite;
    });
  }
}
