import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { ChannelStore } from '../ports';
import type { ChannelRecord, OverwriteRecord } from '../records';
import { compareIds } from './channelLocks';
import { channelFromRow, channelToRow, overwritesFromJson, overwritesToJson } from './channelRows';
import { fromBool, toId } from './columns';
import type { Database } from './schema';
import type { ChannelsTable } from './schema/channels';
import { PreparedQuery } from './PreparedQuery';
import { isUniqueViolation } from './sqlErrors';

type ChannelPatch = Parameters<ChannelStore['update']>[1];
type Db = Kysely<Database> | Transaction<Database>;

/** Tables of per-channel data keyed by `channel_id`, removed with the channel. */
const CHANNEL_DATA_TABLES = [
  'messages',
  'message_mentions',
  'reactions',
  'read_states',
  'channel_recipients',
  'invites',
] as const;

const RECIPIENT_CHUNK = 500;

/** The one key of the DM between two users, the same whichever of them opens it. */
export function dmKey(userA: string, userB: string): string {
  const [low, high] = BigInt(userA) <= BigInt(userB) ? [userA, userB] : [userB, userA];
  return `${low}:${high}`;
}

export class SqlChannelStore implements ChannelStore {
  // Every message send and read checks access through `get`: its two point reads are prepared once.
  private readonly rowById = new PreparedQuery((id: string) =>
    this.db.selectFrom('channels').selectAll().where('id', '=', id),
  );
  private readonly recipientsOf = new PreparedQuery((channelId: string) =>
    this.db
      .selectFrom('channel_recipients')
      .select(['channel_id', 'user_id'])
      .where('channel_id', '=', channelId)
      .orderBy('user_id', 'asc'),
  );

  constructor(private readonly db: Kysely<Database>) {}

  async create(channel: ChannelRecord): Promise<void> {
    await this.insertChannel(channel, null);
  }

  async get(id: string): Promise<ChannelRecord | undefined> {
    const row = await this.rowById.takeFirst(this.db, id);
    if (row === undefined) return undefined;
    const [channel] = await this.withRecipients(this.db, [row]);
    return channel;
  }

  async listForGuild(guildId: string): Promise<ChannelRecord[]> {
    const rows = await this.db
      .selectFrom('channels')
      .selectAll()
      .where('guild_id', '=', guildId)
      .orderBy('position', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return this.withRecipients(this.db, rows);
  }

  async update(id: string, patch: ChannelPatch): Promise<ChannelRecord | undefined> {
    const values: Updateable<ChannelsTable> = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.topic !== undefined) values.topic = patch.topic;
    if (patch.position !== undefined) values.position = patch.position;
    if (patch.parentId !== undefined) values.parent_id = patch.parentId;
    if (patch.nsfw !== undefined) values.nsfw = fromBool(patch.nsfw);
    if (patch.rateLimitPerUser !== undefined) values.rate_limit_per_user = patch.rateLimitPerUser;
    if (patch.icon !== undefined) values.icon = patch.icon;
    if (patch.ownerId !== undefined) values.owner_id = patch.ownerId;
    if (patch.overwrites !== undefined) values.overwrites = overwritesToJson(patch.overwrites);
    if (Object.keys(values).length === 0) return this.get(id);
    const row = await this.db
      .updateTable('channels')
      .set(values)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const [channel] = await this.withRecipients(this.db, [row]);
    return channel;
  }

