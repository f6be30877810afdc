import type { RoleRecord } from '../../stores/records';
import { sortRoles } from '../../wire/guilds';

/**
 * Role positions are kept dense: @everyone is 0 and the other roles are 1..n in hierarchy order, so
 * a position is also a rank and the hierarchy checks can compare positions directly. These pure
 * functions plan the position changes that keep it so; the caller writes them in one transaction.
 */

export interface PositionChange {
  id: string;
  position: number;
}

/** The roles other than @everyone, lowest first. */
export function rankedRoles(roles: Iterable<RoleRecord>, everyoneId: string): RoleRecord[] {
  return sortRoles(roles).filter((role) => role.id !== everyoneId);
}

function changesFor(order: readonly RoleRecord[], firstPosition: number): PositionChange[] {
  const changes: PositionChange[] = [];
  order.forEach((role, index) => {
    const position = firstPosition + index;
    if (role.position !== position) changes.push({ id: role.id, position });
  });
  return changes;
}

/** A new role goes just above @everyone (Discord's default): every other role moves up one. */
export function planInsertAtBottom(roles: Iterable<RoleRecord>, everyoneId: string): PositionChange[] {
  return changesFor(rankedRoles(roles, everyoneId), 2);
}

/** After a role is removed, the roles above it close the gap. */
export function planRemove(roles: Iterable<RoleRecord>, everyoneId: string, removedId: string): PositionChange[] {
  return changesFor(
    rankedRoles(roles, everyoneId).filter((role) => role.id !== removedId),
    1,
  );
}

/**
 * Moves roles to requested positions (clamped to 1..n). Requested roles are pinned to their slots,
 * lowest request first, a taken slot yielding the next free one; the other roles fill the remaining
 * slots in their current order. So a single move acts as "take it out, put it back there", and a
 * full list of positions, as Discord's client sends, is reproduced exactly. Returns the final order.
 */
export function planReorder(
  roles: Iterable<RoleRecord>,
  everyoneId: string,
  moves: readonly PositionChange[],
): { order: RoleRecord[]; changes: PositionChange[] } {
  const current = rankedRoles(roles, everyoneId);
  const byId = new Map(current.map((role) => [role.id, role]));
  const slots: Array<RoleRecord | undefined> = current.map(() => undefined);
  const pinned = new Set<string>();
  const requested = moves.filter((move) => byId.has(move.id)).sort((a, b) => a.position - b.position);
  for (const move of requested) {
    if (pinned.has(move.id)) continue;
    const slot = freeSlotNear(slots, Math.min(Math.max(move.position, 1), slots.length) - 1);
    slots[slot] = byId.get(move.id);
    pinned.add(move.id);
  }
  const rest = current.filter((role) => !pinned.has(role.id));
  const order = slots.map((role) => role ?? rest.shift()).filter((role): role is RoleRecord => role !== undefined);
  return { order, changes: changesFor(order, 1) };
}

/** The first free slot at or above `wanted`, else the nearest below it. */
function freeSlotNear(slots: ReadonlyArray<RoleRecord | undefined>, wanted: number): number {
  for (let slot = wanted; slot < slots.length; slot++) if (slots[slot] === undefined) return slot;
  for (let slot = wanted - 1; slot >= 0; slot--) if (slots[slot] === undefined) return slot;
  return wanted;
}

/** Dense ranks (1..n) by role id, for checks made before a reorder. */
export function denseRanks(roles: Iterable<RoleRecord>, everyoneId: string): Map<string, number> {
  return new Map(rankedRoles(roles, everyoneId).map((role, index) => [role.id, index + 1]));
}
