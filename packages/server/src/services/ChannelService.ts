import type {
  ChannelPositionsBody,
  CreateDmBody,
  CreateGuildChannelBody,
  EditOverwriteBody,
  ModifyChannelBody,
} from '@concord/protocol';
import { ErrorCode } from '@concord/protocol';
import { DomainError } from '../domain/errors';
import type { ChannelRecord, UserRecord } from '../stores/records';
import type { ChannelContext } from './AccessService';
import { ChannelAnnouncer } from './channels/ChannelAnnouncer';
import { formError } from './channels/formError';
import { GuildChannels, type GuildChannelContext } from './channels/GuildChannels';
import { PrivateChannels, type PrivateChannelView } from './channels/PrivateChannels';
import { announceTyping } from './channels/typing';
import { GuildAnnouncer } from './guilds/GuildAnnouncer';
import type { ServiceDeps } from './index';

/** A channel with the users its wire form needs (recipients of a private channel; none otherwise). */
export type ChannelView = PrivateChannelView;

const NO_USERS: ReadonlyMap<string, UserRecord> = new Map();

/**
 * Channels of every kind: guild channels and categories with their permission overwrites, DMs and
 * group DMs with their recipients, and typing. Every operation is authorized through AccessService
 * first, so a channel the caller may not see is the same 404 as one that does not exist.
 */
export class ChannelService {
  private readonly guildChannels: GuildChannels;
  private readonly privateChannels: PrivateChannels;

  constructor(private readonly deps: ServiceDeps) {
    const announce = new ChannelAnnouncer(deps.events);
    this.guildChannels = new GuildChannels(deps, announce, new GuildAnnouncer(deps.events));
    this.privateChannels = new PrivateChannels(deps, announce);
  }

  // Guild channels
  listGuildChannels(userId: string, guildId: string): Promise<ChannelRecord[]> {
    return this.guildChannels.list(userId, guildId);
  }

  createGuildChannel(userId: string, guildId: string, body: CreateGuildChannelBody): Promise<ChannelRecord> {
    return this.guildChannels.create(userId, guildId, body);
  }

  setChannelPositions(userId: string, guildId: string, body: ChannelPositionsBody): Promise<void> {
    return this.guildChannels.setPositions(userId, guildId, body);
  }

  async putOverwrite(userId: string, channelId: string, overwriteId: string, body: EditOverwriteBody): Promise<void> {
    await this.guildChannels.putOverwrite(await this.guildChannelContext(userId, channelId), overwriteId, body);
  }

  async deleteOverwrite(userId: string, channelId: string, overwriteId: string): Promise<void> {
    await this.guildChannels.deleteOverwrite(await this.guildChannelContext(userId, channelId), overwriteId);
  }

  // Any channel
  async getChannel(userId: string, channelId: string): Promise<ChannelView> {
    const { channel } = await this.deps.access.channelContext(userId, channelId);
    return this.view(channel);
  }

  async modifyChannel(actor: UserRecord, channelId: string, body: ModifyChannelBody): Promise<ChannelView> {
    const context = await this.deps.access.channelContext(actor.id, channelId);
    if (!isGuildContext(context)) return this.privateChannels.modify(context, actor, body);
    return { channel: await this.guildChannels.modify(context, body), users: NO_USERS };
  }

  /** Deletes a guild channel; closes a DM; leaves a group DM. Resolves the channel as it was. */
  async deleteChannel(actor: UserRecord, channelId: string): Promise<ChannelView> {
    const context = await this.deps.access.channelContext(actor.id, channelId);
    if (!isGuildContext(context)) return this.privateChannels.closeOrLeave(context, actor);
    return { channel: await this.guildChannels.delete(context), users: NO_USERS };
  }

  async typing(user: UserRecord, channelId: string): Promise<void> {
    await announceTyping(this.deps, await this.deps.access.channelAccess(user.id, channelId), user);
  }

  // Private channels
  listPrivateChannels(userId: string): Promise<{ channels: ChannelRecord[]; users: ReadonlyMap<string, UserRecord> }> {
    return this.privateChannels.list(userId);
  }

  /** `POST /users/@me/channels`: `recipient_id` opens the DM with that user, `recipients` makes a group DM. */
  openPrivateChannel(caller: UserRecord, body: CreateDmBody): Promise<ChannelView> {
    const { recipient_id, recipients, name } = body;
    if (recipient_id !== undefined && recipients === undefined)
      return this.privateChannels.openDm(caller, recipient_id);
    if (recipients !== undefined && recipient_id === undefined) {
      return this.privateChannels.createGroupDm(caller, recipients, name ?? null);
    }
    throw formError(['recipient_id'], 'BASE_TYPE_REQUIRED', 'Give either recipient_id or recipients, not both.');
  }

  async addRecipient(actor: UserRecord, channelId: string, userId: string): Promise<void> {
    await this.privateChannels.addRecipient(await this.deps.access.channelContext(actor.id, channelId), actor, userId);
  }

  async removeRecipient(actor: UserRecord, channelId: string, userId: string): Promise<void> {
    const context = await this.deps.access.channelContext(actor.id, channelId);
    await this.privateChannels.removeRecipient(context, actor, userId);
  }

  private async guildChannelContext(userId: string, channelId: string): Promise<GuildChannelContext> {
    const context = await this.deps.access.channelContext(userId, channelId);
    if (!isGuildContext(context)) throw new DomainError(ErrorCode.CannotExecuteOnDM);
    return context;
  }

  private view(channel: ChannelRecord): Promise<ChannelView> | ChannelView {
    return channel.guildId === null ? this.privateChannels.view(channel) : { channel, users: NO_USERS };
  }
}

function isGuildContext(context: ChannelContext): context is GuildChannelContext {
  return context.guild !== undefined;
}
