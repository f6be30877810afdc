import {
  ALL_PERMISSIONS,
  ChannelType,
  DEFAULT_EVERYONE_PERMISSIONS,
  ErrorCode,
  Permission,
  type CreateGuildBody,
  type GatewayGuild,
  type ModifyGuildBody,
  type MyGuildsQuery,
} from '@concord/protocol';
import { DomainError, fieldError } from '../domain/errors';
import { computeBasePermissions } from '../domain/permissions';
import type { Store } from '../stores/ports';
import type { ChannelRecord, GuildRecord, RoleRecord, UserRecord } from '../stores/records';
import { compareIds, toGuild } from '../wire/guilds';
import { requirePermission } from './AccessService';
import { BanService } from './guilds/BanService';
import { BotAuthorizationService } from './guilds/BotAuthorizationService';
import { buildGatewayGuild } from './guilds/gatewayGuild';
import { GuildAnnouncer } from './guilds/GuildAnnouncer';
import { isOwner, requireOwner } from './guilds/guildRules';
import { InviteService } from './guilds/InviteService';
import { MemberService } from './guilds/MemberService';
import { Membership } from './guilds/Membership';
import { RoleService } from './guilds/RoleService';
import type { ServiceDeps } from './index';

/** A guild as one member sees it. */
export interface GuildView {
  guild: GuildRecord;
  roles: RoleRecord[];
  /** The viewer's guild-level permissions. */
  permissions: bigint;
  memberCount?: number;
}

export interface GuildListEntry {
  guild: GuildRecord;
  permissions: bigint;
}

const MY_GUILDS_PAGE = 200;

/**
 * Guilds: their lifecycle here, and the parts of a guild in their own services — roles, members,
 * bans, invites and bot authorization. Every operation resolves the caller's access through
 * AccessService first and publishes its gateway events after the store has committed.
 */
export class GuildService {
  readonly roles: RoleService;
  readonly members: MemberService;
  readonly bans: BanService;
  readonly invites: InviteService;
  readonly bots: BotAuthorizationService;
  private readonly announce: GuildAnnouncer;
  private readonly membership: Membership;

  constructor(private readonly deps: ServiceDeps) {
    this.announce = new GuildAnnouncer(deps.events);
    this.membership = new Membership(deps, this.announce);
    this.roles = new RoleService(deps, this.announce);
    this.members = new MemberService(deps, this.announce, this.membership);
    this.bans = new BanService(deps, this.announce, this.membership);
    this.invites = new InviteService(deps, this.announce, this.membership);
    this.bots = new BotAuthorizationService(deps, this.announce, this.membership);
  }

  /** A new guild with @everyone, its owner, and a "Text Channels" category holding #general. */
  async create(owner: UserRecord, body: CreateGuildBody): Promise<GuildView> {
    const { store, ids, clock } = this.deps;
    await this.membership.requireGuildSlot(owner);
    const now = clock.now();
    const guildId = ids.next();
    const category = newChannel(ids.next(), guildId, ChannelType.GUILD_CATEGORY, 'Text Channels', null, now);
    const general = newChannel(ids.next(), guildId, ChannelType.GUILD_TEXT, 'general', category.id, now);
    const guild: GuildRecord = {
      id: guildId,
      name: body.name,
      icon: null,
      description: body.description ?? null,
      ownerId: owner.id,
      systemChannelId: general.id,
      createdAt: now,
    };
    const everyone: RoleRecord = {
      id: guildId,
      guildId,
      name: '@everyone',
      color: 0,
      hoist: false,
      position: 0,
      permissions: DEFAULT_EVERYONE_PERMISSIONS,
      mentionable: false,
      managed: false,
    };
    await store.guilds.create({
      guild,
      everyoneRole: everyone,
      owner: { guildId, userId: owner.id, nick: null, roleIds: [], joinedAt: now },
      channels: [category, general],
    });
    await this.membership.sendGuildTo(guildId, owner.id);
    return { guild, roles: [everyone], permissions: ALL_PERMISSIONS };
  }

  async get(userId: string, guildId: string, withCounts: boolean): Promise<GuildView> {
    const actor = await this.deps.access.guildContext(userId, guildId);
    const view: GuildView = { guild: actor.guild, roles: [...actor.roles.values()], permissions: actor.permissions };
    if (withCounts) view.memberCount = await this.deps.store.guilds.countMembers(guildId);
    return view;
  }

