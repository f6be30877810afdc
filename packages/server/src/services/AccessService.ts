import { ErrorCode, Permission } from '@concord/protocol';
import { DomainError } from '../domain/errors';
import {
  PRIVATE_CHANNEL_PERMISSIONS,
  computeBasePermissions,
  computeChannelPermissions,
  highestRolePosition,
} from '../domain/permissions';
import type { ChannelDefinition, ChannelRecord, GuildRecord, MemberRecord, RoleRecord } from '../stores/records';
import type { Store } from '../stores/ports';
import type { Clock } from '../domain/clock';
import { ChannelAccessCache } from './access/ChannelAccessCache';
import { GuildAccessCache } from './access/GuildAccessCache';

/** Backstop for an access change announced on a lost bus message (see GuildAccessCache). */
const ACCESS_CACHE_TTL_MS = 30_000;
const ACCESS_CACHE_GUILDS = 10_000;
const ACCESS_CACHE_MEMBERS = 5_000;
const ACCESS_CACHE_CHANNELS = 50_000;

/** What a member may do in a guild, resolved once per request. */
export interface GuildContext {
  guild: GuildRecord;
  member: MemberRecord;
  roles: Map<string, RoleRecord>;
  /** Guild-level permissions (before channel overwrites). */
  permissions: bigint;
  /** The member's highest role position (owner: MAX_SAFE_INTEGER), for hierarchy checks. */
  rank: number;
}

/** A channel the user may view, with what they may do in it (see `channelAccess`). */
export interface ChannelAccess {
  channel: ChannelDefinition;
  /** Present for guild channels. */
  guild: GuildContext | undefined;
  permissions: bigint;
}

/** The same, read fresh from the store, the channel's head included (see `channelContext`). */
export interface ChannelContext extends ChannelAccess {
  channel: ChannelRecord;
}

/**
 * The one place that answers "may this user see / do this": every route goes through it.
 * Anything the user may not see resolves to the same "Unknown …" error as something that does not
 * exist, so ids cannot be probed.
 */
export class AccessService {
  private readonly cache = new GuildAccessCache(ACCESS_CACHE_TTL_MS, ACCESS_CACHE_GUILDS, ACCESS_CACHE_MEMBERS);
  private readonly channels = new ChannelAccessCache(ACCESS_CACHE_TTL_MS, ACCESS_CACHE_CHANNELS);

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** The guild's roles, members or settings changed (here or on another node). */
  forgetGuild(guildId: string): void {
    this.cache.forgetGuild(guildId);
    this.channels.forgetGuild(guildId);
  }

  /** A private channel's recipients or settings changed (here or on another node). */
  forgetChannel(channelId: string): void {
    this.channels.forgetChannel(channelId);
  }

  /** Changes may have gone unheard (the node was cut off from the bus). */
  forgetAll(): void {
    this.cache.forgetAll();
    this.channels.forgetAll();
  }

  async guildContext(userId: string, guildId: string): Promise<GuildContext> {
    const now = this.clock.now();
    const epoch = this.cache.currentEpoch;
    let cached = this.cache.guild(guildId, now);
    let member = this.cache.member(guildId, userId, now);
    if (cached === undefined) {
      const [guild, roles] = await Promise.all([this.store.guilds.get(guildId), this.store.guilds.listRoles(guildId)]);
      if (guild === undefined) throw new DomainError(ErrorCode.UnknownGuild);
      this.cache.putGuild(guild, roles, now, epoch);
      cached = { guild, roles: new Map(roles.map((r) => [r.id, r])) };
      member = undefined;
    }
    if (member === undefined) {
      const record = await this.store.guilds.getMember(guildId, userId);
      this.cache.putMember(guildId, userId, record, epoch);
      member = record ?? null;
    }
    if (member === null) throw new DomainError(ErrorCode.UnknownGuild);
    const { guild, roles } = cached;
    return {
      guild,
      member,
      roles,
      permissions: computeBasePermissions(guild, member, roles),
      rank: highestRolePosition(guild, member, roles),
    };
  }

  /**
   * Access to a channel for the message paths (send, read, edit, react, type), which run on every
   * request: the channel may come from the per-node cache, so it has no head, and changes to the
   * channel itself should go through `channelContext`.
   */
  async channelAccess(userId: string, channelId: string): Promise<ChannelAccess> {
    const now = this.clock.now();
    let channel: ChannelDefinition | undefined = this.channels.get(channelId, now);
    if (channel === undefined) {
      const epoch = this.channels.currentEpoch;
      const record = await this.store.channels.get(channelId);
      if (record === undefined) throw new DomainError(ErrorCode.UnknownChannel);
      this.channels.put(record, now, epoch);
      channel = record;
    }
    return this.access(userId, channel);
  }

  /** Access to a channel read fresh from the store: for changing it, or showing it with its head. */
  async channelContext(userId: string, channelId: string): Promise<ChannelContext> {
    const channel = await this.store.channels.get(channelId);
    if (channel === undefined) throw new DomainError(ErrorCode.UnknownChannel);
    return { ...(await this.access(userId, channel)), channel };
  }

  private async access(userId: string, channel: ChannelDefinition): Promise<ChannelAccess> {
    if (channel.guildId === null) {
      if (!channel.recipientIds.includes(userId)) throw new DomainError(ErrorCode.UnknownChannel);
      return { channel, guild: undefined, permissions: PRIVATE_CHANNEL_PERMISSIONS };
    }
    let guild: GuildContext;
    try {
      guild = await this.guildContext(userId, channel.guildId);
    } catch (error) {
      if (error instanceof DomainError) throw new DomainError(ErrorCode.UnknownChannel);
      throw error;
    }
    const permissions = computeChannelPermissions(guild.permissions, guild.guild.id, guild.member, channel);
    if ((permissions & Permission.VIEW_CHANNEL) === 0n) throw new DomainError(ErrorCode.UnknownChannel);
    return { channel, guild, permissions };
  }

  /** Permissions of any member (not necessarily the caller) in a channel; 0n when not a member. */
  async memberChannelPermissions(userId: string, channel: ChannelDefinition): Promise<bigint> {
    if (channel.guildId === null) return channel.recipientIds.includes(userId) ? PRIVATE_CHANNEL_PERMISSIONS : 0n;
    try {
      const guild = await this.guildContext(userId, channel.guildId);
      return computeChannelPermissions(guild.permissions, guild.guild.id, guild.member, channel);
    } catch (error) {
      if (error instanceof DomainError) return 0n;
      throw error;
    }
  }
}

/** Throws 50013 unless every bit of `required` is in `permissions`. */
export function requirePermission(permissions: bigint, required: bigint): void {
  if ((permissions & required) !== required) throw new DomainError(ErrorCode.MissingPermissions);
}

/** Throws 50013 unless the actor outranks `targetRank` (role hierarchy), owners excepted. */
export function requireOutranks(actor: GuildContext, targetRank: number): void {
  if (actor.guild.ownerId === actor.member.userId) return;
  if (actor.rank <= targetRank) throw new DomainError(ErrorCode.MissingPermissions);
}
