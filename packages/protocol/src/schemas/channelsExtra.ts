import Type, { type Static } from 'typebox';
import { Snowflake } from './common';
import { GuildMember } from './guilds';
import { User } from './users';

/** `/channels/:channel_id/permissions/:overwrite_id` */
export const OverwriteParams = Type.Object({ channel_id: Snowflake, overwrite_id: Snowflake });
export type OverwriteParams = Static<typeof OverwriteParams>;

/** `/channels/:channel_id/recipients/:user_id` */
export const RecipientParams = Type.Object({ channel_id: Snowflake, user_id: Snowflake });
export type RecipientParams = Static<typeof RecipientParams>;

/** Gateway `TYPING_START` payload. */
export const TypingStart = Type.Object({
  channel_id: Snowflake,
  guild_id: Type.Optional(Snowflake),
  user_id: Snowflake,
  /** Unix time in seconds, as Discord sends it. */
  timestamp: Type.Integer(),
  /** Present in guild channels. */
  member: Type.Optional(GuildMember),
});
export type TypingStart = Static<typeof TypingStart>;

/** Gateway `CHANNEL_RECIPIENT_ADD` / `CHANNEL_RECIPIENT_REMOVE` payload. */
export const ChannelRecipientEvent = Type.Object({ channel_id: Snowflake, user: User });
export type ChannelRecipientEvent = Static<typeof ChannelRecipientEvent>;
