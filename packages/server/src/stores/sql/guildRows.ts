import type { Insertable, Selectable } from 'kysely';
import type { BanRecord, GuildRecord, InviteRecord, MemberRecord, RoleRecord } from '../records';
import { fromBool, fromIdList, toBigInt, toBool, toId, toIdList, toInt, toNullableId, toNullableInt } from './columns';
import type { BansTable, GuildsTable, InvitesTable, MembersTable, RolesTable } from './schema/guilds';

export function guildFromRow(row: Selectable<GuildsTable>): GuildRecord {
  return {
    id: toId(row.id),
    name: row.name,
    icon: row.icon,
    description: row.description,
    ownerId: toId(row.owner_id),
    systemChannelId: toNullableId(row.system_channel_id),
    createdAt: toInt(row.created_at),
  };
}

export function guildToRow(guild: GuildRecord): Insertable<GuildsTable> {
  return {
    id: guild.id,
    name: guild.name,
    icon: guild.icon,
    description: guild.description,
    owner_id: guild.ownerId,
    system_channel_id: guild.systemChannelId,
    created_at: guild.createdAt,
  };
}

export function roleFromRow(row: Selectable<RolesTable>): RoleRecord {
  return {
    id: toId(row.id),
    guildId: toId(row.guild_id),
    name: row.name,
    color: toInt(row.color),
    hoist: toBool(row.hoist),
    position: toInt(row.position),
    permissions: toBigInt(row.permissions),
    mentionable: toBool(row.mentionable),
    managed: toBool(row.managed),
  };
}

export function roleToRow(role: RoleRecord): Insertable<RolesTable> {
  return {
    id: role.id,
    guild_id: role.guildId,
    name: role.name,
    color: role.color,
    hoist: fromBool(role.hoist),
    position: role.position,
    permissions: role.permissions.toString(),
    mentionable: fromBool(role.mentionable),
    managed: fromBool(role.managed),
  };
}

export function memberFromRow(row: Selectable<MembersTable>): MemberRecord {
  return {
    guildId: toId(row.guild_id),
    userId: toId(row.user_id),
    nick: row.nick,
    roleIds: toIdList(row.role_ids),
    joinedAt: toInt(row.joined_at),
  };
}

export function memberToRow(member: MemberRecord): Insertable<MembersTable> {
  return {
    guild_id: member.guildId,
    user_id: member.userId,
    nick: member.nick,
    role_ids: fromIdList(member.roleIds),
    joined_at: member.joinedAt,
  };
}

export function banFromRow(row: Selectable<BansTable>): BanRecord {
  return {
    guildId: toId(row.guild_id),
    userId: toId(row.user_id),
    reason: row.reason,
    createdAt: toInt(row.created_at),
  };
}

export function banToRow(ban: BanRecord): Insertable<BansTable> {
  return { guild_id: ban.guildId, user_id: ban.userId, reason: ban.reason, created_at: ban.createdAt };
}

export function inviteFromRow(row: Selectable<InvitesTable>): InviteRecord {
  return {
    code: row.code,
    guildId: toId(row.guild_id),
    channelId: toId(row.channel_id),
    inviterId: toId(row.inviter_id),
    maxAge: toInt(row.max_age),
    maxUses: toInt(row.max_uses),
    uses: toInt(row.uses),
    temporary: toBool(row.temporary),
    createdAt: toInt(row.created_at),
    expiresAt: toNullableInt(row.expires_at),
  };
}

export function inviteToRow(invite: InviteRecord): Insertable<InvitesTable> {
  return {
    code: invite.code,
    guild_id: invite.guildId,
    channel_id: invite.channelId,
    inviter_id: invite.inviterId,
    max_age: invite.maxAge,
    max_uses: invite.maxUses,
    uses: invite.uses,
    temporary: fromBool(invite.temporary),
    created_at: invite.createdAt,
    expires_at: invite.expiresAt,
  };
}
