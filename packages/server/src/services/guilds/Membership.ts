import { ErrorCode, Limits } from '@concord/protocol';
import { DomainError } from '../../domain/errors';
import type { GuildRecord, MemberRecord, UserRecord } from '../../stores/records';
import type { ServiceDeps } from '../index';
import { buildGatewayGuild } from './gatewayGuild';
import type { GuildAnnouncer } from './GuildAnnouncer';
import { deleteRoleCompacting } from './roleWrites';

/**
 * Joining and leaving a guild, whatever the way in (creation, invite, bot authorization) or out
 * (leave, kick, ban), so that limits, bans and the events around a membership are the same for all.
 */
export class Membership {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly announce: GuildAnnouncer,
  ) {}

  /** Refuses a user who may not join: banned (40007) or already in too many guilds (30001). */
  async requireMayJoin(guildId: string, user: UserRecord): Promise<void> {
    const { store } = this.deps;
    if ((await store.guilds.getBan(guildId, user.id)) !== undefined) throw new DomainError(ErrorCode.UserBanned);
    await this.requireGuildSlot(user);
  }

  async requireGuildSlot(user: UserRecord): Promise<void> {
    // Bots are not capped here: Discord caps them through verification, which Concord does not have.
    if (user.bot) return;
    const guilds = await this.deps.store.guilds.listForUser(user.id);
    if (guilds.length >= Limits.guildsPerUser) throw new DomainError(ErrorCode.MaxGuilds);
  }

  /** Adds the member and announces it; undefined (and no events) when they already were one. */
  async add(guild: GuildRecord, user: UserRecord, roleIds: string[] = []): Promise<MemberRecord | undefined> {
    const member: MemberRecord = {
      guildId: guild.id,
      userId: user.id,
      nick: null,
      roleIds,
      joinedAt: this.deps.clock.now(),
    };
    if (!(await this.deps.store.guilds.addMember(member))) return undefined;
    this.announce.memberAdded(member, user);
    await this.sendGuildTo(guild.id, user.id);
    return member;
  }

  /** GUILD_CREATE to one user's devices: the guild as they now see it. */
  async sendGuildTo(guildId: string, userId: string): Promise<void> {
    const snapshot = await buildGatewayGuild(this.deps.store, guildId, userId);
    if (snapshot !== undefined) this.announce.guildCreated(userId, snapshot);
  }

  /** Removes a member (leave or kick); false when they were not one. */
  async remove(guildId: string, user: UserRecord, former: MemberRecord): Promise<boolean> {
    if (!(await this.deps.store.guilds.removeMember(guildId, user.id))) return false;
    await this.afterRemoval(guildId, user, former);
    return true;
  }

  /**
   * What follows any removal, including a ban (whose store write removes the membership itself):
   * events to the guild and to the removed user, and a departing bot's managed role goes with it.
   */
  async afterRemoval(guildId: string, user: UserRecord, former: MemberRecord): Promise<void> {
    this.announce.memberRemoved(guildId, user);
    if (!user.bot) return;
    for (const roleId of former.roleIds) {
      const role = await this.deps.store.guilds.getRole(guildId, roleId);
      if (role?.managed === true) await deleteRoleCompacting(this.deps.store, this.announce, guildId, roleId);
    }
  }
}
