import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('channels')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('guild_id', 'bigint')
    .addColumn('name', 'text')
    .addColumn('topic', 'text')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('parent_id', 'bigint')
    .addColumn('nsfw', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rate_limit_per_user', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('owner_id', 'bigint')
    .addColumn('icon', 'text')
    .addColumn('overwrites', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('dm_key', 'text', (c) => c.unique())
    .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_message_id', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('channels_by_guild').on('channels').column('guild_id').execute();

  await db.schema
    .createTable('channel_recipients')
    .addColumn('channel_id', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_recipients_pk', ['channel_id', 'user_id'])
    .execute();
  await db.schema.createIndex('channel_recipients_by_user').on('channel_recipients').column('user_id').execute();

  await db.schema
    .createTable('messages')
    .addColumn('channel_id', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('author_id', 'bigint', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('nonce', 'text')
    .addColumn('tts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('flags', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mention_everyone', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mention_user_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('mention_role_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('reference_message_id', 'bigint')
    .addColumn('reference_channel_id', 'bigint')
    .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('edited_at', 'bigint')
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('messages_pk', ['channel_id', 'seq'])
    .execute();
  await db.schema.createIndex('messages_by_id').on('messages').columns(['channel_id', 'id']).unique().execute();
  await db.schema
    .createIndex('messages_by_nonce')
    .on('messages')
    .columns(['channel_id', 'author_id', 'nonce'])
    .unique()
    .where('nonce', 'is not', null)
    .execute();

  await db.schema
    .createTable('message_mentions')
    .addColumn('channel_id', 'bigint', (c) => c.notNull())
    .addColumn('target_id', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_mentions_pk', ['channel_id', 'target_id', 'seq'])
    .execute();

  await db.schema
    .createTable('reactions')
    .addColumn('channel_id', 'bigint', (c) => c.notNull())
    .addColumn('message_id', 'bigint', (c) => c.notNull())
    .addColumn('emoji', 'text', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('reactions_pk', ['channel_id', 'message_id', 'emoji', 'user_id'])
    .execute();

  await db.schema
    .createTable('read_states')
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('channel_id', 'bigint', (c) => c.notNull())
    .addColumn('last_read_seq', 'bigint', (c) => c.notNull())
    .addColumn('last_message_id', 'bigint')
    .addColumn('mention_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('read_states_pk', ['user_id', 'channel_id'])
    .execute();
  await db.schema.createIndex('read_states_by_channel').on('read_states').column('channel_id').execute();
}
