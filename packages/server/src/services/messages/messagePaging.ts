import type { ListMessagesQuery } from '@concord/protocol';
import { fieldError } from '../../domain/errors';
import type { MessageRange, MessageStore } from '../../stores/ports';
import type { MessageRecord } from '../../stores/records';

export const DEFAULT_PAGE_SIZE = 50;

/**
 * A page skips tombstones, so a run of deleted messages could otherwise cost unbounded reads; past
 * this many store pages the page is returned short (the client's next cursor moves on past them).
 */
const MAX_ROUNDS = 20;

type Cursor = Omit<MessageRange, 'limit'>;

/**
 * `GET /channels/{id}/messages` in both of its dialects:
 * - Discord's `around` / `before` / `after` (any snowflake, so also a time): live messages only,
 *   newest first whatever the cursor;
 * - Concord's `after_seq` / `before_seq`, the sync cursor: tombstones included so the seq run has no
 *   holes; ascending when `after_seq` is given (with `before_seq` too, the window between them),
 *   descending with `before_seq` alone.
 */
export async function listMessagePage(
  store: MessageStore,
  channelId: string,
  query: ListMessagesQuery,
): Promise<MessageRecord[]> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const idCursors = [query.around, query.before, query.after].filter((c) => c !== undefined).length;
  const seqCursors = query.after_seq !== undefined || query.before_seq !== undefined;
  if (idCursors > 1 || (idCursors > 0 && seqCursors)) {
    throw fieldError(
      '_root',
      'MESSAGE_CURSOR_CONFLICT',
      'Use only one of around, before, after (or after_seq / before_seq).',
    );
  }
  if (seqCursors) {
    const range: MessageRange = { limit };
    if (query.after_seq !== undefined) range.afterSeq = query.after_seq;
    if (query.before_seq !== undefined) range.beforeSeq = query.before_seq;
    return store.list(channelId, range);
  }
  if (query.around !== undefined) return around(store, channelId, query.around, limit);
  if (query.after !== undefined) {
    return (await collectLive(store, channelId, { afterId: query.after }, limit, 'forwards')).reverse();
  }
  const cursor: Cursor = query.before === undefined ? {} : { beforeId: query.before };
  return collectLive(store, channelId, cursor, limit, 'backwards');
}

/**
 * Discord's `around`: the message itself (if it exists) and those just after it fill half the page,
 * those just before it the other half.
 */
async function around(store: MessageStore, channelId: string, id: string, limit: number): Promise<MessageRecord[]> {
  const newer = limit - Math.floor(limit / 2);
  const center = BigInt(id);
  // The cursors are exclusive: start just below `id` so the message itself is included.
  const fromCenter: Cursor = center === 0n ? { afterSeq: 0 } : { afterId: (center - 1n).toString() };
  const [after, before] = await Promise.all([
    collectLive(store, channelId, fromCenter, newer, 'forwards'),
    collectLive(store, channelId, { beforeId: id }, Math.floor(limit / 2), 'backwards'),
  ]);
  return [...after.reverse(), ...before];
}

/** Up to `limit` live messages from the cursor on, reading past tombstones in store order. */
async function collectLive(
  store: MessageStore,
  channelId: string,
  start: Cursor,
  limit: number,
  direction: 'forwards' | 'backwards',
): Promise<MessageRecord[]> {
  const live: MessageRecord[] = [];
  let cursor = start;
  for (let round = 0; round < MAX_ROUNDS && live.length < limit; round++) {
    // Ask for a few more than missing, so a stray tombstone rarely costs a second read.
    const pageSize = Math.min(100, limit - live.length + (round === 0 ? 0 : 10));
    const page = await store.list(channelId, { ...cursor, limit: pageSize });
    for (const message of page) if (!message.deleted && live.length < limit) live.push(message);
    const last = page[page.length - 1];
    if (page.length < pageSize || last === undefined) break;
    cursor = direction === 'forwards' ? { ...cursor, afterSeq: last.seq } : { ...cursor, beforeSeq: last.seq };
  }
  return live;
}
