import {
  ErrorCode,
  Limits,
  Permission,
  type ErrorTree,
  type RoleBody,
  type RolePositionsBody,
} from '@concord/protocol';
import { DomainError, fieldError } from '../../domain/errors';
import type { Store } from '../../stores/ports';
import type { RoleRecord } from '../../stores/records';
import { requirePermission, type GuildContext } from '../AccessService';
import type { ServiceDeps } from '../index';
import type { GuildAnnouncer } from './GuildAnnouncer';
import { isOwner, knownPermissions, requireGrantable, requireManageableRole } from './guildRules';
import { denseRanks, planReorder, type PositionChange } from './roleOrder';
import { announceMoves, deleteRoleCompacting, insertRoleAtBottom } from './roleWrites';

const EVERYONE_NAME_FIXED = () => fieldError('name', 'ROLE_NAME_FIXED', 'The @everyone role cannot be renamed.');

/**
 * Roles: MANAGE_ROLES, and the hierarchy — a member below the owner only touches roles strictly
 * below their own highest role, and only hands out permission bits they hold.
 */
export class RoleService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly announce: GuildAnnouncer,
  ) {}

  /** Every member may see the guild's roles. */
  async list(userId: string, guildId: string): Promise<RoleRecord[]> {
    const actor = await this.deps.access.guildContext(userId, guildId);
    return [...actor.roles.values()];
  }

  /** A new role, just above @everyone; without `permissions` it copies @everyone's, as Discord does. */
  async create(userId: string, guildId: string, body: RoleBody): Promise<RoleRecord> {
    const actor = await this.manager(userId, guildId);
    if (actor.roles.size >= Limits.rolesPerGuild) throw new DomainError(ErrorCode.MaxRoles);
    const everyone = actor.roles.get(guildId);
    const permissions =
      body.permissions !== undefined ? knownPermissions(body.permissions) : (everyone?.permissions ?? 0n);
    requireGrantable(actor, permissions);
    const name = body.name === undefined ? 'new role' : requireRoleName(body.name);
    return insertRoleAtBottom(this.deps.store, this.announce, {
      id: this.deps.ids.next(),
      guildId,
      name,
      color: body.color ?? 0,
      hoist: body.hoist ?? false,
      position: 1,
      permissions,
      mentionable: body.mentionable ?? false,
      managed: false,
    });
  }

  async modify(userId: string, guildId: string, roleId: string, body: RoleBody): Promise<RoleRecord> {
    const actor = await this.manager(userId, guildId);
    const role = requireRole(actor, roleId);
    requireManageableRole(actor, role);
    const patch: Parameters<Store['guilds']['updateRole']>[2] = {};
    if (body.name !== undefined && body.name !== role.name) {
      if (role.id === guildId) throw EVERYONE_NAME_FIXED();
      patch.name = requireRoleName(body.name);
    }
    if (body.permissions !== undefined) {
      const permissions = knownPermissions(body.permissions);
      // Neither granting nor revoking bits the actor lacks: both would act beyond their own power.
      requireGrantable(actor, permissions ^ role.permissions);
      patch.permissions = permissions;
    }
    if (body.color !== undefined) patch.color = body.color;
    if (body.hoist !== undefined) patch.hoist = body.hoist;
    if (body.mentionable !== undefined) patch.mentionable = body.mentionable;
    if (Object.keys(patch).length === 0) return role;
    const updated = await this.deps.store.guilds.updateRole(guildId, roleId, patch);
    if (updated === undefined) throw new DomainError(ErrorCode.UnknownRole);
    this.announce.roleUpdated(updated);
    return updated;
  }

  /**
   * Moves roles (Discord's `PATCH /guilds/:id/roles`). @everyone stays at 0; a member below the
   * owner may only move roles that are below their highest role, to positions below it.
   */
  async reorder(userId: string, guildId: string, body: RolePositionsBody): Promise<RoleRecord[]> {
    const actor = await this.manager(userId, guildId);
    const ranks = denseRanks(actor.roles.values(), guildId);
    const { order, changes } = planReorder(actor.roles.values(), guildId, parseMoves(actor, guildId, body));
    if (!isOwner(actor)) {
      // Checked on the outcome, whatever the request: every role that ends up elsewhere was below
      // the actor's highest role and still is.
      const actorRank = Math.max(0, ...actor.member.roleIds.map((id) => ranks.get(id) ?? 0));
      order.forEach((role, index) => {
        const before = ranks.get(role.id) ?? 0;
        if (before !== index + 1 && (before >= actorRank || index + 1 >= actorRank)) {
          throw new DomainError(ErrorCode.MissingPermissions);
        }
      });
    }
    await this.deps.store.guilds.setRolePositions(guildId, changes);
    announceMoves(this.announce, order, changes);
    const everyone = actor.roles.get(guildId);
    const reordered = order.map((role, index) => ({ ...role, position: index + 1 }));
    return everyone === undefined ? reordered : [everyone, ...reordered];
  }

  async delete(userId: string, guildId: string, roleId: string): Promise<void> {
    const actor = await this.manager(userId, guildId);
    const role = requireRole(actor, roleId);
    if (role.id === guildId) throw fieldError('role_id', 'ROLE_REQUIRED', 'The @everyone role cannot be deleted.');
    if (role.managed) throw new DomainError(ErrorCode.MissingPermissions, 'A managed role goes away with its bot');
    requireManageableRole(actor, role);
    if (!(await deleteRoleCompacting(this.deps.store, this.announce, guildId, roleId))) {
      throw new DomainError(ErrorCode.UnknownRole);
    }
  }

  private async manager(userId: string, guildId: string): Promise<GuildContext> {
    const actor = await this.deps.access.guildContext(userId, guildId);
    requirePermission(actor.permissions, Permission.MANAGE_ROLES);
    return actor;
  }
}

function requireRole(actor: GuildContext, roleId: string): RoleRecord {
  const role = actor.roles.get(roleId);
  if (role === undefined) throw new DomainError(ErrorCode.UnknownRole);
  return role;
}

function requireRoleName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw fieldError('name', 'BASE_TYPE_REQUIRED', 'A role needs a name.');
  return trimmed;
}

/** Validates the body of a reorder; later entries for the same role win. */
function parseMoves(actor: GuildContext, everyoneId: string, body: RolePositionsBody): PositionChange[] {
  const errors: ErrorTree = {};
  const moves = new Map<string, number>();
  body.forEach((entry, index) => {
    if (!actor.roles.has(entry.id)) {
      errors[String(index)] = { id: { _errors: [{ code: 'UNKNOWN_ROLE', message: 'Unknown role.' }] } };
      return;
    }
    if (entry.position === undefined || entry.position === null) return;
    if (entry.id === everyoneId) {
      if (entry.position !== 0) {
        errors[String(index)] = {
          position: { _errors: [{ code: 'ROLE_POSITION_FIXED', message: 'The @everyone role cannot be moved.' }] },
        };
      }
      return;
    }
    if (entry.position < 1) {
      errors[String(index)] = {
        position: { _errors: [{ code: 'NUMBER_TYPE_MIN', message: 'Only @everyone sits at position 0.' }] },
      };
      return;
    }
    moves.set(entry.id, entry.position);
  });
  if (Object.keys(errors).length > 0) throw new DomainError(ErrorCode.InvalidFormBody, undefined, errors);
  return [...moves].map(([id, position]) => ({ id, position }));
}
