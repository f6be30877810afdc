import { ALL_PERMISSIONS, Permission, type Channel, type Guild, type GuildMember } from '@concord/protocol';

/** Discord's permission algorithm: the @everyone role, the member's roles, owner and ADMINISTRATOR. */
export function guildPermissions(guild: Guild | undefined, member: GuildMember | undefined, userId: string): bigint {
  if (guild === undefined) return 0n;
  if (guild.owner_id === userId) return ALL_PERMISSIONS;
  let perms = 0n;
  for (const role of guild.roles) {
    if (role.id === guild.id || member?.roles.includes(role.id) === true) perms |= BigInt(role.permissions);
  }
  return (perms & Permission.ADMINISTRATOR) !== 0n ? ALL_PERMISSIONS : perms;
}

/** Guild permissions with the channel's overwrites applied (@everyone, then roles, then the member). */
export function channelPermissions(
  guild: Guild | undefined,
  member: GuildMember | undefined,
  userId: string,
  channel: Channel | undefined,
): bigint {
  let perms = guildPermissions(guild, member, userId);
  if (guild === undefined || channel === undefined || (perms & Permission.ADMINISTRATOR) !== 0n) return perms;
  if (guild.owner_id === userId) return perms;
  const overwrites = channel.permission_overwrites ?? [];
  const everyone = overwrites.find((o) => o.id === guild.id);
  if (everyone !== undefined) perms = (perms & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== guild.id && member?.roles.includes(o.id) === true) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  perms = (perms & ~deny) | allow;
  const own = overwrites.find((o) => o.type === 1 && o.id === userId);
  if (own !== undefined) perms = (perms & ~BigInt(own.deny)) | BigInt(own.allow);
  return perms;
}

export function has(perms: bigint, bit: bigint): boolean {
  return (perms & bit) === bit;
}
