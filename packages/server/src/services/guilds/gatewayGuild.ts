import { Permission, type GatewayGuild } from '@concord/protocol';
import { computeBasePermissions, computeChannelPermissions } from '../../domain/permissions';
import type { Store } from '../../stores/ports';
import { toGuildChannel } from '../../wire/channels';
import { compareIds, toGatewayGuild } from '../../wire/guilds';

/**
 * Up to this many members, GUILD_CREATE carries the whole member list (Discord's default
 * `large_threshold`); larger guilds send only the recipient and let clients ask for more.
 */
export const LARGE_GUILD_THRESHOLD = 50;

/**
 * The GUILD_CREATE payload for one member: the guild, its roles, the channels that member may view,
 * and the members of a small guild. Undefined when the guild or the membership is gone.
 */
export async function buildGatewayGuild(
  store: Store,
  guildId: string,
  userId: string,
): Promise<GatewayGuild | undefined> {
  const [guild, member, roles, channels, memberCount] = await Promise.all([
    store.guilds.get(guildId),
    store.guilds.getMember(guildId, userId),
    store.guilds.listRoles(guildId),
    store.channels.listForGuild(guildId),
    store.guilds.countMembers(guildId),
  ]);
  if (guild === undefined || member === undefined) return undefined;
  const roleMap = new Map(roles.map((role) => [role.id, role]));
  const base = computeBasePermissions(guild, member, roleMap);
  const visible = channels
    .filter((channel) => (computeChannelPermissions(base, guild.id, member, channel) & Permission.VIEW_CHANNEL) !== 0n)
    .sort((a, b) => a.position - b.position || compareIds(a.id, b.id));
  const large = memberCount > LARGE_GUILD_THRESHOLD;
  const memberRecords = large ? [member] : await store.guilds.listMembers(guildId, { limit: LARGE_GUILD_THRESHOLD });
  const users = new Map((await store.users.getMany(memberRecords.map((m) => m.userId))).map((u) => [u.id, u]));
  const members = memberRecords.flatMap((m) => {
    const user = users.get(m.userId);
    return user === undefined ? [] : [{ member: m, user }];
  });
  return toGatewayGuild({
    guild,
    roles,
    member,
    memberCount,
    channels: visible.map(toGuildChannel),
    members,
    large,
  });
}
