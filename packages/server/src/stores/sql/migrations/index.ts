import type { Migration, MigrationProvider } from 'kysely';
import * as accounts from './001_accounts';
import * as guilds from './002_guilds';
import * as channelsMessages from './003_channels_messages';

/**
 * Migrations are bundled (not read from a folder) so they run the same from source, tests and a build.
 * Append new ones; never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  '001_accounts': accounts,
  '002_guilds': guilds,
  '003_channels_messages': channelsMessages,
};

export const bundledMigrations: MigrationProvider = {
  getMigrations: async () => migrations,
};
