import type { GatewayGuild, Guild, MessageDeleteEvent } from '@concord/protocol';
import type { EventPublisher, EventRoute } from '../../domain/events';
import type { BanRecord, InviteRecord, MemberRecord, RoleRecord, UserRecord } from '../../stores/records';
import {
  toGuildDeleteEvent,
  toGuildMemberEvent,
  toGuildRoleDeleteEvent,
  toGuildRoleEvent,
  toGuildUserEvent,
  toInviteCreateEvent,
  toInviteDeleteEvent,
} from '../../wire/guilds';

const guildRoute = (guildId: string, channelId?: string): EventRoute =>
  channelId === undefined ? { kind: 'guild', guildId } : { kind: 'guild', guildId, channelId };
const userRoute = (userId: string): EventRoute => ({ kind: 'users', userIds: [userId] });

/**
 * The gateway events of the guild domain, published after each committed change. One method per
 * change so every caller sends the same events to the same routes; in particular, whoever stops
 * being a member also hears GUILD_DELETE on their own route, so all their devices drop the guild.
 */
export class GuildAnnouncer {
  constructor(private readonly events: EventPublisher) {}

  guildCreated(userId: string, data: GatewayGuild): void {
    this.events.publish({ type: 'GUILD_CREATE', data, route: userRoute(userId) });
  }

  guildUpdated(guildId: string, data: Guild): void {
    this.events.publish({ type: 'GUILD_UPDATE', data, route: guildRoute(guildId) });
  }

  guildDeleted(guildId: string): void {
    this.events.publish({ type: 'GUILD_DELETE', data: toGuildDeleteEvent(guildId), route: guildRoute(guildId) });
  }

  memberAdded(member: MemberRecord, user: UserRecord): void {
    this.events.publish({
      type: 'GUILD_MEMBER_ADD',
      data: toGuildMemberEvent(member, user),
      route: guildRoute(member.guildId),
    });
  }

  memberUpdated(member: MemberRecord, user: UserRecord): void {
    this.events.publish({
      type: 'GUILD_MEMBER_UPDATE',
      data: toGuildMemberEvent(member, user),
      route: guildRoute(member.guildId),
    });
  }

  /** The member left, was kicked or was banned. */
  memberRemoved(guildId: string, user: UserRecord): void {
    this.events.publish({
      type: 'GUILD_MEMBER_REMOVE',
      data: toGuildUserEvent(guildId, user),
      route: guildRoute(guildId),
    });
    this.events.publish({ type: 'GUILD_DELETE', data: toGuildDeleteEvent(guildId), route: userRoute(user.id) });
  }

  roleCreated(role: RoleRecord): void {
    this.events.publish({ type: 'GUILD_ROLE_CREATE', data: toGuildRoleEvent(role), route: guildRoute(role.guildId) });
  }

  roleUpdated(role: RoleRecord): void {
    this.events.publish({ type: 'GUILD_ROLE_UPDATE', data: toGuildRoleEvent(role), route: guildRoute(role.guildId) });
  }

  roleDeleted(guildId: string, roleId: string): void {
    this.events.publish({
      type: 'GUILD_ROLE_DELETE',
      data: toGuildRoleDeleteEvent(guildId, roleId),
      route: guildRoute(guildId),
    });
  }

  banAdded(ban: BanRecord, user: UserRecord): void {
    this.events.publish({
      type: 'GUILD_BAN_ADD',
      data: toGuildUserEvent(ban.guildId, user),
      route: guildRoute(ban.guildId),
    });
  }

  banRemoved(guildId: string, user: UserRecord): void {
    this.events.publish({
      type: 'GUILD_BAN_REMOVE',
      data: toGuildUserEvent(guildId, user),
      route: guildRoute(guildId),
    });
  }

  inviteCreated(invite: InviteRecord, inviter: UserRecord | undefined): void {
    this.events.publish({
      type: 'INVITE_CREATE',
      data: toInviteCreateEvent(invite, inviter),
      route: guildRoute(invite.guildId, invite.channelId),
    });
  }

  inviteDeleted(invite: InviteRecord): void {
    this.events.publish({
      type: 'INVITE_DELETE',
      data: toInviteDeleteEvent(invite),
      route: guildRoute(invite.guildId, invite.channelId),
    });
  }

  messageDeleted(guildId: string, channelId: string, data: MessageDeleteEvent): void {
    this.events.publish({ type: 'MESSAGE_DELETE', data, route: guildRoute(guildId, channelId) });
  }
}
