import type { Message } from '@concord/protocol';
import type { PendingMessage } from '../store/messages';
import { formatDay, sameDay } from './time';

/** One row of the virtualized message list. */
export type Row =
  | { kind: 'start'; key: string }
  | {
      kind: 'message';
      key: string;
      message: Message;
      grouped: boolean;
      /** A day separator above the message (the first of its day). */
      day: string | undefined;
      /** The "new messages" line above the message (the first unread one). */
      unreadStart: boolean;
    }
  | { kind: 'pending'; key: string; pending: PendingMessage };

/** Messages of one author within this many ms are shown as one group (Discord: 7 minutes). */
const GROUP_MS = 7 * 60_000;

/**
 * Turns the loaded window into rows: the channel's start (once the oldest page is in), messages
 * (with their day separator and "new messages" line), then pending sends. Separators ride on their
 * message's row, so an older page only ever adds rows at the start (what the list's `shift` expects).
 */
export function buildRows(
  items: readonly Message[],
  pending: readonly PendingMessage[],
  options: { atStart: boolean; markerSeq: number | undefined; meId: string | undefined },
): Row[] {
  const rows: Row[] = [];
  if (options.atStart) rows.push({ kind: 'start', key: 'start' });
  let previous: Message | undefined;
  let markerPlaced = false;
  for (const message of items) {
    const newDay = previous === undefined || !sameDay(previous.timestamp, message.timestamp);
    const unreadStart =
      !markerPlaced &&
      options.markerSeq !== undefined &&
      message.seq > options.markerSeq &&
      previous !== undefined &&
      message.author.id !== options.meId;
    if (options.markerSeq !== undefined && message.seq > options.markerSeq) markerPlaced = true;
    const grouped =
      previous !== undefined &&
      !newDay &&
      !unreadStart &&
      previous.author.id === message.author.id &&
      message.message_reference === undefined &&
      Date.parse(message.timestamp) - Date.parse(previous.timestamp) < GROUP_MS;
    rows.push({
      kind: 'message',
      key: message.id,
      message,
      grouped,
      day: newDay ? formatDay(message.timestamp) : undefined,
      unreadStart,
    });
    previous = message;
  }
  for (const item of pending) rows.push({ kind: 'pending', key: `pending-${item.nonce}`, pending: item });
  return rows;
}
