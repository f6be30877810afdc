import type { DbInt, DbNullableInt } from '../columns';

/** Keyed by (channel_id, seq): a message store shaped for partitioning by channel. */
export interface MessagesTable {
  channel_id: DbInt;
  seq: DbInt;
  id: DbInt;
  author_id: DbInt;
  content: string;
  type: DbInt;
  nonce: string | null;
  tts: DbInt;
  flags: DbInt;
  mention_everyone: DbInt;
  /** JSON arrays of ids. */
  mention_user_ids: string;
  mention_role_ids: string;
  reference_message_id: DbNullableInt;
  reference_channel_id: DbNullableInt;
  pinned: DbInt;
  created_at: DbInt;
  edited_at: DbNullableInt;
  deleted: DbInt;
}

/**
 * One row per (message, mentioned target): a user id, a role id, or the guild id for @everyone.
 * Mention counts for read states are a range count on this table, written in the message's transaction.
 */
export interface MessageMentionsTable {
  channel_id: DbInt;
  target_id: DbInt;
  seq: DbInt;
}

export interface ReactionsTable {
  channel_id: DbInt;
  message_id: DbInt;
  emoji: string;
  user_id: DbInt;
  created_at: DbInt;
}

export interface ReadStatesTable {
  user_id: DbInt;
  channel_id: DbInt;
  last_read_seq: DbInt;
  last_message_id: DbNullableInt;
  mention_count: DbInt;
}

export interface MessageTables {
  messages: MessagesTable;
  message_mentions: MessageMentionsTable;
  reactions: ReactionsTable;
  read_states: ReadStatesTable;
}