  /**
   * Also detaches the children of a deleted category, as Discord does: a `parentId` naming a channel
   * that no longer exists would be a dangling reference for every reader.
   */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const deleted = await trx.deleteFrom('channels').where('id', '=', id).returning('guild_id').executeTakeFirst();
      if (deleted === undefined) return false;
      for (const table of CHANNEL_DATA_TABLES) {
        await trx.deleteFrom(table).where('channel_id', '=', id).execute();
      }
      if (deleted.guild_id !== null) {
        // One child at a time in lock order: a single UPDATE would lock the children in scan order
        // and could deadlock with an append batch writing two of them (see compareIds).
        const children = await trx
          .selectFrom('channels')
          .select('id')
          .where('guild_id', '=', deleted.guild_id)
          .where('parent_id', '=', id)
          .execute();
        for (const child of children.map((row) => toId(row.id)).sort(compareIds)) {
          await trx
            .updateTable('channels')
            .set({ parent_id: null })
            .where('id', '=', child)
            .where('parent_id', '=', id)
            .execute();
        }
      }
      return true;
    });
  }

  /**
   * Updates are scoped to the guild, so an id from another guild is ignored rather than moved. They
   * run in lock order (see compareIds), not the caller's, so they cannot deadlock with appends.
   */
  async setPositions(
    guildId: string,
    updates: ReadonlyArray<{ id: string; position?: number; parentId?: string | null }>,
  ): Promise<void> {
    const ordered = [...updates].sort((a, b) => compareIds(a.id, b.id));
    await this.db.transaction().execute(async (trx) => {
      for (const update of ordered) {
        const values: Updateable<ChannelsTable> = {};
        if (update.position !== undefined) values.position = update.position;
        if (update.parentId !== undefined) values.parent_id = update.parentId;
        if (Object.keys(values).length === 0) continue;
        await trx
          .updateTable('channels')
          .set(values)
          .where('id', '=', update.id)
          .where('guild_id', '=', guildId)
          .execute();
      }
    });
  }

  /** Replaces the overwrite with the same id, or appends it. */
  setOverwrite(channelId: string, overwrite: OverwriteRecord): Promise<ChannelRecord | undefined> {
    return this.modifyOverwrites(channelId, (list) => {
      const index = list.findIndex((o) => o.id === overwrite.id);
      if (index === -1) return [...list, overwrite];
      return list.map((o, i) => (i === index ? overwrite : o));
    });
  }

  /** An unknown overwrite id leaves the channel as it is (and still resolves it). */
  deleteOverwrite(channelId: string, overwriteId: string): Promise<ChannelRecord | undefined> {
    return this.modifyOverwrites(channelId, (list) => list.filter((o) => o.id !== overwriteId));
  }

  /**
   * Looks the pair up first (the common case, one read), creates on a miss, and on losing a race to
   * a concurrent create (the unique `dm_key`) returns the winner's channel.
   */
  async openDm(
    candidate: ChannelRecord,
    userA: string,
    userB: string,
  ): Promise<{ channel: ChannelRecord; created: boolean }> {
    const key = dmKey(userA, userB);
    const existing = await this.getByDmKey(key);
    if (existing !== undefined) return { channel: existing, created: false };
    const recipientIds = [...new Set([userA, userB])].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const channel: ChannelRecord = { ...candidate, recipientIds };
    try {
      await this.insertChannel(channel, key);
      return { channel, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.getByDmKey(key);
      if (winner === undefined) throw error;
      return { channel: winner, created: false };
    }
  }

  async listPrivateForUser(userId: string): Promise<ChannelRecord[]> {
    const rows = await this.db
      .selectFrom('channels')
      .innerJoin('channel_recipients', 'channel_recipients.channel_id', 'channels.id')
      .selectAll('channels')
      .where('channel_recipients.user_id', '=', userId)
      .orderBy('channels.id', 'asc')
      .execute();
    return this.withRecipients(this.db, rows);
  }

  /** Under the channel's row lock, so concurrent adds cannot both see room for one more. */
  async addRecipient(channelId: string, userId: string, maxRecipients: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.lockChannel(trx, channelId))) return false;
      const { n } = await trx
        .selectFrom('channel_recipients')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('channel_id', '=', channelId)
        .executeTakeFirstOrThrow();
      if (Number(n) >= maxRecipients) return false;
      const inserted = await trx
        .insertInto('channel_recipients')
        .values({ channel_id: channelId, user_id: userId })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
    });
  }

  async removeRecipient(channelId: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('channel_recipients')
      .where('channel_id', '=', channelId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  private async insertChannel(channel: ChannelRecord, key: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('channels')
        .values({ ...channelToRow(channel), dm_key: key })
        .execute();
      const recipients = [...new Set(channel.recipientIds)];
      if (recipients.length > 0) {
        await trx
          .insertInto('channel_recipients')
          .values(recipients.map((userId) => ({ channel_id: channel.id, user_id: userId })))
          .execute();
      }
    });
  }

  private async getByDmKey(key: string): Promise<ChannelRecord | undefined> {
    const row = await this.db.selectFrom('channels').selectAll().where('dm_key', '=', key).executeTakeFirst();
    if (row === undefined) return undefined;
    const [channel] = await this.withRecipients(this.db, [row]);
    return channel;
  }

  /** Read-modify-write of the JSON list under the channel's row lock (see `lockChannel`). */
  private async modifyOverwrites(
    channelId: string,
    change: (list: OverwriteRecord[]) => OverwriteRecord[],
  ): Promise<ChannelRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.lockChannel(trx, channelId))) return undefined;
      const current = await trx
        .selectFrom('channels')
        .select('overwrites')
        .where('id', '=', channelId)
        .executeTakeFirstOrThrow();
      const row = await trx
        .updateTable('channels')
        .set({ overwrites: overwritesToJson(change(overwritesFromJson(current.overwrites))) })
        .where('id', '=', channelId)
        .returningAll()
        .executeTakeFirstOrThrow();
      const [channel] = await this.withRecipients(trx, [row]);
      return channel;
    });
  }

  /**
   * A no-op update: on PostgreSQL it row-locks the channel until commit, so read-modify-write
   * sequences on one channel (other than appends) queue instead of losing updates; on SQLite the
   * transaction alone serializes them. False when the channel does not exist.
   */
  private async lockChannel(trx: Transaction<Database>, channelId: string): Promise<boolean> {
    const locked = await trx
      .updateTable('channels')
      .set((eb) => ({ type: eb.ref('type') }))
      .where('id', '=', channelId)
      .returning('id')
      .executeTakeFirst();
    return locked !== undefined;
  }

  /** Loads recipients only for private channels (guild channels have none), in one query. */
  private async withRecipients(db: Db, rows: Selectable<ChannelsTable>[]): Promise<ChannelRecord[]> {
    const privateIds = rows.filter((row) => row.guild_id === null).map((row) => toId(row.id));
    const recipients = new Map<string, string[]>();
    // Chunked: a user can be in more DMs than an engine accepts bound parameters in one statement.
    for (let start = 0; start < privateIds.length; start += RECIPIENT_CHUNK) {
      const links =
        privateIds.length === 1
          ? await this.recipientsOf.execute(db, privateIds[0]!)
          : await db
              .selectFrom('channel_recipients')
              .select(['channel_id', 'user_id'])
              .where('channel_id', 'in', privateIds.slice(start, start + RECIPIENT_CHUNK))
              .orderBy('channel_id', 'asc')
              .orderBy('user_id', 'asc')
              .execute();
      for (const link of links) {
        const channelId = toId(link.channel_id);
        const list = recipients.get(channelId) ?? [];
        list.push(toId(link.user_id));
        recipients.set(channelId, list);
      }
    }
    return rows.map((row) => channelFromRow(row, recipients.get(toId(row.id)) ?? []));
  }
}
