import { ChannelType, ErrorCode, Permission, type CreateInviteBody } from '@concord/protocol';
import { randomInt } from 'node:crypto';
import { DomainError, fieldError } from '../../domain/errors';
import { computeChannelPermissions } from '../../domain/permissions';
import type { ChannelRecord, GuildRecord, InviteRecord, UserRecord } from '../../stores/records';
import { requirePermission, type GuildContext } from '../AccessService';
import type { ServiceDeps } from '../index';
import type { GuildAnnouncer } from './GuildAnnouncer';
import type { Membership } from './Membership';

/** An invite with what its wire form shows: guild, channel, inviter, and optionally a member count. */
export interface InviteView {
  invite: InviteRecord;
  guild: GuildRecord;
  channel: ChannelRecord;
  inviter: UserRecord | undefined;
  memberCount?: number;
}

const DEFAULT_MAX_AGE_SECONDS = 86_400;
const CODE_LENGTH = 8;
const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 8 base62 characters from the CSPRNG: about 47 bits, so codes cannot be guessed or enumerated. */
export function mintInviteCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

export function isLive(invite: InviteRecord, now: number): boolean {
  return (
    (invite.expiresAt === null || invite.expiresAt > now) && (invite.maxUses === 0 || invite.uses < invite.maxUses)
  );
}

/**
 * Invites: created in a channel (CREATE_INSTANT_INVITE there), listed by those who manage them,
 * previewed by anyone, accepted by humans who are not banned. A dead invite (expired, used up) is
 * the same "Unknown Invite" as one that never existed.
 */
