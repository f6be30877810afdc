import type {
  Ban,
  Channel,
  GatewayGuild,
  Guild,
  GuildDeleteEvent,
  GuildMember,
  GuildMemberEvent,
  GuildRoleDeleteEvent,
  GuildRoleEvent,
  GuildUserEvent,
  Invite,
  InviteCreateEvent,
  InviteDeleteEvent,
  PartialGuild,
  Role,
} from '@concord/protocol';
import type {
  BanRecord,
  ChannelRecord,
  GuildRecord,
  InviteRecord,
  MemberRecord,
  RoleRecord,
  UserRecord,
} from '../stores/records';
import { isoTime, toUser } from './users';

/**
 * Storage → wire conversion for guilds, roles, members, bans and invites, for HTTP responses and
 * gateway events alike. Fields Concord does not implement carry Discord's neutral values so that
 * bot libraries parse them without special cases.
 */

/** Roles in hierarchy order (lowest first); equal positions fall back to id, as Discord sorts them. */
export function sortRoles(roles: Iterable<RoleRecord>): RoleRecord[] {
  return [...roles].sort((a, b) => a.position - b.position || compareIds(a.id, b.id));
}

export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

export function toRole(role: RoleRecord): Role {
  return {
    id: role.id,
    name: role.name,
    color: role.color,
    hoist: role.hoist,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: role.managed,
    mentionable: role.mentionable,
    flags: 0,
  };
}

export interface GuildExtras {
  /** The viewer's guild-level permissions; only for responses to that viewer, never broadcasts. */
  permissions?: bigint;
  memberCount?: number;
}

export function toGuild(guild: GuildRecord, roles: Iterable<RoleRecord>, extras: GuildExtras = {}): Guild {
  const wire: Guild = {
    id: guild.id,
    name: guild.name,
    icon: guild.icon,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: sortRoles(roles).map(toRole),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: guild.systemChannelId,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: guild.description,
    banner: null,
    premium_tier: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
  };
  if (extras.permissions !== undefined) wire.permissions = extras.permissions.toString();
  if (extras.memberCount !== undefined) wire.approximate_member_count = extras.memberCount;
  return wire;
}

/** An entry of `GET /users/@me/guilds`. */
export function toPartialGuild(guild: GuildRecord, viewerId: string, permissions: bigint): PartialGuild {
  return {
    id: guild.id,
    name: guild.name,
    icon: guild.icon,
    owner: guild.ownerId === viewerId,
    permissions: permissions.toString(),
    features: [],
  };
}

export function toGuildMember(member: MemberRecord, user: UserRecord): GuildMember {
  return { user: toUser(user), ...toPartialMember(member) };
}

/** A member without its user: what Discord attaches to guild message and typing events. */
export function toPartialMember(member: MemberRecord): Omit<GuildMember, 'user'> {
  return {
    nick: member.nick,
    avatar: null,
    roles: [...member.roleIds],
    joined_at: isoTime(member.joinedAt),
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

/** `GUILD_MEMBER_ADD` / `GUILD_MEMBER_UPDATE` payload. */
export function toGuildMemberEvent(member: MemberRecord, user: UserRecord): GuildMemberEvent {
  return { ...toGuildMember(member, user), guild_id: member.guildId };
}

/** `GUILD_MEMBER_REMOVE`, `GUILD_BAN_ADD` and `GUILD_BAN_REMOVE` payload. */
export function toGuildUserEvent(guildId: string, user: UserRecord): GuildUserEvent {
  return { guild_id: guildId, user: toUser(user) };
}

export function toGuildRoleEvent(role: RoleRecord): GuildRoleEvent {
  return { guild_id: role.guildId, role: toRole(role) };
}

export function toGuildRoleDeleteEvent(guildId: string, roleId: string): GuildRoleDeleteEvent {
  return { guild_id: guildId, role_id: roleId };
}

/** `GUILD_DELETE` for a guild that is gone for the recipient (deleted, left, kicked, banned). */
export function toGuildDeleteEvent(guildId: string): GuildDeleteEvent {
  return { id: guildId };
}

export function toBan(ban: BanRecord, user: UserRecord): Ban {
  return { reason: ban.reason, user: toUser(user) };
}

export interface InviteContext {
  guild: GuildRecord;
  channel: ChannelRecord;
  inviter: UserRecord | undefined;
  memberCount?: number;
}

/**
 * An invite; `withMetadata` adds uses, limits and creation time, which only those who may manage
 * invites (and the creator, in the create response) are shown.
 */
export function toInvite(invite: InviteRecord, context: InviteContext, withMetadata: boolean): Invite {
  const { guild, channel, inviter } = context;
  const wire: Invite = {
    type: 0,
    code: invite.code,
    guild: { id: guild.id, name: guild.name, icon: guild.icon, description: guild.description, features: [] },
    channel: { id: channel.id, name: channel.name, type: channel.type },
    expires_at: invite.expiresAt === null ? null : isoTime(invite.expiresAt),
  };
  if (inviter !== undefined) wire.inviter = toUser(inviter);
  if (context.memberCount !== undefined) wire.approximate_member_count = context.memberCount;
  if (withMetadata) {
    wire.uses = invite.uses;
    wire.max_uses = invite.maxUses;
    wire.max_age = invite.maxAge;
    wire.temporary = invite.temporary;
    wire.created_at = isoTime(invite.createdAt);
  }
  return wire;
}

export function toInviteCreateEvent(invite: InviteRecord, inviter: UserRecord | undefined): InviteCreateEvent {
  const wire: InviteCreateEvent = {
    channel_id: invite.channelId,
    guild_id: invite.guildId,
    code: invite.code,
    created_at: isoTime(invite.createdAt),
    expires_at: invite.expiresAt === null ? null : isoTime(invite.expiresAt),
    max_age: invite.maxAge,
    max_uses: invite.maxUses,
    temporary: invite.temporary,
    uses: invite.uses,
  };
  if (inviter !== undefined) wire.inviter = toUser(inviter);
  return wire;
}

export function toInviteDeleteEvent(invite: InviteRecord): InviteDeleteEvent {
  return { channel_id: invite.channelId, guild_id: invite.guildId, code: invite.code };
}

export interface GatewayGuildParts {
  guild: GuildRecord;
  roles: Iterable<RoleRecord>;
  /** The recipient's own membership. */
  member: MemberRecord;
  memberCount: number;
  /** Already filtered to what the recipient may view, and converted. */
  channels: Channel[];
  /** Members with their users; the full list for a small guild, else just the recipient. */
  members: ReadonlyArray<{ member: MemberRecord; user: UserRecord }>;
  large: boolean;
}

/** `GUILD_CREATE`: the guild as one member first sees it. */
export function toGatewayGuild(parts: GatewayGuildParts): GatewayGuild {
  return {
    ...toGuild(parts.guild, parts.roles),
    joined_at: isoTime(parts.member.joinedAt),
    large: parts.large,
    unavailable: false,
    member_count: parts.memberCount,
    members: parts.members.map(({ member, user }) => toGuildMember(member, user)),
    channels: parts.channels,
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
  };
}
