import type { DbInt, DbNullableInt } from '../columns';

export interface ChannelsTable {
  id: DbInt;
  type: DbInt;
  guild_id: DbNullableInt;
  name: string | null;
  topic: string | null;
  position: DbInt;
  parent_id: DbNullableInt;
  nsfw: DbInt;
  rate_limit_per_user: DbInt;
  owner_id: DbNullableInt;
  icon: string | null;
  /** JSON array of `{id, type, allow, deny}` with allow/deny as decimal strings. */
  overwrites: string;
  /** For 1:1 DMs only: "smallerUserId:largerUserId", unique, so a pair has one DM channel. */
  dm_key: string | null;
  /** The channel head: last assigned seq and its message id. Updated in the message's transaction. */
  last_seq: DbInt;
  last_message_id: DbNullableInt;
  created_at: DbInt;
}

export interface ChannelRecipientsTable {
  channel_id: DbInt;
  user_id: DbInt;
}

export interface ChannelTables {
  channels: ChannelsTable;
  channel_recipients: ChannelRecipientsTable;
}
