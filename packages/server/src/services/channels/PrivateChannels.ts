import { ChannelType, ErrorCode, Limits, MessageType, type ModifyChannelBody } from '@concord/protocol';
import { DomainError } from '../../domain/errors';
import type { ChannelStore } from '../../stores/ports';
import type { ChannelRecord, UserRecord } from '../../stores/records';
import type { ChannelContext } from '../AccessService';
import type { ServiceDeps } from '../index';
import type { ChannelAnnouncer } from './ChannelAnnouncer';
import { formError } from './formError';
import { usersSharingAGuild } from './sharedGuilds';
import { postSystemMessage } from './systemMessages';

type ChannelPatch = Parameters<ChannelStore['update']>[1];

/** A private channel with the users its wire form lists. */
export interface PrivateChannelView {
  channel: ChannelRecord;
  users: ReadonlyMap<string, UserRecord>;
}

const notGroupDm = () => new DomainError(ErrorCode.CannotExecuteOnDM, 'Cannot execute action on this channel type');

/** DMs and group DMs: opening, listing, renaming, leaving, and who is in them. */
export class PrivateChannels {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly announce: ChannelAnnouncer,
  ) {}

  async view(channel: ChannelRecord): Promise<PrivateChannelView> {
    return { channel, users: await this.usersById(channel.recipientIds) };
  }

  async list(userId: string): Promise<{ channels: ChannelRecord[]; users: ReadonlyMap<string, UserRecord> }> {
    const channels = await this.deps.store.channels.listPrivateForUser(userId);
    const users = await this.usersById([...new Set(channels.flatMap((c) => c.recipientIds))]);
    return { channels, users };
  }

  /**
   * The one DM between the caller and `recipientId`, created on first open. Opening needs a shared
   * guild, or a DM that already exists (people who once shared a guild can keep talking).
   */
  async openDm(caller: UserRecord, recipientId: string): Promise<PrivateChannelView> {
    const { store, ids, clock } = this.deps;
    if (recipientId === caller.id) {
      throw formError(['recipient_id'], 'CANNOT_DM_SELF', 'You cannot open a DM with yourself.');
    }
    const recipient = await store.users.get(recipientId);
    if (recipient === undefined) throw new DomainError(ErrorCode.UnknownUser);
    const users = new Map([
      [caller.id, caller],
      [recipient.id, recipient],
    ]);
    const shared = await usersSharingAGuild(store, caller.id, [recipientId]);
    if (!shared.has(recipientId)) {
      const existing = (await store.channels.listPrivateForUser(caller.id)).find(
        (c) => c.type === ChannelType.DM && c.recipientIds.includes(recipientId),
      );
      if (existing === undefined) throw new DomainError(ErrorCode.CannotSendToUser);
      return { channel: existing, users };
    }
    const candidate = privateChannel(ids.next(), ChannelType.DM, clock.now(), {});
    const { channel, created } = await store.channels.openDm(candidate, caller.id, recipientId);
    if (created) this.announce.privateChannel('CHANNEL_CREATE', channel, channel.recipientIds, users);
    return { channel, users };
  }

  async createGroupDm(
    caller: UserRecord,
    recipientIds: readonly string[],
    name: string | null,
  ): Promise<PrivateChannelView> {
    const { store, ids, clock } = this.deps;
    const others = [...new Set(recipientIds)].filter((id) => id !== caller.id);
    if (others.length === 0) {
      throw formError(['recipients'], 'GROUP_DM_NO_RECIPIENTS', 'Name at least one other user.');
    }
    if (others.length + 1 > Limits.groupDmRecipients) throw new DomainError(ErrorCode.MaxRecipients);
    const found = await store.users.getMany(others);
    if (found.length !== others.length) throw new DomainError(ErrorCode.UnknownUser);
    const shared = await usersSharingAGuild(store, caller.id, others);
    if (others.some((id) => !shared.has(id))) throw new DomainError(ErrorCode.CannotSendToUser);
    const channel = privateChannel(ids.next(), ChannelType.GROUP_DM, clock.now(), {
      name,
      ownerId: caller.id,
      recipientIds: [caller.id, ...others],
    });
    await store.channels.create(channel);
    const users = new Map([caller, ...found].map((u) => [u.id, u]));
    this.announce.privateChannel('CHANNEL_CREATE', channel, channel.recipientIds, users);
    return { channel, users };
  }

  /** Any recipient may rename a group DM or clear its icon; DMs have nothing to modify. */
  async modify(context: ChannelContext, actor: UserRecord, body: ModifyChannelBody): Promise<PrivateChannelView> {
    const { channel } = context;
    if (channel.type !== ChannelType.GROUP_DM) throw new DomainError(ErrorCode.CannotExecuteOnDM);
    const patch: ChannelPatch = {};
    if (body.name !== undefined && body.name !== channel.name) patch.name = body.name;
    if (body.icon !== undefined && body.icon !== channel.icon) patch.icon = body.icon;
    if (Object.keys(patch).length === 0) return this.view(channel);
    const updated = await this.deps.store.channels.update(channel.id, patch);
    if (updated === undefined) throw new DomainError(ErrorCode.UnknownChannel);
    const view = await this.view(updated);
    this.announce.privateChannel('CHANNEL_UPDATE', updated, updated.recipientIds, view.users);
    if (patch.name !== undefined) {
      await postSystemMessage(this.deps, {
        channelId: updated.id,
        type: MessageType.CHANNEL_NAME_CHANGE,
        actor,
        mentions: [],
        content: patch.name ?? '',
        recipientIds: updated.recipientIds,
      });
    }
    return view;
  }

  /**
   * `DELETE /channels/:id` on a private channel. Closing a DM only hides it for the caller (their
   * clients get CHANNEL_DELETE); the channel and its messages stay, and re-opening finds it again.
   * On a group DM the caller leaves.
   */
  async closeOrLeave(context: ChannelContext, caller: UserRecord): Promise<PrivateChannelView> {
    const { channel } = context;
    const view = await this.view(channel);
    if (channel.type === ChannelType.GROUP_DM) {
      await this.removeRecipient(context, caller, caller.id);
    } else {
      this.announce.privateChannel('CHANNEL_DELETE', channel, [caller.id], view.users);
    }
    return view;
  }

  /** Any recipient may add someone they share a guild with; adding a present recipient is a no-op. */
  async addRecipient(context: ChannelContext, actor: UserRecord, userId: string): Promise<void> {
    const { store } = this.deps;
    const { channel } = context;
    if (channel.type !== ChannelType.GROUP_DM) throw notGroupDm();
    if (channel.recipientIds.includes(userId)) return;
    const target = await store.users.get(userId);
    if (target === undefined) throw new DomainError(ErrorCode.UnknownUser);
    if (!(await usersSharingAGuild(store, actor.id, [userId])).has(userId)) {
      throw new DomainError(ErrorCode.CannotSendToUser);
    }
    if (!(await store.channels.addRecipient(channel.id, userId, Limits.groupDmRecipients))) {
      // Either a concurrent add of the same user won (fine), or the channel is full.
      const current = await store.channels.get(channel.id);
      if (current === undefined) throw new DomainError(ErrorCode.UnknownChannel);
      if (current.recipientIds.includes(userId)) return;
      throw new DomainError(ErrorCode.MaxRecipients);
    }
    const updated = await store.channels.get(channel.id);
    if (updated === undefined) return; // deleted meanwhile: nobody is left to tell
    const { users } = await this.view(updated);
    this.announce.privateChannel('CHANNEL_CREATE', updated, [userId], users);
    this.announce.recipient('CHANNEL_RECIPIENT_ADD', updated.id, target, updated.recipientIds);
    await postSystemMessage(this.deps, {
      channelId: updated.id,
      type: MessageType.RECIPIENT_ADD,
      actor,
      mentions: [target],
      content: '',
      recipientIds: updated.recipientIds,
    });
  }

  /**
   * The owner removes anyone; anyone removes themself. When the owner goes, ownership passes to
   * another recipient; when the last one goes, the group DM is deleted (nobody could reach it).
   */
  async removeRecipient(context: ChannelContext, actor: UserRecord, userId: string): Promise<void> {
    const { store } = this.deps;
    const { channel } = context;
    if (channel.type !== ChannelType.GROUP_DM) throw notGroupDm();
    if (userId !== actor.id && channel.ownerId !== actor.id) throw new DomainError(ErrorCode.MissingPermissions);
    if (!channel.recipientIds.includes(userId)) throw new DomainError(ErrorCode.UnknownUser);
    const users = await this.usersById(channel.recipientIds);
    if (!(await store.channels.removeRecipient(channel.id, userId))) return; // a concurrent removal won
    const target = users.get(userId);
    this.announce.privateChannel('CHANNEL_DELETE', channel, [userId], users);
    const current = await this.settleOwnership(channel.id);
    const remaining = current?.recipientIds ?? [];
    if (target !== undefined) {
      this.announce.recipient('CHANNEL_RECIPIENT_REMOVE', channel.id, target, [...remaining, userId]);
    }
    if (current === undefined) return;
    if (current.ownerId !== channel.ownerId) {
      this.announce.privateChannel('CHANNEL_UPDATE', current, remaining, users);
    }
    if (target !== undefined) {
      await postSystemMessage(this.deps, {
        channelId: current.id,
        type: MessageType.RECIPIENT_REMOVE,
        actor,
        mentions: [target],
        content: '',
        recipientIds: remaining,
      });
    }
  }

  /**
   * After a removal: deletes an empty group DM, and hands ownership to the earliest remaining
   * recipient when the owner is gone. Re-reads first, so racing leaves still end with an owner
   * who is a recipient. Resolves the channel, or undefined when it was deleted.
   */
  private async settleOwnership(channelId: string): Promise<ChannelRecord | undefined> {
    const { store } = this.deps;
    const current = await store.channels.get(channelId);
    if (current === undefined) return undefined;
    const heir = current.recipientIds[0];
    if (heir === undefined) {
      await store.channels.delete(channelId);
      return undefined;
    }
    if (current.ownerId !== null && current.recipientIds.includes(current.ownerId)) return current;
    return (await store.channels.update(channelId, { ownerId: heir })) ?? undefined;
  }

  private async usersById(ids: readonly string[]): Promise<Map<string, UserRecord>> {
    if (ids.length === 0) return new Map();
    return new Map((await this.deps.store.users.getMany(ids)).map((u) => [u.id, u]));
  }
}

function privateChannel(
  id: string,
  type: number,
  now: number,
  fields: { name?: string | null; ownerId?: string; recipientIds?: string[] },
): ChannelRecord {
  return {
    id,
    type,
    guildId: null,
    name: fields.name ?? null,
    topic: null,
    position: 0,
    parentId: null,
    nsfw: false,
    rateLimitPerUser: 0,
    ownerId: fields.ownerId ?? null,
    icon: null,
    overwrites: [],
    recipientIds: fields.recipientIds ?? [],
    lastSeq: 0,
    lastMessageId: null,
    createdAt: now,
  };
}