  /** MANAGE_GUILD; handing the guild to another member is for the owner alone. */
  async update(userId: string, guildId: string, patch: ModifyGuildBody): Promise<GuildView> {
    const { store, access } = this.deps;
    const actor = await access.guildContext(userId, guildId);
    requirePermission(actor.permissions, Permission.MANAGE_GUILD);
    const changes: Parameters<Store['guilds']['update']>[1] = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.system_channel_id !== undefined) {
      if (patch.system_channel_id !== null) await this.requireTextChannelOf(guildId, patch.system_channel_id);
      changes.systemChannelId = patch.system_channel_id;
    }
    if (patch.owner_id !== undefined && patch.owner_id !== actor.guild.ownerId) {
      requireOwner(actor);
      const heir = await store.guilds.getMember(guildId, patch.owner_id);
      if (heir === undefined) {
        throw fieldError('owner_id', 'GUILD_OWNER_NOT_MEMBER', 'The new owner must be a member of the guild.');
      }
      changes.ownerId = patch.owner_id;
    }
    const roles = [...actor.roles.values()];
    if (Object.keys(changes).length === 0) return { guild: actor.guild, roles, permissions: actor.permissions };
    const updated = await store.guilds.update(guildId, changes);
    if (updated === undefined) throw new DomainError(ErrorCode.UnknownGuild);
    this.announce.guildUpdated(guildId, toGuild(updated, roles));
    return { guild: updated, roles, permissions: computeBasePermissions(updated, actor.member, actor.roles) };
  }

  /** Only the owner deletes a guild; everything in it goes too. */
  async delete(userId: string, guildId: string): Promise<void> {
    const actor = await this.deps.access.guildContext(userId, guildId);
    requireOwner(actor);
    if (!(await this.deps.store.guilds.delete(guildId))) throw new DomainError(ErrorCode.UnknownGuild);
    this.announce.guildDeleted(guildId);
  }

  /** The caller's guilds by id, with their permissions in each; `before` pages backwards. */
  async listForUser(userId: string, query: MyGuildsQuery): Promise<GuildListEntry[]> {
    const { store } = this.deps;
    const { after, before, limit = MY_GUILDS_PAGE } = query;
    let guilds = (await store.guilds.listForUser(userId)).sort((a, b) => compareIds(a.id, b.id));
    if (after !== undefined) guilds = guilds.filter((g) => compareIds(g.id, after) > 0);
    if (before !== undefined) guilds = guilds.filter((g) => compareIds(g.id, before) < 0);
    guilds = before !== undefined && after === undefined ? guilds.slice(-limit) : guilds.slice(0, limit);
    const entries = await Promise.all(
      guilds.map(async (guild) => {
        const [member, roles] = await Promise.all([
          store.guilds.getMember(guild.id, userId),
          store.guilds.listRoles(guild.id),
        ]);
        if (member === undefined) return undefined;
        const permissions = computeBasePermissions(guild, member, new Map(roles.map((r) => [r.id, r])));
        return { guild, permissions };
      }),
    );
    return entries.filter((entry): entry is GuildListEntry => entry !== undefined);
  }

  /** Leaves a guild. The owner cannot: they must transfer ownership or delete the guild. */
  async leave(user: UserRecord, guildId: string): Promise<void> {
    const actor = await this.deps.access.guildContext(user.id, guildId);
    if (isOwner(actor)) {
      throw new DomainError(
        ErrorCode.General,
        'The guild owner cannot leave the guild; transfer ownership or delete the guild instead.',
      );
    }
    await this.membership.remove(guildId, user, actor.member);
  }

  /** The GUILD_CREATE payload for one member (the gateway uses it for READY and guild sync). */
  gatewayGuild(guildId: string, userId: string): Promise<GatewayGuild | undefined> {
    return buildGatewayGuild(this.deps.store, guildId, userId);
  }

  private async requireTextChannelOf(guildId: string, channelId: string): Promise<void> {
    const channel = await this.deps.store.channels.get(channelId);
    if (channel === undefined || channel.guildId !== guildId || channel.type !== ChannelType.GUILD_TEXT) {
      throw fieldError('system_channel_id', 'CHANNEL_INVALID', 'Must be a text channel of this guild.');
    }
  }
}

function newChannel(
  id: string,
  guildId: string,
  type: number,
  name: string,
  parentId: string | null,
  now: number,
): ChannelRecord {
  return {
    id,
    type,
    guildId,
    name,
    topic: null,
    position: 0,
    parentId,
    nsfw: false,
    rateLimitPerUser: 0,
    ownerId: null,
    icon: null,
    overwrites: [],
    recipientIds: [],
    lastSeq: 0,
    lastMessageId: null,
    createdAt: now,
  };
}
