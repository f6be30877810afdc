import {
  ErrorCode,
  MessageType,
  Permission,
  hasPermission,
  type CreateMessageBody,
  type EditMessageBody,
  type ListMessagesQuery,
  type MessageMember,
  type SyncMessage,
} from '@concord/protocol';
import { DomainError, fieldError } from '../domain/errors';
import type { MessageRecord, UserRecord } from '../stores/records';
import { toMessage, toMessageDeleteBulkEvent, toMessageDeleteEvent, toMessageMember } from '../wire/messages';
import { requirePermission, type ChannelAccess } from './AccessService';
import type { ServiceDeps } from './index';
import { channelRoute } from './messages/eventRoute';
import { MentionResolver, mentionPolicy, type ResolvedMentions } from './messages/mentionResolution';
import { listMessagePage } from './messages/messagePaging';
import {
  creationFlags,
  editedFlags,
  normaliseNonce,
  requireContent,
  requireContentEditor,
  requireLive,
  requireTextChannel,
} from './messages/messageRules';
import { MessageViews } from './messages/MessageViews';
import { PinService } from './messages/PinService';
import { ReactionService } from './messages/ReactionService';

type MessageReferenceInput = NonNullable<CreateMessageBody['message_reference']>;
type EditPatch = Parameters<ServiceDeps['store']['messages']['edit']>[2];

/**
 * Messages: send (idempotent by nonce), read, edit, delete. Reactions and pins hang off it as
 * `reactions` and `pins`. Every operation authorizes through AccessService first, so a channel the
 * caller may not view is the same 10003 as one that does not exist.
 */
export class MessageService {
  readonly reactions: ReactionService;
  readonly pins: PinService;
  private readonly views: MessageViews;
  private readonly mentions: MentionResolver;

  constructor(private readonly deps: ServiceDeps) {
    this.views = new MessageViews(deps.store);
    this.mentions = new MentionResolver(deps.store, deps.access);
    this.reactions = new ReactionService(deps);
    this.pins = new PinService(deps, this.views);
  }

  /**
   * Sends a message. The answer comes only after the store has committed it (the ack); an event is
   * published only for a message this call created, so a retried nonce returns the original message
   * and announces nothing.
   */
  async send(sender: UserRecord, channelId: string, body: CreateMessageBody): Promise<SyncMessage> {
    const userId = sender.id;
    const context = await this.deps.access.channelAccess(userId, channelId);
    requireTextChannel(context.channel);
    requirePermission(context.permissions, Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES);
    const content = requireContent(body.content);
    const flags = creationFlags(body.flags);
    const policy = mentionPolicy(body.allowed_mentions);
    const reference =
      body.message_reference === undefined ? null : await this.resolveReference(context, body.message_reference);
    const mentions = await this.mentions.resolve({
      context,
      content,
      policy,
      repliedAuthorId: reference?.authorId ?? null,
    });
    const view = await this.views.prepare({
      authorId: userId,
      mentionUserIds: mentions.userIds,
      reference,
      known: [sender],
    });
    const { message, created } = await this.deps.store.messages.append({
      channelId,
      authorId: userId,
      content,
      type: reference === null ? MessageType.DEFAULT : MessageType.REPLY,
      nonce: normaliseNonce(body.nonce),
      // Discord silently drops tts for senders without the permission rather than failing the send.
      tts: body.tts === true && hasPermission(context.permissions, Permission.SEND_TTS_MESSAGES),
      flags,
      mentionEveryone: mentions.everyone,
      mentionUserIds: mentions.userIds,
      mentionRoleIds: mentions.roleIds,
      referenceMessageId: reference?.id ?? null,
      referenceChannelId: reference === null ? null : channelId,
      createdAt: this.deps.clock.now(),
    });
    const nonce = body.nonce === undefined ? {} : { nonce: body.nonce };
    // A retry: the original may since have been edited, reacted to or deleted; show it as it is now.
    if (!created) return this.views.renderOne(message, { viewerId: userId }, nonce);

    const event: SyncMessage & { member?: MessageMember } = toMessage(message, view, {
      ...nonce,
      guildId: context.channel.guildId,
      channelType: context.channel.type,
    });
    if (context.guild !== undefined) event.member = toMessageMember(context.guild.member);
    this.deps.events.publish({ type: 'MESSAGE_CREATE', data: event, route: channelRoute(context.channel) });
    // Clients drop the sender's typing indicator on their message: typing again must show again.
    void this.deps.presence.stopTyping(channelId, userId).catch(() => undefined);
    // A new message has no reactions yet: the prepared view is all the answer needs.
    return toMessage(message, view, nonce);
  }

