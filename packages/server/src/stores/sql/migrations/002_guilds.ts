import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('guilds')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('icon', 'text')
    .addColumn('description', 'text')
    .addColumn('owner_id', 'bigint', (c) => c.notNull())
    .addColumn('system_channel_id', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('roles')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('guild_id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('color', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hoist', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('mentionable', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('managed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('roles_by_guild').on('roles').column('guild_id').execute();

  await db.schema
    .createTable('members')
    .addColumn('guild_id', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('nick', 'text')
    .addColumn('role_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('members_pk', ['guild_id', 'user_id'])
    .execute();
  await db.schema.createIndex('members_by_user').on('members').column('user_id').execute();

  await db.schema
    .createTable('bans')
    .addColumn('guild_id', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('bans_pk', ['guild_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('invites')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('guild_id', 'bigint', (c) => c.notNull())
    .addColumn('channel_id', 'bigint', (c) => c.notNull())
    .addColumn('inviter_id', 'bigint', (c) => c.notNull())
    .addColumn('max_age', 'integer', (c) => c.notNull())
    .addColumn('max_uses', 'integer', (c) => c.notNull())
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('temporary', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('invites_by_guild').on('invites').column('guild_id').execute();
  await db.schema.createIndex('invites_by_channel').on('invites').column('channel_id').execute();
}
