import { ChannelType, type MessageType } from '@concord/protocol';
import type { Clock } from '../../domain/clock';
import type { EventPublisher } from '../../domain/events';
import type { Store } from '../../stores/ports';
import type { UserRecord } from '../../stores/records';
import { toMessage } from '../../wire/messages';

export interface SystemMessage {
  channelId: string;
  type: MessageType;
  /** Who caused it: the message's author, as on Discord. */
  actor: UserRecord;
  /** Who it is about (the added or removed recipient). */
  mentions: readonly UserRecord[];
  content: string;
  /** Who may read the channel at this message's seq, and so receives MESSAGE_CREATE. */
  recipientIds: readonly string[];
}

/**
 * Appends a system message to a group DM through the store, so it takes the next `seq` like
 * any message and clients see membership changes in order with the conversation.
 */
export async function postSystemMessage(
  deps: { store: Store; clock: Clock; events: EventPublisher },
  message: SystemMessage,
): Promise<void> {
  const { message: stored } = await deps.store.messages.append({
    channelId: message.channelId,
    authorId: message.actor.id,
    content: message.content,
    type: message.type,
    nonce: null,
    tts: false,
    flags: 0,
    mentionEveryone: false,
    mentionUserIds: message.mentions.map((u) => u.id),
    mentionRoleIds: [],
    referenceMessageId: null,
    referenceChannelId: null,
    createdAt: deps.clock.now(),
  });
  deps.events.publish({
    type: 'MESSAGE_CREATE',
    data: toMessage(
      stored,
      { users: new Map([message.actor, ...message.mentions].map((u) => [u.id, u])) },
      { channelType: ChannelType.GROUP_DM },
    ),
    route: { kind: 'private', channelId: message.channelId, recipientIds: message.recipientIds },
  });
}