  async list(userId: string, channelId: string, query: ListMessagesQuery): Promise<SyncMessage[]> {
    const context = await this.deps.access.channelAccess(userId, channelId);
    // Discord answers an empty list, not an error, to a member who may not read the history.
    if (!hasPermission(context.permissions, Permission.READ_MESSAGE_HISTORY)) return [];
    const records = await listMessagePage(this.deps.store.messages, channelId, query);
    return this.views.render(channelId, records, { viewerId: userId });
  }

  async get(userId: string, channelId: string, messageId: string): Promise<SyncMessage> {
    const context = await this.deps.access.channelAccess(userId, channelId);
    requirePermission(context.permissions, Permission.READ_MESSAGE_HISTORY);
    const message = requireLive(await this.deps.store.messages.get(channelId, messageId));
    return this.views.renderOne(message, { viewerId: userId });
  }

  /**
   * Content is the author's alone (50005); suppressing embeds is also open to MANAGE_MESSAGES.
   * New content is parsed for mentions again, with the author's current permissions.
   */
  async edit(userId: string, channelId: string, messageId: string, body: EditMessageBody): Promise<SyncMessage> {
    const { store } = this.deps;
    const context = await this.deps.access.channelAccess(userId, channelId);
    const message = requireLive(await store.messages.get(channelId, messageId));
    const isAuthor = message.authorId === userId;
    const newContent = body.content ?? undefined;
    const newFlags = body.flags ?? undefined;
    if (newContent !== undefined) requireContentEditor(message, userId);
    if (newFlags !== undefined && !isAuthor) requirePermission(context.permissions, Permission.MANAGE_MESSAGES);
    if (newContent === undefined && newFlags === undefined) return this.views.renderOne(message, { viewerId: userId });

    const reference =
      message.referenceMessageId === null
        ? null
        : ((await store.messages.get(message.referenceChannelId ?? channelId, message.referenceMessageId)) ?? null);
    let patch: EditPatch = {
      content: message.content,
      editedAt: message.editedAt,
      mentionEveryone: message.mentionEveryone,
      mentionUserIds: message.mentionUserIds,
      mentionRoleIds: message.mentionRoleIds,
    };
    if (newContent !== undefined) {
      const content = requireContent(newContent);
      const mentions = await this.remention(context, message, reference, content, body.allowed_mentions);
      patch = {
        content,
        editedAt: this.deps.clock.now(),
        mentionEveryone: mentions.everyone,
        mentionUserIds: mentions.userIds,
        mentionRoleIds: mentions.roleIds,
      };
    }
    if (newFlags !== undefined) patch.flags = editedFlags(message.flags, newFlags);
    const view = await this.views.prepare({
      authorId: message.authorId,
      mentionUserIds: patch.mentionUserIds,
      reference,
    });
    const edited = requireLive(await store.messages.edit(channelId, messageId, patch));
    this.deps.events.publish({
      type: 'MESSAGE_UPDATE',
      data: toMessage(edited, view, { guildId: context.channel.guildId }),
      route: channelRoute(context.channel),
    });
    return this.views.renderOne(edited, { viewerId: userId });
  }

