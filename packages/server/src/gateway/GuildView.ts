import { Permission, type Channel, type GuildMember, type Role } from '@concord/protocol';
import { computeBasePermissions, computeChannelPermissions } from '../domain/permissions';
import type { ChannelRecord, GuildRecord, MemberRecord, OverwriteRecord, RoleRecord } from '../stores/records';
import type { Store } from '../stores/ports';

type ChannelAccess = Pick<ChannelRecord, 'type' | 'overwrites'>;

/**
 * What this node knows of one guild to decide, without I/O, who may see a channel's events: roles,
 * channel overwrites, the owner, and the roles of the guild's members that have sessions here.
 * It is loaded from the store once, then kept current by the very events it helps fan out, in the
 * order they were committed.
 */
export class GuildView {
  /**
   * Per channel, the tracked members who may view it, computed on first use and dropped whenever
   * the view changes. Fan-out walks this set instead of deciding member by member per event: one
   * permission computation per member and change, not per member and message.
   */
  private readonly audiences = new Map<string, ReadonlySet<string>>();

  private constructor(
    private guild: GuildRecord,
    private readonly roles: Map<string, RoleRecord>,
    private readonly channels: Map<string, ChannelAccess>,
    /** Members with a local session. */
    private readonly members: Map<string, MemberRecord>,
    public memberCount: number,
  ) {}

  static async load(store: Store, guildId: string): Promise<GuildView | undefined> {
    const [guild, roles, channels, memberCount] = await Promise.all([
      store.guilds.get(guildId),
      store.guilds.listRoles(guildId),
      store.channels.listForGuild(guildId),
      store.guilds.countMembers(guildId),
    ]);
    if (guild === undefined) return undefined;
    return new GuildView(
      guild,
      new Map(roles.map((r) => [r.id, r])),
      new Map(channels.map((c) => [c.id, { type: c.type, overwrites: c.overwrites }])),
      new Map(),
      memberCount,
    );
  }

  get id(): string {
    return this.guild.id;
  }

  hasMember(userId: string): boolean {
    return this.members.has(userId);
  }

  localMemberIds(): IterableIterator<string> {
    return this.members.keys();
  }

  trackMember(member: MemberRecord): void {
    this.members.set(member.userId, member);
    this.invalidate();
  }

  untrackMember(userId: string): void {
    this.members.delete(userId);
    this.invalidate();
  }

  /** Whether a tracked member may view the channel right now (VIEW_CHANNEL after overwrites). */
  canView(userId: string, channelId: string): boolean {
    return this.audience(channelId).has(userId);
  }

  /**
   * The tracked members who may view the channel right now, in tracking order. The set is never
   * changed once returned (a change makes a new one), so a caller may hold it across `apply`.
   */
  audience(channelId: string): ReadonlySet<string> {
    let audience = this.audiences.get(channelId);
    if (audience === undefined) {
      audience = new Set(this.computeAudience(channelId));
      this.audiences.set(channelId, audience);
    }
    return audience;
  }

  private *computeAudience(channelId: string): Generator<string> {
    const channel = this.channels.get(channelId);
    if (channel === undefined) return;
    for (const member of this.members.values()) {
      const base = computeBasePermissions(this.guild, member, this.roles);
      if ((computeChannelPermissions(base, this.guild.id, member, channel) & Permission.VIEW_CHANNEL) !== 0n) {
        yield member.userId;
      }
    }
  }

  /** Applies a committed event of this guild to the view; unknown events change nothing. */
  apply(type: string, data: unknown): void {
    switch (type) {
      case 'GUILD_UPDATE': {
        const { owner_id, name } = data as { owner_id: string; name: string };
        this.guild = { ...this.guild, ownerId: owner_id, name };
        break;
      }
      case 'GUILD_ROLE_CREATE':
      case 'GUILD_ROLE_UPDATE': {
        const { role } = data as { role: Role };
        this.roles.set(role.id, roleFromWire(this.guild.id, role));
        break;
      }
      case 'GUILD_ROLE_DELETE': {
        const { role_id } = data as { role_id: string };
        this.roles.delete(role_id);
        for (const member of this.members.values()) member.roleIds = member.roleIds.filter((id) => id !== role_id);
        break;
      }
      case 'CHANNEL_CREATE':
      case 'CHANNEL_UPDATE': {
        const channel = data as Channel;
        this.channels.set(channel.id, { type: channel.type, overwrites: overwritesFromWire(channel) });
        break;
      }
      case 'CHANNEL_DELETE':
        this.channels.delete((data as Channel).id);
        break;
      case 'GUILD_MEMBER_ADD':
        this.memberCount += 1;
        return;
      case 'GUILD_MEMBER_UPDATE': {
        const member = data as GuildMember;
        const local = this.members.get(member.user.id);
        if (local !== undefined) local.roleIds = [...member.roles];
        break;
      }
      case 'GUILD_MEMBER_REMOVE': {
        const { user } = data as { user: { id: string } };
        this.memberCount = Math.max(0, this.memberCount - 1);
        this.members.delete(user.id);
        break;
      }
      default:
        return;
    }
    this.invalidate();
  }

  private invalidate(): void {
    this.audiences.clear();
  }
}

function roleFromWire(guildId: string, role: Role): RoleRecord {
  return {
    id: role.id,
    guildId,
    name: role.name,
    color: role.color,
    hoist: role.hoist,
    position: role.position,
    permissions: BigInt(role.permissions),
    mentionable: role.mentionable,
    managed: role.managed,
  };
}

function overwritesFromWire(channel: Channel): OverwriteRecord[] {
  return (channel.permission_overwrites ?? []).map((o) => ({
    id: o.id,
    type: o.type,
    allow: BigInt(o.allow),
    deny: BigInt(o.deny),
  }));
}
