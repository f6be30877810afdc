import { ErrorCode, Limits, Permission, hasPermission, type ListReactionsQuery, type User } from '@concord/protocol';
import { DomainError } from '../../domain/errors';
import type { MessageRecord } from '../../stores/records';
import { toMessageReactionEvent, toReactionClearEvent } from '../../wire/messages';
import { toUser } from '../../wire/users';
import { requirePermission, type ChannelAccess } from '../AccessService';
import type { ServiceDeps } from '../index';
import { parseReactionEmoji } from './emoji';
import { channelRoute } from './eventRoute';
import { requireLive } from './messageRules';

const DEFAULT_REACTION_PAGE = 25;

interface Target {
  context: ChannelAccess;
  message: MessageRecord;
  emoji: string;
}

/**
 * Reactions, at Discord's paths and rules: reacting needs READ_MESSAGE_HISTORY, and ADD_REACTIONS
 * only to put a new emoji on the message (joining an existing one is allowed without it); removing
 * someone else's needs MANAGE_MESSAGES, which DMs do not have (50003 there, as on Discord).
 */
export class ReactionService {
  constructor(private readonly deps: ServiceDeps) {}

  async add(userId: string, channelId: string, messageId: string, rawEmoji: string): Promise<void> {
    const { context, message, emoji } = await this.target(userId, channelId, messageId, rawEmoji);
    const counts = (await this.deps.store.messages.reactionCounts(channelId, [messageId], userId)).get(messageId) ?? [];
    const existing = counts.find((c) => c.emoji === emoji);
    if (existing?.me === true) return;
    if (existing === undefined) {
      requirePermission(context.permissions, Permission.ADD_REACTIONS);
      // Checked before the write, so two racing new emoji can briefly make it one over the limit.
      if (counts.length >= Limits.reactionsPerMessage) throw new DomainError(ErrorCode.MaxReactions);
    }
    if (!(await this.deps.store.messages.addReaction(channelId, messageId, userId, emoji))) return;
    const member = context.guild?.member;
    this.deps.events.publish({
      type: 'MESSAGE_REACTION_ADD',
      data: toMessageReactionEvent({
        userId,
        message,
        emoji,
        guildId: context.channel.guildId,
        ...(member === undefined ? {} : { member }),
      }),
      route: channelRoute(context.channel),
    });
  }

  /** Removes the caller's own reaction, or (with MANAGE_MESSAGES) another user's. */
  async remove(
    callerId: string,
    channelId: string,
    messageId: string,
    rawEmoji: string,
    targetUserId: string = callerId,
  ): Promise<void> {
    const { context, message, emoji } = await this.target(callerId, channelId, messageId, rawEmoji);
    if (targetUserId !== callerId) this.requireModerator(context);
    if (!(await this.deps.store.messages.removeReaction(channelId, messageId, targetUserId, emoji))) return;
    this.deps.events.publish({
      type: 'MESSAGE_REACTION_REMOVE',
      data: toMessageReactionEvent({ userId: targetUserId, message, emoji, guildId: context.channel.guildId }),
      route: channelRoute(context.channel),
    });
  }

  /** Users who reacted with an emoji, ordered by id. Burst (super) reactions do not exist here. */
  async users(
    userId: string,
    channelId: string,
    messageId: string,
    rawEmoji: string,
    query: ListReactionsQuery,
  ): Promise<User[]> {
    const { emoji } = await this.target(userId, channelId, messageId, rawEmoji);
    if (query.type === 1) return [];
    const page: { after?: string; limit: number } = { limit: query.limit ?? DEFAULT_REACTION_PAGE };
    if (query.after !== undefined) page.after = query.after;
    const ids = await this.deps.store.messages.listReactionUsers(channelId, messageId, emoji, page);
    const users = new Map((await this.deps.store.users.getMany(ids)).map((u) => [u.id, u]));
    return ids.flatMap((id) => {
      const user = users.get(id);
      return user === undefined ? [] : [toUser(user)];
    });
  }

  /** Removes every reaction of the message, or every reaction with one emoji. */
  async clear(userId: string, channelId: string, messageId: string, rawEmoji?: string): Promise<void> {
    const context = await this.deps.access.channelAccess(userId, channelId);
    this.requireModerator(context);
    const emoji = rawEmoji === undefined ? undefined : parseReactionEmoji(rawEmoji);
    const message = requireLive(await this.deps.store.messages.get(channelId, messageId));
    const removed = await this.deps.store.messages.clearReactions(channelId, messageId, emoji);
    if (removed === 0) return;
    this.deps.events.publish({
      type: emoji === undefined ? 'MESSAGE_REACTION_REMOVE_ALL' : 'MESSAGE_REACTION_REMOVE_EMOJI',
      data: toReactionClearEvent(message, context.channel.guildId, emoji),
      route: channelRoute(context.channel),
    });
  }

  private async target(userId: string, channelId: string, messageId: string, rawEmoji: string): Promise<Target> {
    const context = await this.deps.access.channelAccess(userId, channelId);
    requirePermission(context.permissions, Permission.READ_MESSAGE_HISTORY);
    const message = requireLive(await this.deps.store.messages.get(channelId, messageId));
    return { context, message, emoji: parseReactionEmoji(rawEmoji) };
  }

  private requireModerator(context: ChannelAccess): void {
    if (context.guild === undefined) throw new DomainError(ErrorCode.CannotExecuteOnDM);
    if (!hasPermission(context.permissions, Permission.MANAGE_MESSAGES)) {
      throw new DomainError(ErrorCode.MissingPermissions);
    }
  }
}
