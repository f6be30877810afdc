import {
  ChannelType,
  ErrorCode,
  Limits,
  Permission,
  type ChannelPositionsBody,
  type CreateGuildChannelBody,
  type EditOverwriteBody,
  type ModifyChannelBody,
} from '@concord/protocol';
import { DomainError } from '../../domain/errors';
import { computeChannelPermissions } from '../../domain/permissions';
import type { ChannelStore } from '../../stores/ports';
import type { ChannelRecord, OverwriteRecord } from '../../stores/records';
import { requirePermission, type ChannelContext, type GuildContext } from '../AccessService';
import type { ServiceDeps } from '../index';
import type { GuildAnnouncer } from '../guilds/GuildAnnouncer';
import { toGuild } from '../../wire/guilds';
import type { ChannelAnnouncer } from './ChannelAnnouncer';
import { formError } from './formError';
import { parseOverwriteList, parseOverwriteTarget, requireCanChangeOverwrites } from './overwrites';

type ChannelPatch = Parameters<ChannelStore['update']>[1];

/** A guild channel resolved for a caller, with the guild context it was authorized in. */
export interface GuildChannelContext extends ChannelContext {
  guild: GuildContext;
}

/** Guild text channels and categories, their positions and permission overwrites. */
export class GuildChannels {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly announce: ChannelAnnouncer,
    private readonly guildEvents: GuildAnnouncer,
  ) {}

  /** The guild's channels the caller may view. */
  async list(userId: string, guildId: string): Promise<ChannelRecord[]> {
    const guild = await this.deps.access.guildContext(userId, guildId);
    const channels = await this.deps.store.channels.listForGuild(guildId);
    return channels.filter((channel) => canView(guild, channel));
  }

  async create(userId: string, guildId: string, body: CreateGuildChannelBody): Promise<ChannelRecord> {
    const { store, ids, clock } = this.deps;
    const guild = await this.deps.access.guildContext(userId, guildId);
    requirePermission(guild.permissions, Permission.MANAGE_CHANNELS);
    const type = body.type ?? ChannelType.GUILD_TEXT;
    const existing = await store.channels.listForGuild(guildId);
    const parent = resolveParent(guild, existing, type, body.parent_id ?? null);
    let overwrites: OverwriteRecord[];
    if (body.permission_overwrites === undefined) {
      // As on Discord: a channel created in a category starts synced with the category.
      overwrites = parent?.overwrites ?? [];
    } else {
      overwrites = await parseOverwriteList(store, guild, body.permission_overwrites);
      requireCanChangeOverwrites(guild.permissions, [], overwrites);
    }
    // Checked after validation so a bad body reads as a bad body; a concurrent create may overshoot by one.
    if (existing.length >= Limits.channelsPerGuild) throw new DomainError(ErrorCode.MaxChannels);
    const isText = type === ChannelType.GUILD_TEXT;
    const channel: ChannelRecord = {
      id: ids.next(),
      type,
      guildId,
      name: body.name,
      topic: isText ? (body.topic ?? null) : null,
      position: body.position ?? nextPosition(existing),
      parentId: parent?.id ?? null,
      nsfw: body.nsfw ?? false,
      rateLimitPerUser: isText ? (body.rate_limit_per_user ?? 0) : 0,
      ownerId: null,
      icon: null,
      overwrites,
      recipientIds: [],
      lastSeq: 0,
      lastMessageId: null,
      createdAt: clock.now(),
    };
    await store.channels.create(channel);
    this.announce.guildChannel('CHANNEL_CREATE', channel, guildId);
    return channel;
  }

  /** `PATCH /guilds/:id/channels`: positions and parents of several channels at once. */
  async setPositions(userId: string, guildId: string, body: ChannelPositionsBody): Promise<void> {
    const { store } = this.deps;
    const guild = await this.deps.access.guildContext(userId, guildId);
    requirePermission(guild.permissions, Permission.MANAGE_CHANNELS);
    const channels = await store.channels.listForGuild(guildId);
    const byId = new Map(channels.map((c) => [c.id, c]));
    const updates: Array<{ id: string; position?: number; parentId?: string | null }> = [];
    const resyncs: Array<{ id: string; overwrites: OverwriteRecord[] }> = [];
    body.forEach((entry, index) => {
      const channel = byId.get(entry.id);
      if (channel === undefined || !canView(guild, channel)) {
        throw formError([index, 'id'], 'CHANNEL_UNKNOWN', 'Not a channel of this guild.');
      }
      const update: { id: string; position?: number; parentId?: string | null } = { id: entry.id };
      if (entry.position !== undefined && entry.position !== null) update.position = entry.position;
      if (entry.parent_id !== undefined) {
        const parent = resolveParent(guild, channels, channel.type, entry.parent_id, [index, 'parent_id']);
        update.parentId = parent?.id ?? null;
        if (entry.lock_permissions === true && parent !== undefined) {
          requireCanChangeOverwrites(guild.permissions, channel.overwrites, parent.overwrites);
          resyncs.push({ id: channel.id, overwrites: parent.overwrites });
        }
      }
      updates.push(update);
    });
    if (updates.length === 0) return;
    await store.channels.setPositions(guildId, updates);
    for (const { id, overwrites } of resyncs) await store.channels.update(id, { overwrites });
    const touched = new Set(updates.map((u) => u.id));
    for (const channel of await store.channels.listForGuild(guildId)) {
      if (touched.has(channel.id)) this.announce.guildChannel('CHANNEL_UPDATE', channel, guildId);
    }
  }

  async modify(context: GuildChannelContext, body: ModifyChannelBody): Promise<ChannelRecord> {
    const { channel, guild, permissions } = context;
    requirePermission(permissions, Permission.MANAGE_CHANNELS);
    const isText = channel.type === ChannelType.GUILD_TEXT;
    const patch: ChannelPatch = {};
    if (body.name !== undefined) patch.name = body.name;
    if (body.topic !== undefined && isText) patch.topic = body.topic;
    if (body.position !== undefined && body.position !== null) patch.position = body.position;
    if (body.nsfw !== undefined) patch.nsfw = body.nsfw;
    if (body.rate_limit_per_user !== undefined && isText) patch.rateLimitPerUser = body.rate_limit_per_user;
    if (body.parent_id !== undefined) {
      const channels = await this.deps.store.channels.listForGuild(guild.guild.id);
      patch.parentId = resolveParent(guild, channels, channel.type, body.parent_id)?.id ?? null;
    }
    if (body.permission_overwrites !== undefined) {
      const overwrites = await parseOverwriteList(this.deps.store, guild, body.permission_overwrites ?? []);
      requireCanChangeOverwrites(permissions, channel.overwrites, overwrites);
      patch.overwrites = overwrites;
    }
    if (Object.keys(patch).length === 0) return channel;
    const updated = await this.deps.store.channels.update(channel.id, patch);
    if (updated === undefined) throw new DomainError(ErrorCode.UnknownChannel);
    this.announce.guildChannel('CHANNEL_UPDATE', updated, guild.guild.id);
    return updated;
  }

  /**
   * Deletes the channel and its messages. A category's children stay, detached (the store does
   * that in the same transaction); a deleted system channel is cleared from the guild.
   */
  async delete(context: GuildChannelContext): Promise<ChannelRecord> {
    const { store } = this.deps;
    const { channel, guild, permissions } = context;
    requirePermission(permissions, Permission.MANAGE_CHANNELS);
    const guildId = guild.guild.id;
    const childIds =
      channel.type === ChannelType.GUILD_CATEGORY
        ? new Set(
            (await store.channels.listForGuild(guildId)).filter((c) => c.parentId === channel.id).map((c) => c.id),
          )
        : new Set<string>();
    if (!(await store.channels.delete(channel.id))) throw new DomainError(ErrorCode.UnknownChannel);
    this.announce.guildChannel('CHANNEL_DELETE', channel, guildId);
    if (childIds.size > 0) {
      for (const child of await store.channels.listForGuild(guildId)) {
        if (childIds.has(child.id)) this.announce.guildChannel('CHANNEL_UPDATE', child, guildId);
      }
    }
    if (guild.guild.systemChannelId === channel.id) {
      const updated = await store.guilds.update(guildId, { systemChannelId: null });
      if (updated !== undefined) this.guildEvents.guildUpdated(guildId, toGuild(updated, guild.roles.values()));
    }
    return channel;
  }

  async putOverwrite(context: GuildChannelContext, overwriteId: string, body: EditOverwriteBody): Promise<void> {
    const { channel, guild, permissions } = context;
    requirePermission(permissions, Permission.MANAGE_ROLES);
    const overwrite = await parseOverwriteTarget(this.deps.store, guild, overwriteId, body);
    const before = channel.overwrites.filter((o) => o.id === overwriteId);
    requireCanChangeOverwrites(permissions, before, [overwrite]);
    const updated = await this.deps.store.channels.setOverwrite(channel.id, overwrite);
    if (updated === undefined) throw new DomainError(ErrorCode.UnknownChannel);
    this.announce.guildChannel('CHANNEL_UPDATE', updated, guild.guild.id);
  }

  async deleteOverwrite(context: GuildChannelContext, overwriteId: string): Promise<void> {
    const { channel, guild, permissions } = context;
    requirePermission(permissions, Permission.MANAGE_ROLES);
    const before = channel.overwrites.filter((o) => o.id === overwriteId);
    if (before.length === 0) throw new DomainError(ErrorCode.UnknownOverwrite);
    requireCanChangeOverwrites(permissions, before, []);
    const updated = await this.deps.store.channels.deleteOverwrite(channel.id, overwriteId);
    if (updated === undefined) throw new DomainError(ErrorCode.UnknownChannel);
    this.announce.guildChannel('CHANNEL_UPDATE', updated, guild.guild.id);
  }
}

