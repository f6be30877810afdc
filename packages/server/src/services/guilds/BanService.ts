import { ErrorCode, Permission } from '@concord/protocol';
import { DomainError } from '../../domain/errors';
import type { BanPage } from '../../stores/ports';
import type { BanRecord, UserRecord } from '../../stores/records';
import { requirePermission, type GuildContext } from '../AccessService';
import type { ServiceDeps } from '../index';
import type { GuildAnnouncer } from './GuildAnnouncer';
import { requireOutranksMember } from './guildRules';
import type { Membership } from './Membership';
import { purgeRecentMessages } from './purgeMessages';

export interface BanView {
  ban: BanRecord;
  user: UserRecord;
}

export interface BanInput {
  reason: string | null;
  /** Delete the user's messages of this many past seconds in every channel of the guild. */
  deleteMessageSeconds: number;
}

/**
 * Bans: BAN_MEMBERS. Any existing user may be banned, member or not; a member only when they are
 * below the actor, and never the owner. A ban ends the membership and bars re-joining.
 */
export class BanService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly announce: GuildAnnouncer,
    private readonly membership: Membership,
  ) {}

  async list(userId: string, guildId: string, page: BanPage): Promise<BanView[]> {
    await this.moderator(userId, guildId);
    const bans = await this.deps.store.guilds.listBans(guildId, page);
    const users = new Map((await this.deps.store.users.getMany(bans.map((b) => b.userId))).map((u) => [u.id, u]));
    return bans.flatMap((ban) => {
      const user = users.get(ban.userId);
      return user === undefined ? [] : [{ ban, user }];
    });
  }

  async get(userId: string, guildId: string, targetId: string): Promise<BanView> {
    await this.moderator(userId, guildId);
    const ban = await this.deps.store.guilds.getBan(guildId, targetId);
    const user = ban && (await this.deps.store.users.get(targetId));
    if (ban === undefined || user === undefined) throw new DomainError(ErrorCode.UnknownBan);
    return { ban, user };
  }

  /** Idempotent, as on Discord: banning a banned user changes nothing (but still purges messages). */
  async create(userId: string, guildId: string, targetId: string, input: BanInput): Promise<void> {
    const { store, clock } = this.deps;
    const actor = await this.moderator(userId, guildId);
    const user = await store.users.get(targetId);
    if (user === undefined) throw new DomainError(ErrorCode.UnknownUser);
    if (targetId === actor.guild.ownerId) throw new DomainError(ErrorCode.MissingPermissions);
    const member = targetId === userId ? actor.member : await store.guilds.getMember(guildId, targetId);
    if (member !== undefined) requireOutranksMember(actor, member);
    const now = clock.now();
    const ban: BanRecord = { guildId, userId: targetId, reason: input.reason, createdAt: now };
    if (await store.guilds.ban(ban)) {
      this.announce.banAdded(ban, user);
      if (member !== undefined) await this.membership.afterRemoval(guildId, user, member);
    }
    if (input.deleteMessageSeconds > 0) {
      await purgeRecentMessages(store, this.announce, {
        guildId,
        authorId: targetId,
        sinceMs: now - input.deleteMessageSeconds * 1000,
      });
    }
  }

  async remove(userId: string, guildId: string, targetId: string): Promise<void> {
    await this.moderator(userId, guildId);
    if (!(await this.deps.store.guilds.unban(guildId, targetId))) throw new DomainError(ErrorCode.UnknownBan);
    const user = await this.deps.store.users.get(targetId);
    if (user !== undefined) this.announce.banRemoved(guildId, user);
  }

  private async moderator(userId: string, guildId: string): Promise<GuildContext> {
    const actor = await this.deps.access.guildContext(userId, guildId);
    requirePermission(actor.permissions, Permission.BAN_MEMBERS);
    return actor;
  }
}
