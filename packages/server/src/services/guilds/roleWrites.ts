import type { Store } from '../../stores/ports';
import type { RoleRecord } from '../../stores/records';
import type { GuildAnnouncer } from './GuildAnnouncer';
import { planInsertAtBottom, planRemove, type PositionChange } from './roleOrder';

/**
 * Role writes that move other roles: shared by role management, bot authorization (which creates a
 * managed role) and member removal (which drops a departing bot's managed role).
 */

/** Creates `role` just above @everyone, moving the others up; announces every change. */
export async function insertRoleAtBottom(
  store: Store,
  announce: GuildAnnouncer,
  role: RoleRecord,
): Promise<RoleRecord> {
  const existing = await store.guilds.listRoles(role.guildId);
  const shifts = planInsertAtBottom(existing, role.guildId);
  // Room first, then the role: a failure in between leaves a harmless gap, never two roles at one rank.
  await store.guilds.setRolePositions(role.guildId, shifts);
  const created: RoleRecord = { ...role, position: 1 };
  await store.guilds.createRole(created);
  announce.roleCreated(created);
  announceMoves(announce, existing, shifts);
  return created;
}

/** Deletes a role (the store strips it from members and overwrites) and closes the gap it leaves. */
export async function deleteRoleCompacting(
  store: Store,
  announce: GuildAnnouncer,
  guildId: string,
  roleId: string,
): Promise<boolean> {
  if (!(await store.guilds.deleteRole(guildId, roleId))) return false;
  announce.roleDeleted(guildId, roleId);
  const remaining = await store.guilds.listRoles(guildId);
  const shifts = planRemove(remaining, guildId, roleId);
  await store.guilds.setRolePositions(guildId, shifts);
  announceMoves(announce, remaining, shifts);
  return true;
}

/** GUILD_ROLE_UPDATE for every role whose position changed. */
export function announceMoves(
  announce: GuildAnnouncer,
  roles: readonly RoleRecord[],
  changes: readonly PositionChange[],
): RoleRecord[] {
  const byId = new Map(roles.map((role) => [role.id, role]));
  const moved: RoleRecord[] = [];
  for (const change of changes) {
    const role = byId.get(change.id);
    if (role === undefined) continue;
    const updated = { ...role, position: change.position };
    moved.push(updated);
    announce.roleUpdated(updated);
  }
  return moved;
}
