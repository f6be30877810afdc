import { ErrorCode, type AckBody, type ReadState } from '@concord/protocol';
import { DomainError } from '../domain/errors';
import { toMessageAckEvent, toReadState } from '../wire/readStates';
import type { ChannelAccess } from './AccessService';
import type { ServiceDeps } from './index';

/**
 * Read markers per (user, channel), shared by all of a user's devices: acking on one device moves
 * the marker for all of them, and MESSAGE_ACK tells the others.
 */
export class ReadStateService {
  /** Last ack version handed out: ms-based so it also increases across restarts, never repeats here. */
  private lastVersion = 0;

  constructor(private readonly deps: ServiceDeps) {}

  /**
   * Marks the channel read up to the message. The marker never moves backwards unless `manual`
   * (Discord's "mark unread"). The mention count is what stays unread after the marker.
   */
  async ack(userId: string, channelId: string, messageId: string, body: AckBody): Promise<void> {
    const { store, access, events } = this.deps;
    const context = await access.channelAccess(userId, channelId);
    // A tombstone still has its seq: acking a message deleted meanwhile is a normal race, not an error.
    const message = await store.messages.get(channelId, messageId);
    if (message === undefined) throw new DomainError(ErrorCode.UnknownMessage);
    const mentionCount = await store.messages.countMentions(channelId, userId, roleIdsOf(context), message.seq);
    const stored = await store.readStates.ack(
      { userId, channelId, lastReadSeq: message.seq, lastMessageId: message.id, mentionCount },
      body.manual === true,
    );
    // An ack behind the marker changed nothing; the devices already know the newer state.
    if (stored.lastReadSeq !== message.seq) return;
    events.publish({
      type: 'MESSAGE_ACK',
      data: toMessageAckEvent(stored, this.nextVersion()),
      route: { kind: 'users', userIds: [userId] },
    });
  }

  /**
   * The caller's read states for channels they can still view, with mention counts counted now (a
   * mention arriving after the last ack is unread too).
   */
  async list(userId: string): Promise<ReadState[]> {
    const { store, access } = this.deps;
    const states = await store.readStates.listForUser(userId);
    const visible = await Promise.all(
      states.map(async (state) => {
        let context: ChannelAccess;
        try {
          context = await access.channelAccess(userId, state.channelId);
        } catch (error) {
          if (error instanceof DomainError) return undefined;
          throw error;
        }
        const mentions = await store.messages.countMentions(
          state.channelId,
          userId,
          roleIdsOf(context),
          state.lastReadSeq,
        );
        return toReadState(state, mentions);
      }),
    );
    return visible.filter((state) => state !== undefined);
  }

  private nextVersion(): number {
    this.lastVersion = Math.max(this.deps.clock.now(), this.lastVersion + 1);
    return this.lastVersion;
  }
}

/** Role mentions count for the roles the user holds in the channel's guild (none in DMs). */
function roleIdsOf(context: ChannelAccess): readonly string[] {
  return context.guild?.member.roleIds ?? [];
}
