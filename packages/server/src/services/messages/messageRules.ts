import { ChannelType, ErrorCode, MessageType, type CreateMessageBody } from '@concord/protocol';
import { DomainError, fieldError } from '../../domain/errors';
import type { ChannelDefinition, MessageRecord } from '../../stores/records';

/** Discord's message flags that matter here. */
export const MessageFlag = {
  SUPPRESS_EMBEDS: 1 << 2,
  SUPPRESS_NOTIFICATIONS: 1 << 12,
} as const;

/** What a sender may set on a new message; other bits are server-set in Discord. */
const CREATABLE_FLAGS = MessageFlag.SUPPRESS_EMBEDS | MessageFlag.SUPPRESS_NOTIFICATIONS;
/** What an edit may change; other bits are kept as they are. */
const EDITABLE_FLAGS = MessageFlag.SUPPRESS_EMBEDS;

const TEXT_CHANNEL_TYPES: ReadonlySet<number> = new Set([ChannelType.GUILD_TEXT, ChannelType.DM, ChannelType.GROUP_DM]);

/** Only text channels, DMs and group DMs hold messages; a category is 50008. */
export function requireTextChannel(channel: ChannelDefinition): void {
  if (!TEXT_CHANNEL_TYPES.has(channel.type)) throw new DomainError(ErrorCode.CannotSendInNonTextChannel);
}

/** Discord trims message content; a message of only whitespace is empty (50006). */
export function requireContent(content: string | undefined | null): string {
  const trimmed = (content ?? '').trim();
  if (trimmed.length === 0) throw new DomainError(ErrorCode.CannotSendEmptyMessage);
  return trimmed;
}

export function creationFlags(flags: number | undefined): number {
  if (flags === undefined) return 0;
  if ((flags & ~CREATABLE_FLAGS) !== 0) {
    throw fieldError('flags', 'MESSAGE_FLAGS_INVALID', 'Only SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS can be set.');
  }
  return flags;
}

export function editedFlags(current: number, requested: number): number {
  return (current & ~EDITABLE_FLAGS) | (requested & EDITABLE_FLAGS);
}

/**
 * Discord's nonce is a string or an integer; both deduplicate by their decimal string form. An
 * empty string is no nonce: deduplicating on it would fold unrelated messages into one.
 */
export function normaliseNonce(nonce: CreateMessageBody['nonce']): string | null {
  if (nonce === undefined || nonce === '') return null;
  return typeof nonce === 'number' ? String(nonce) : nonce;
}

/** A message that exists and is not a tombstone, or 10008 (deleted ones look missing). */
export function requireLive(message: MessageRecord | undefined): MessageRecord {
  if (message === undefined || message.deleted) throw new DomainError(ErrorCode.UnknownMessage);
  return message;
}

/** Messages whose text someone typed; system messages (joins, recipient changes) have no editable text. */
const TYPED_MESSAGE_TYPES: ReadonlySet<number> = new Set([MessageType.DEFAULT, MessageType.REPLY]);

/** Only the author may change a message's content, and only of a message they typed (50005). */
export function requireContentEditor(message: MessageRecord, userId: string): void {
  if (message.authorId !== userId || !TYPED_MESSAGE_TYPES.has(message.type)) {
    throw new DomainError(ErrorCode.CannotEditOtherUsersMessage);
  }
}
