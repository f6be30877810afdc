import { ErrorCode, Permission, type ModifyMemberBody } from '@concord/protocol';
import { DomainError, fieldError } from '../../domain/errors';
import type { MemberPage, Store } from '../../stores/ports';
import type { MemberRecord, UserRecord } from '../../stores/records';
import { requirePermission, type GuildContext } from '../AccessService';
import type { ServiceDeps } from '../index';
import type { GuildAnnouncer } from './GuildAnnouncer';
import { isOwner, requireAssignable, requireManageableRole, requireOutranksMember } from './guildRules';
import type { Membership } from './Membership';

/** A member with their user, ready to be converted for the wire. */
export interface MemberView {
  member: MemberRecord;
  user: UserRecord;
}

type MemberPatch = Parameters<Store['guilds']['updateMember']>[2];

/**
 * Members: listing, nicknames, role assignment and kicks. Nicknames of others need
 * MANAGE_NICKNAMES and a lower target; roles need MANAGE_ROLES and roles below the actor's own;
 * kicks need KICK_MEMBERS and a lower target. Nobody acts on the owner but the owner.
 */
export class MemberService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly announce: GuildAnnouncer,
    private readonly membership: Membership,
  ) {}

  async list(userId: string, guildId: string, page: MemberPage): Promise<MemberView[]> {
    await this.deps.access.guildContext(userId, guildId);
    const members = await this.deps.store.guilds.listMembers(guildId, page);
    return this.withUsers(members);
  }

  async get(userId: string, guildId: string, targetId: string): Promise<MemberView> {
    const actor = await this.deps.access.guildContext(userId, guildId);
    return this.view(await this.requireMember(actor, targetId));
  }

  /** `PATCH /guilds/:id/members/:user_id`: nickname and roles, all checked before anything is written. */
  async modify(userId: string, guildId: string, targetId: string, body: ModifyMemberBody): Promise<MemberView> {
    const actor = await this.deps.access.guildContext(userId, guildId);
    const target = await this.requireMember(actor, targetId);
    const patch: MemberPatch = {};
    if (body.nick !== undefined) patch.nick = this.checkedNick(actor, target, body.nick);
    if (body.roles !== undefined) patch.roleIds = this.checkedRoles(actor, target, body.roles);
    return this.apply(target, patch);
  }

  /** `PATCH /guilds/:id/members/@me`: the caller's own nickname. */
  async modifySelf(userId: string, guildId: string, nick: string | null | undefined): Promise<MemberView> {
    const actor = await this.deps.access.guildContext(userId, guildId);
    const patch: MemberPatch = {};
    if (nick !== undefined) patch.nick = this.checkedNick(actor, actor.member, nick);
    return this.apply(actor.member, patch);
  }

  async addRole(userId: string, guildId: string, targetId: string, roleId: string): Promise<void> {
    const actor = await this.deps.access.guildContext(userId, guildId);
    requirePermission(actor.permissions, Permission.MANAGE_ROLES);
    const target = await this.requireMember(actor, targetId);
    this.requireHandOut(actor, roleId);
    if (target.roleIds.includes(roleId)) return;
    await this.apply(target, { roleIds: [...target.roleIds, roleId] });
  }

  async removeRole(userId: string, guildId: string, targetId: string, roleId: string): Promise<void> {
    const actor = await this.deps.access.guildContext(userId, guildId);
    requirePermission(actor.permissions, Permission.MANAGE_ROLES);
    const target = await this.requireMember(actor, targetId);
    this.requireHandOut(actor, roleId);
    if (!target.roleIds.includes(roleId)) return;
    await this.apply(target, { roleIds: target.roleIds.filter((id) => id !== roleId) });
  }

  /** KICK_MEMBERS, and only members below the actor; the owner is never kicked. */
  async kick(userId: string, guildId: string, targetId: string): Promise<void> {
    const actor = await this.deps.access.guildContext(userId, guildId);
    requirePermission(actor.permissions, Permission.KICK_MEMBERS);
    const target = await this.requireMember(actor, targetId);
    requireOutranksMember(actor, target);
    const user = await this.requireUser(targetId);
    if (!(await this.membership.remove(guildId, user, target))) throw new DomainError(ErrorCode.UnknownMember);
  }

  private checkedNick(actor: GuildContext, target: MemberRecord, nick: string | null): string | null {
    const normalized = nick === null || nick.trim().length === 0 ? null : nick.trim();
    if (normalized === target.nick) return normalized;
    if (target.userId === actor.member.userId) {
      if (!isOwner(actor) && (actor.permissions & (Permission.CHANGE_NICKNAME | Permission.MANAGE_NICKNAMES)) === 0n) {
        throw new DomainError(ErrorCode.MissingPermissions);
      }
      return normalized;
    }
    requirePermission(actor.permissions, Permission.MANAGE_NICKNAMES);
    requireOutranksMember(actor, target);
    return normalized;
  }

  /** The new role list, if every role added or removed may be handed out by the actor. */
  private checkedRoles(actor: GuildContext, target: MemberRecord, requested: readonly string[]): string[] {
    const next = [...new Set(requested)];
    const changed = [
      ...next.filter((id) => !target.roleIds.includes(id)),
      ...target.roleIds.filter((id) => !next.includes(id)),
    ];
    if (changed.length === 0) return target.roleIds;
    requirePermission(actor.permissions, Permission.MANAGE_ROLES);
    const unknown = next.filter((id) => id === actor.guild.id || !actor.roles.has(id));
    if (unknown.length > 0) throw fieldError('roles', 'UNKNOWN_ROLE', `Unknown role: ${unknown.join(', ')}`);
    for (const id of changed) {
      // A role deleted meanwhile may linger on the member; dropping it needs no rights.
      if (!actor.roles.has(id)) continue;
      this.requireHandOut(actor, id);
    }
    return next;
  }

  private requireHandOut(actor: GuildContext, roleId: string): void {
    const role = actor.roles.get(roleId);
    if (role === undefined || role.id === actor.guild.id) throw new DomainError(ErrorCode.UnknownRole);
    requireAssignable(role);
    requireManageableRole(actor, role);
  }

  private async apply(target: MemberRecord, patch: MemberPatch): Promise<MemberView> {
    const user = await this.requireUser(target.userId);
    if (Object.keys(patch).length === 0) return { member: target, user };
    const updated = await this.deps.store.guilds.updateMember(target.guildId, target.userId, patch);
    if (updated === undefined) throw new DomainError(ErrorCode.UnknownMember);
    this.announce.memberUpdated(updated, user);
    return { member: updated, user };
  }

  private async requireMember(actor: GuildContext, userId: string): Promise<MemberRecord> {
    if (userId === actor.member.userId) return actor.member;
    const member = await this.deps.store.guilds.getMember(actor.guild.id, userId);
    if (member === undefined) throw new DomainError(ErrorCode.UnknownMember);
    return member;
  }

  private async requireUser(userId: string): Promise<UserRecord> {
    const user = await this.deps.store.users.get(userId);
    if (user === undefined) throw new DomainError(ErrorCode.UnknownMember);
    return user;
  }

  private async view(member: MemberRecord): Promise<MemberView> {
    return { member, user: await this.requireUser(member.userId) };
  }

  private async withUsers(members: readonly MemberRecord[]): Promise<MemberView[]> {
    const users = new Map((await this.deps.store.users.getMany(members.map((m) => m.userId))).map((u) => [u.id, u]));
    return members.flatMap((member) => {
      const user = users.get(member.userId);
      return user === undefined ? [] : [{ member, user }];
    });
  }
}