export class InviteService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly announce: GuildAnnouncer,
    private readonly membership: Membership,
  ) {}

  async create(userId: string, channelId: string, body: CreateInviteBody): Promise<InviteView> {
    const { store, clock } = this.deps;
    const { channel, guild, permissions } = await this.guildChannel(userId, channelId);
    if (channel.type !== ChannelType.GUILD_TEXT) {
      throw fieldError('channel_id', 'CHANNEL_TYPE_INVALID', 'Invites can only be created for text channels.');
    }
    requirePermission(permissions, Permission.CREATE_INSTANT_INVITE);
    const now = clock.now();
    const maxAge = body.max_age ?? DEFAULT_MAX_AGE_SECONDS;
    const invite: InviteRecord = {
      code: await this.freshCode(),
      guildId: guild.guild.id,
      channelId,
      inviterId: userId,
      maxAge,
      maxUses: body.max_uses ?? 0,
      uses: 0,
      temporary: body.temporary ?? false,
      createdAt: now,
      expiresAt: maxAge === 0 ? null : now + maxAge * 1000,
    };
    await store.guilds.createInvite(invite);
    const inviter = await store.users.get(userId);
    this.announce.inviteCreated(invite, inviter);
    return { invite, guild: guild.guild, channel, inviter };
  }

  /** MANAGE_CHANNELS in that channel. */
  async listForChannel(userId: string, channelId: string): Promise<InviteView[]> {
    const { channel, guild, permissions } = await this.guildChannel(userId, channelId);
    requirePermission(permissions, Permission.MANAGE_CHANNELS);
    const invites = await this.deps.store.guilds.listChannelInvites(channelId);
    return this.views(guild.guild, new Map([[channel.id, channel]]), invites);
  }

  /** MANAGE_GUILD. */
  async listForGuild(userId: string, guildId: string): Promise<InviteView[]> {
    const actor = await this.deps.access.guildContext(userId, guildId);
    requirePermission(actor.permissions, Permission.MANAGE_GUILD);
    const [invites, channels] = await Promise.all([
      this.deps.store.guilds.listInvites(guildId),
      this.deps.store.channels.listForGuild(guildId),
    ]);
    return this.views(actor.guild, new Map(channels.map((c) => [c.id, c])), invites);
  }

  /** Anyone, signed in or not, may look at a live invite: that is what it is for. */
  async preview(code: string, withCounts: boolean): Promise<InviteView> {
    const view = await this.live(code);
    if (withCounts) view.memberCount = await this.deps.store.guilds.countMembers(view.guild.id);
    return view;
  }

  /** Joins the guild. A member accepting again changes nothing; a banned user is refused (40007). */
  async accept(user: UserRecord, code: string): Promise<InviteView> {
    const { store, clock } = this.deps;
    const view = await this.live(code);
    if ((await store.guilds.getMember(view.guild.id, user.id)) !== undefined) return view;
    await this.membership.requireMayJoin(view.guild.id, user);
    const used = await store.guilds.useInvite(code, clock.now());
    if (used === undefined) throw new DomainError(ErrorCode.UnknownInvite);
    if (!isLive(used, clock.now())) this.announce.inviteDeleted(used);
    await this.membership.add(view.guild, user);
    return { ...view, invite: used };
  }

  /** The inviter, or whoever may manage the channel (MANAGE_CHANNELS) or the guild (MANAGE_GUILD). */
  async delete(userId: string, code: string): Promise<InviteView> {
    const { store, access } = this.deps;
    const invite = await store.guilds.getInvite(code);
    if (invite === undefined) throw new DomainError(ErrorCode.UnknownInvite);
    let actor: GuildContext;
    try {
      actor = await access.guildContext(userId, invite.guildId);
    } catch (error) {
      if (error instanceof DomainError) throw new DomainError(ErrorCode.UnknownInvite);
      throw error;
    }
    const view = await this.viewOf(invite, actor.guild);
    if (invite.inviterId !== userId && (actor.permissions & Permission.MANAGE_GUILD) === 0n) {
      const inChannel = computeChannelPermissions(actor.permissions, actor.guild.id, actor.member, view.channel);
      requirePermission(inChannel, Permission.MANAGE_CHANNELS);
    }
    if (!(await store.guilds.deleteInvite(code))) throw new DomainError(ErrorCode.UnknownInvite);
    this.announce.inviteDeleted(invite);
    return view;
  }

  private async live(code: string): Promise<InviteView> {
    const invite = await this.deps.store.guilds.getInvite(code);
    if (invite === undefined || !isLive(invite, this.deps.clock.now())) throw new DomainError(ErrorCode.UnknownInvite);
    const guild = await this.deps.store.guilds.get(invite.guildId);
    if (guild === undefined) throw new DomainError(ErrorCode.UnknownInvite);
    return this.viewOf(invite, guild);
  }

  private async viewOf(invite: InviteRecord, guild: GuildRecord): Promise<InviteView> {
    const [channel, inviter] = await Promise.all([
      this.deps.store.channels.get(invite.channelId),
      this.deps.store.users.get(invite.inviterId),
    ]);
    if (channel === undefined) throw new DomainError(ErrorCode.UnknownInvite);
    return { invite, guild, channel, inviter };
  }

  private async views(
    guild: GuildRecord,
    channels: ReadonlyMap<string, ChannelRecord>,
    invites: readonly InviteRecord[],
  ): Promise<InviteView[]> {
    const now = this.deps.clock.now();
    const alive = invites.filter((invite) => isLive(invite, now));
    const inviters = new Map(
      (await this.deps.store.users.getMany([...new Set(alive.map((i) => i.inviterId))])).map((u) => [u.id, u]),
    );
    return alive.flatMap((invite) => {
      const channel = channels.get(invite.channelId);
      return channel === undefined ? [] : [{ invite, guild, channel, inviter: inviters.get(invite.inviterId) }];
    });
  }

  /** The caller's view of a guild channel; DMs have no invites. */
  private async guildChannel(
    userId: string,
    channelId: string,
  ): Promise<{ channel: ChannelRecord; guild: GuildContext; permissions: bigint }> {
    const context = await this.deps.access.channelContext(userId, channelId);
    if (context.guild === undefined) throw new DomainError(ErrorCode.CannotExecuteOnDM);
    return { channel: context.channel, guild: context.guild, permissions: context.permissions };
  }

  /** A code not in use; a collision is all but impossible, but costs only one more lookup. */
  private async freshCode(): Promise<string> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = mintInviteCode();
      if ((await this.deps.store.guilds.getInvite(code)) === undefined) return code;
    }
    throw new DomainError(ErrorCode.ServiceUnavailable, 'Could not mint an invite code; try again');
  }
}