function canView(guild: GuildContext, channel: ChannelRecord): boolean {
  const permissions = computeChannelPermissions(guild.permissions, guild.guild.id, guild.member, channel);
  return (permissions & Permission.VIEW_CHANNEL) !== 0n;
}

/** New channels go to the end of the list. */
function nextPosition(channels: readonly ChannelRecord[]): number {
  return channels.reduce((max, c) => Math.max(max, c.position + 1), 0);
}

/**
 * A parent must be a category of the same guild that the caller can see (an invisible category
 * reads as a missing one); categories themselves cannot be nested.
 */
function resolveParent(
  guild: GuildContext,
  channels: readonly ChannelRecord[],
  childType: number,
  parentId: string | null,
  path: ReadonlyArray<string | number> = ['parent_id'],
): ChannelRecord | undefined {
  if (parentId === null) return undefined;
  if (childType === ChannelType.GUILD_CATEGORY) {
    throw formError(path, 'CHANNEL_PARENT_INVALID', 'A category cannot have a parent.');
  }
  const parent = channels.find((c) => c.id === parentId);
  if (parent === undefined || parent.type !== ChannelType.GUILD_CATEGORY || !canView(guild, parent)) {
    throw formError(path, 'CHANNEL_PARENT_INVALID_TYPE', 'The parent must be a category of this guild.');
  }
  return parent;
}
