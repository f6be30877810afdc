import type { Message, MessageDeleteEvent, SyncMessage } from '@concord/protocol';
import { ApiRequestError } from '../RestClient';

/** A message known to be deleted: it takes its seq, but is never delivered as new. */
export type Tombstone = MessageDeleteEvent & { deleted: true };
/** What ChannelSync holds above a channel's cursor. */
export type Held = Message | Tombstone;

export function isTombstone(held: Held): held is Tombstone {
  return 'deleted' in held && held.deleted === true;
}

export function tombstoneOf(message: SyncMessage): Tombstone {
  const tombstone: Tombstone = { id: message.id, channel_id: message.channel_id, seq: message.seq, deleted: true };
  if (message.guild_id !== undefined) tombstone.guild_id = message.guild_id;
  return tombstone;
}

export function deleteEventOf(tombstone: Tombstone): MessageDeleteEvent {
  const { deleted: _deleted, ...event } = tombstone;
  return event;
}

/** Of two copies of one message, the one that reflects more: a deletion wins, then the later edit. */
export function fresher(current: Held | undefined, incoming: Held): Held {
  if (current === undefined) return incoming;
  if (isTombstone(current)) return current;
  if (isTombstone(incoming)) return incoming;
  return editedAt(incoming) > editedAt(current) ? incoming : current;
}

function editedAt(message: Message): number {
  return message.edited_timestamp === null ? 0 : Date.parse(message.edited_timestamp) || 0;
}

/** A 4xx (other than 429) will not change by retrying: the channel is gone or no longer visible. */
export function isRefusal(error: unknown): boolean {
  return error instanceof ApiRequestError && error.status >= 400 && error.status < 500 && error.status !== 429;
}
