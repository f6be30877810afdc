import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../packages/server/src/config';
import { systemClock } from '../../packages/server/src/domain/clock';
import { LocalEventPublisher } from '../../packages/server/src/domain/events';
import { Argon2PasswordHasher } from '../../packages/server/src/domain/passwords';
import { SnowflakeGenerator } from '../../packages/server/src/domain/snowflake';
import { hashToken, mintToken } from '../../packages/server/src/domain/tokens';
import { InProcessPresenceStore } from '../../packages/server/src/presence/InProcessPresenceStore';
import { createServices } from '../../packages/server/src/services';
import type { Store } from '../../packages/server/src/stores/ports';
import type { UserRecord } from '../../packages/server/src/stores/records';
import { migrateToLatest } from '../../packages/server/src/stores/sql/migrate';
import type { Database as Schema } from '../../packages/server/src/stores/sql/schema';
import { createSqlStore } from '../../packages/server/src/stores/sql/SqlStore';
import { dmLobbies, type Layout } from '../setup/world';

/**
 * Seeds a Concord data directory BEFORE its server starts, through the services and storage ports
 * (never SQL), with the population of a run: users with ready-made tokens, the fan-out guilds with
 * their members, the DM lobbies and DMs (see setup/concordWorld.ts for the same over REST), and a
 * history channel with many messages, appended in large concurrent batches so the group committer
 * writes them hundreds per transaction.
 *
 * Why not REST: registering 10,000 users spends ~150 s of server CPU on argon2, and every membership
 * is several fsync'd commits (here ~2–5 ms each, one at a time): ~10 minutes for the full layout.
 *
 *   node --import tsx bench/seed/seedConcord.ts <dataDir> <layout.json> <out.json>
 */
export interface SeedOutput {
  users: Array<{ id: string; token: string }>;
  fanoutIds: string[];
  dmIds: string[];
  history: { channelId: string; token: string; messages: number };
  seconds: number;
}

export interface SeedLayout extends Layout {
  historyMessages: number;
}

const BENCH_PASSWORD = 'concord-bench-password';
const APPEND_WAVE = 5_000;

async function main(): Promise<void> {
  const [dataDir, layoutFile, outFile] = process.argv.slice(2);
  if (dataDir === undefined || layoutFile === undefined || outFile === undefined) {
    throw new Error('usage: seedConcord.ts <dataDir> <layout.json> <out.json>');
  }
  const layout = JSON.parse(fs.readFileSync(layoutFile, 'utf8')) as SeedLayout;
  const started = performance.now();
  // Worker id 1023: ids minted here can never collide with the server's (worker 0).
  const ids = new SnowflakeGenerator(1023, systemClock);
  const { store, checkpoint } = await openSeedingStore(path.join(dataDir, 'concord.db'), ids);
  const hasher = new Argon2PasswordHasher();
  const passwordHash = await hasher.hash(BENCH_PASSWORD);
  const now = systemClock.now();

  const makeUser = async (username: string): Promise<{ user: UserRecord; token: string }> => {
    const user: UserRecord = {
      id: ids.next(),
      username,
      globalName: null,
      avatar: null,
      bot: false,
      passwordHash,
      flags: 0,
      createdAt: now,
    };
    if (!(await store.users.create(user))) throw new Error(`username ${username} taken`);
    const token = mintToken(user.id);
    await store.sessions.create({
      id: ids.next(),
      userId: user.id,
      tokenHash: hashToken(token),
      device: 'concord-bench',
      createdAt: now,
      // Last used an hour ago, like a user coming back: the first request or IDENTIFY refreshes it.
      lastUsedAt: now - 3_600_000,
    });
    return { user, token };
  };

  const records: UserRecord[] = [];
  const users: SeedOutput['users'] = [];
  const count = layout.users;
  for (let start = 0; start < count; start += 500) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(500, count - start) }, (_, i) => makeUser(`bench${start + i}`)),
    );
    for (const { user, token } of batch) {
      records.push(user);
      users.push({ id: user.id, token });
    }
  }

  const services = createServices({
    config: parseConfig({}),
    store,
    ids,
    clock: systemClock,
    events: new LocalEventPublisher(),
    hasher,
    presence: new InProcessPresenceStore(),
  });
  /** A guild made by the services as POST /guilds makes it; members added as an accepted invite adds them. */
  const guildOf = async (members: number[], name: string): Promise<string> => {
    const owner = records[members[0] as number] as UserRecord;
    const guild = await services.guilds.create(owner, { name });
    const channelId = guild.guild.systemChannelId;
    if (channelId === null) throw new Error('a new guild has no system channel');
    for (const member of members.slice(1)) {
      const userId = (records[member] as UserRecord).id;
      await store.guilds.addMember({ guildId: guild.guild.id, userId, nick: null, roleIds: [], joinedAt: now });
    }
    return channelId;
  };
  const fanoutIds = await Promise.all(
    Array.from({ length: layout.fanoutChannels }, (_, c) =>
      guildOf(
        Array.from({ length: layout.fanoutMembers }, (_, m) => c * layout.fanoutMembers + m),
        `bench ${c}`,
      ),
    ),
  );
  await Promise.all(dmLobbies(layout).map((members, l) => guildOf(members, `bench lobby ${l}`)));
  const firstDmUser = layout.fanoutChannels * layout.fanoutMembers;
  const dmIds = await Promise.all(
    Array.from({ length: layout.dmPairs }, async (_, p) => {
      const a = records[firstDmUser + 2 * p] as UserRecord;
      const b = records[firstDmUser + 2 * p + 1] as UserRecord;
      const view = await services.channels.openPrivateChannel(a, { recipient_id: b.id });
      return view.channel.id;
    }),
  );

  // The history channel: its own reader and guild.
  const reader = await makeUser('benchhistory');
  const guild = await services.guilds.create(reader.user, { name: 'bench history' });
  const channelId = guild.guild.systemChannelId;
  if (channelId === null) throw new Error('the new guild has no system channel');
  const total = layout.historyMessages;
  for (let start = 0; start < total; start += APPEND_WAVE) {
    await Promise.all(
      Array.from({ length: Math.min(APPEND_WAVE, total - start) }, (_, i) =>
        store.messages.append({
          channelId,
          authorId: reader.user.id,
          content: `history message ${start + i} `.padEnd(100, 'x'),
          type: 0,
          nonce: null,
          tts: false,
          flags: 0,
          mentionEveryone: false,
          mentionUserIds: [],
          mentionRoleIds: [],
          referenceMessageId: null,
          referenceChannelId: null,
          createdAt: now,
        }),
      ),
    );
  }
  checkpoint();
  await store.close();
  const output: SeedOutput = {
    users,
    fanoutIds,
    dmIds,
    history: { channelId, token: reader.token, messages: total },
    seconds: (performance.now() - started) / 1000,
  };
  fs.writeFileSync(outFile, JSON.stringify(output));
}

/**
 * The same SQL store the server opens (`openSqliteStore`), but with `synchronous = OFF` while
 * seeding: here an fsync per transaction costs ~6 ms, and nothing is acknowledged to anyone. One
 * checkpoint at the end makes the whole seed durable before the server opens the file.
 */
async function openSeedingStore(
  file: string,
  ids: SnowflakeGenerator,
): Promise<{ store: Store; checkpoint: () => void }> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.defaultSafeIntegers(true);
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(db);
  const store = createSqlStore(db, { dialect: 'sqlite', ids }, async () => {
    await db.destroy();
  });
  return {
    store,
    checkpoint: () => {
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
    },
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