  /** The author may delete their own message; anyone else needs MANAGE_MESSAGES in a guild. */
  async delete(userId: string, channelId: string, messageId: string): Promise<void> {
    const context = await this.deps.access.channelAccess(userId, channelId);
    const message = requireLive(await this.deps.store.messages.get(channelId, messageId));
    if (message.authorId !== userId) requirePermission(context.permissions, Permission.MANAGE_MESSAGES);
    if (!(await this.deps.store.messages.delete(channelId, messageId))) throw new DomainError(ErrorCode.UnknownMessage);
    this.deps.events.publish({
      type: 'MESSAGE_DELETE',
      data: toMessageDeleteEvent(message, context.channel.guildId),
      route: channelRoute(context.channel),
    });
  }

  /**
   * Deletes 2–100 messages of a guild channel. Ids that are unknown or already deleted are skipped,
   * as on Discord; one MESSAGE_DELETE_BULK names those actually deleted.
   */
  async bulkDelete(userId: string, channelId: string, messageIds: readonly string[]): Promise<void> {
    const context = await this.deps.access.channelAccess(userId, channelId);
    if (context.guild === undefined) throw new DomainError(ErrorCode.CannotExecuteOnDM);
    requirePermission(context.permissions, Permission.MANAGE_MESSAGES);
    const unique = [...new Set(messageIds)];
    if (unique.length < 2) throw fieldError('messages', 'BASE_TYPE_BAD_LENGTH', 'Must be between 2 and 100 in length.');
    const deleted: MessageRecord[] = [];
    for (const id of unique) {
      const message = await this.deps.store.messages.get(channelId, id);
      if (message === undefined || message.deleted) continue;
      if (await this.deps.store.messages.delete(channelId, id)) deleted.push(message);
    }
    if (deleted.length === 0) return;
    this.deps.events.publish({
      type: 'MESSAGE_DELETE_BULK',
      data: toMessageDeleteBulkEvent(channelId, deleted, context.channel.guildId),
      route: channelRoute(context.channel),
    });
  }

  /**
   * A reply must point at a live message of the same channel that the author may read; anything
   * else is "unknown" (400 50035), or no reply at all when `fail_if_not_exists` is false.
   */
  private async resolveReference(
    context: ChannelAccess,
    reference: MessageReferenceInput,
  ): Promise<MessageRecord | null> {
    if (reference.type === 1) {
      throw fieldError(
        'message_reference',
        'MESSAGE_REFERENCE_TYPE_UNSUPPORTED',
        'Forwarding messages is not supported.',
      );
    }
    if (reference.message_id === undefined) {
      throw fieldError('message_reference', 'BASE_TYPE_REQUIRED', 'message_id is required.');
    }
    const channel = context.channel;
    const sameChannel =
      (reference.channel_id === undefined || reference.channel_id === channel.id) &&
      (reference.guild_id === undefined || reference.guild_id === channel.guildId);
    const readable = hasPermission(context.permissions, Permission.READ_MESSAGE_HISTORY);
    const target =
      sameChannel && readable ? await this.deps.store.messages.get(channel.id, reference.message_id) : undefined;
    if (target !== undefined && !target.deleted) return target;
    if (reference.fail_if_not_exists === false) return null;
    throw fieldError('message_reference', 'REPLIES_UNKNOWN_MESSAGE', 'Unknown message');
  }

  /**
   * Mentions of edited content. A reply keeps pinging the replied author if it did before, unless
   * the edit's allowed_mentions turns that off.
   */
  private remention(
    context: ChannelAccess,
    message: MessageRecord,
    reference: MessageRecord | null,
    content: string,
    allowed: EditMessageBody['allowed_mentions'],
  ): Promise<ResolvedMentions> {
    const policy = mentionPolicy(allowed);
    const keepsPing =
      reference !== null && allowed?.replied_user !== false && message.mentionUserIds.includes(reference.authorId);
    policy.repliedUser = keepsPing;
    return this.mentions.resolve({ context, content, policy, repliedAuthorId: keepsPing ? reference.authorId : null });
  }
}
