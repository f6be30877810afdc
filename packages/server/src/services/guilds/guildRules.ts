import { ALL_PERMISSIONS, ErrorCode } from '@concord/protocol';
import { DomainError } from '../../domain/errors';
import { highestRolePosition } from '../../domain/permissions';
import type { MemberRecord, RoleRecord } from '../../stores/records';
import { requireOutranks, type GuildContext } from '../AccessService';

/**
 * The guild's hierarchy rules in one place: who outranks whom, which roles and permission bits a
 * member may hand out. Every refusal is 403 50013, as on Discord.
 */

export function isOwner(actor: GuildContext): boolean {
  return actor.guild.ownerId === actor.member.userId;
}

export function requireOwner(actor: GuildContext): void {
  if (!isOwner(actor)) throw new DomainError(ErrorCode.MissingPermissions);
}

/** The rank of another member, for `requireOutranks`; the owner outranks everyone. */
export function rankOf(actor: GuildContext, target: MemberRecord): number {
  return highestRolePosition(actor.guild, target, actor.roles);
}

/**
 * May the actor act on this member (kick, ban, rename)? Never on the owner; otherwise only on
 * members strictly below the actor's highest role.
 */
export function requireOutranksMember(actor: GuildContext, target: MemberRecord): void {
  if (target.userId === actor.guild.ownerId) throw new DomainError(ErrorCode.MissingPermissions);
  requireOutranks(actor, rankOf(actor, target));
}

/** May the actor create, edit, delete or hand out this role? Only roles strictly below their own. */
export function requireManageableRole(actor: GuildContext, role: RoleRecord): void {
  requireOutranks(actor, role.position);
}

/** Permission bits beyond our catalogue are dropped rather than stored. */
export function knownPermissions(decimal: string): bigint {
  return BigInt(decimal) & ALL_PERMISSIONS;
}

/**
 * A member cannot grant (or take away) permission bits they do not hold themselves; owners and
 * administrators hold every bit.
 */
export function requireGrantable(actor: GuildContext, bits: bigint): void {
  if ((bits & ~actor.permissions) !== 0n) throw new DomainError(ErrorCode.MissingPermissions);
}

/** Managed roles belong to a bot integration: nobody adds them to or removes them from members. */
export function requireAssignable(role: RoleRecord): void {
  if (role.managed) throw new DomainError(ErrorCode.MissingPermissions, 'Cannot assign or remove a managed role');
}
