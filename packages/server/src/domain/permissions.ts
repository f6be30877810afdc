import { ALL_PERMISSIONS, Permission } from '@concord/protocol';
import type { ChannelRecord, GuildRecord, MemberRecord, RoleRecord } from '../stores/records';

/**
 * Discord's permission algorithm, as documented for API v10:
 * owner → all; else @everyone | member roles; ADMINISTRATOR → all; then channel overwrites in the
 * order @everyone, member's roles (deny then allow, combined), member; finally implicit rules.
 */
export function computeBasePermissions(
  guild: GuildRecord,
  member: MemberRecord,
  roles: ReadonlyMap<string, RoleRecord>,
): bigint {
  if (guild.ownerId === member.userId) return ALL_PERMISSIONS;
  let permissions = roles.get(guild.id)?.permissions ?? 0n;
  for (const roleId of member.roleIds) {
    const role = roles.get(roleId);
    if (role !== undefined) permissions |= role.permissions;
  }
  if ((permissions & Permission.ADMINISTRATOR) !== 0n) return ALL_PERMISSIONS;
  return permissions;
}

/**
 * What an overwrite can change. ADMINISTRATOR is a guild-level power only (Discord rejects it in
 * overwrites): granted by an overwrite it would let a channel escape the implicit rules below.
 */
const OVERWRITABLE: bigint = ALL_PERMISSIONS & ~Permission.ADMINISTRATOR;

export function computeChannelPermissions(
  base: bigint,
  guildId: string,
  member: MemberRecord,
  channel: Pick<ChannelRecord, 'overwrites' | 'type'>,
): bigint {
  if ((base & Permission.ADMINISTRATOR) !== 0n) return ALL_PERMISSIONS;
  let permissions = base;
  const everyone = channel.overwrites.find((o) => o.type === 0 && o.id === guildId);
  if (everyone !== undefined) {
    permissions &= ~everyone.deny;
    permissions |= everyone.allow & OVERWRITABLE;
  }
  let allow = 0n;
  let deny = 0n;
  for (const overwrite of channel.overwrites) {
    if (overwrite.type === 0 && overwrite.id !== guildId && member.roleIds.includes(overwrite.id)) {
      allow |= overwrite.allow;
      deny |= overwrite.deny;
    }
  }
  permissions &= ~deny;
  permissions |= allow & OVERWRITABLE;
  const own = channel.overwrites.find((o) => o.type === 1 && o.id === member.userId);
  if (own !== undefined) {
    permissions &= ~own.deny;
    permissions |= own.allow & OVERWRITABLE;
  }
  return applyImplicitPermissions(permissions);
}

/**
 * Discord's implicit rules: without VIEW_CHANNEL nothing else applies; without SEND_MESSAGES the
 * permissions that only make sense when sending are dropped too.
 */
export function applyImplicitPermissions(permissions: bigint): bigint {
  if ((permissions & Permission.ADMINISTRATOR) !== 0n) return permissions;
  if ((permissions & Permission.VIEW_CHANNEL) === 0n) return 0n;
  if ((permissions & Permission.SEND_MESSAGES) === 0n) {
    return (
      permissions &
      ~(Permission.MENTION_EVERYONE | Permission.SEND_TTS_MESSAGES | Permission.ATTACH_FILES | Permission.EMBED_LINKS)
    );
  }
  return permissions;
}

/** The highest position among the member's roles (@everyone is 0); the owner outranks everyone. */
export function highestRolePosition(
  guild: GuildRecord,
  member: MemberRecord,
  roles: ReadonlyMap<string, RoleRecord>,
): number {
  if (guild.ownerId === member.userId) return Number.MAX_SAFE_INTEGER;
  let highest = 0;
  for (const roleId of member.roleIds) {
    const role = roles.get(roleId);
    if (role !== undefined && role.position > highest) highest = role.position;
  }
  return highest;
}

/** Permissions in a DM or group DM: what a recipient may do there. */
export const PRIVATE_CHANNEL_PERMISSIONS: bigint =
  Permission.VIEW_CHANNEL |
  Permission.SEND_MESSAGES |
  Permission.READ_MESSAGE_HISTORY |
  Permission.ADD_REACTIONS |
  Permission.EMBED_LINKS |
  Permission.ATTACH_FILES |
  Permission.USE_EXTERNAL_EMOJIS |
  Permission.SEND_TTS_MESSAGES;
