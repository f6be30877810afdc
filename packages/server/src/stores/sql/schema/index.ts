import type { AccountTables } from './accounts';
import type { ChannelTables } from './channels';
import type { GuildTables } from './guilds';
import type { MessageTables } from './messages';

/** Every table, as kysely sees it; one file per aggregate. */
export interface Database extends AccountTables, GuildTables, ChannelTables, MessageTables {}
