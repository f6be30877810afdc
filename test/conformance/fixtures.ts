import { SnowflakeGenerator } from '../../packages/server/src/domain/snowflake';
import { systemClock } from '../../packages/server/src/domain/clock';
import type {
  ChannelRecord,
  GuildRecord,
  MemberRecord,
  RoleRecord,
  UserRecord,
} from '../../packages/server/src/stores/records';

/** Record builders for contract tests: fresh ids each call, overridable fields. */
export const ids = new SnowflakeGenerator(1, systemClock);

export function aUser(overrides: Partial<UserRecord> = {}): UserRecord {
  const id = ids.next();
  return {
    id,
    username: `user${id}`,
    globalName: null,
    avatar: null,
    bot: false,
    passwordHash: '$argon2id$fake',
    flags: 0,
    createdAt: Date.now(),
    ...overrides,
  };
}

export function aGuild(ownerId: string, overrides: Partial<GuildRecord> = {}): GuildRecord {
  return {
    id: ids.next(),
    name: 'A guild',
    icon: null,
    description: null,
    ownerId,
    systemChannelId: null,
    createdAt: Date.now(),
    ...overrides,
  };
}

export function aRole(guildId: string, overrides: Partial<RoleRecord> = {}): RoleRecord {
  return {
    id: ids.next(),
    guildId,
    name: 'role',
    color: 0,
    hoist: false,
    position: 1,
    permissions: 0n,
    mentionable: false,
    managed: false,
    ...overrides,
  };
}

export function aMember(guildId: string, userId: string, overrides: Partial<MemberRecord> = {}): MemberRecord {
  return { guildId, userId, nick: null, roleIds: [], joinedAt: Date.now(), ...overrides };
}

export function aChannel(guildId: string | null, overrides: Partial<ChannelRecord> = {}): ChannelRecord {
  return {
    id: ids.next(),
    type: guildId === null ? 1 : 0,
    guildId,
    name: guildId === null ? null : 'general',
    topic: null,
    position: 0,
    parentId: null,
    nsfw: false,
    rateLimitPerUser: 0,
    ownerId: null,
    icon: null,
    overwrites: [],
    recipientIds: [],
    lastSeq: 0,
    lastMessageId: null,
    createdAt: Date.now(),
    ...overrides,
  };
}
