import type { GuildRecord, MemberRecord, RoleRecord } from '../../stores/records';

interface GuildEntry {
  guild: GuildRecord;
  roles: Map<string, RoleRecord>;
  /** Per user: their member record, or null for "not a member". Filled as users are looked up. */
  members: Map<string, MemberRecord | null>;
  expiresAt: number;
}

/**
 * What access checks read on every request — a guild, its roles, a user's membership — kept in
 * memory instead of three queries per request (a message send made ~12). A guild's entry is
 * dropped whenever this node learns the guild changed in a way that could change access (roles,
 * members, bans, ownership: `forgetGuild`, from local events at once and from other nodes over the
 * bus); the TTL bounds how long a change announced on a lost bus message could go unseen.
 */
export class GuildAccessCache {
  private readonly guilds = new Map<string, GuildEntry>();
  /** Bumped by every invalidation: a lookup that raced with one must not be cached. */
  private epoch = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
    private readonly membersPerGuild: number,
  ) {}

  get currentEpoch(): number {
    return this.epoch;
  }

  guild(guildId: string, now: number): Pick<GuildEntry, 'guild' | 'roles'> | undefined {
    const entry = this.guilds.get(guildId);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.guilds.delete(guildId);
      return undefined;
    }
    return entry;
  }

  /** The cached membership: a record, null (known non-member) or undefined (not cached). */
  member(guildId: string, userId: string, now: number): MemberRecord | null | undefined {
    return this.guild(guildId, now) === undefined ? undefined : this.guilds.get(guildId)?.members.get(userId);
  }

  putGuild(guild: GuildRecord, roles: RoleRecord[], now: number, epoch: number): void {
    if (epoch !== this.epoch || this.capacity === 0) return;
    this.guilds.delete(guild.id);
    this.guilds.set(guild.id, {
      guild: Object.freeze(guild),
      roles: new Map(roles.map((role) => [role.id, Object.freeze(role)])),
      members: new Map(),
      expiresAt: now + this.ttlMs,
    });
    // Map order is insertion order: the first key is the guild cached longest ago.
    while (this.guilds.size > this.capacity) this.guilds.delete(this.guilds.keys().next().value as string);
  }

  putMember(guildId: string, userId: string, member: MemberRecord | undefined, epoch: number): void {
    const entry = this.guilds.get(guildId);
    if (entry === undefined || epoch !== this.epoch) return;
    if (entry.members.size >= this.membersPerGuild) entry.members.clear();
    entry.members.set(userId, member === undefined ? null : Object.freeze(member));
  }

  forgetGuild(guildId: string): void {
    this.epoch += 1;
    this.guilds.delete(guildId);
  }

  /** Everything (e.g. after the bus was cut off and invalidations may have been missed). */
  forgetAll(): void {
    this.epoch += 1;
    this.guilds.clear();
  }
}
