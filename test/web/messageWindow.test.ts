import type { Message } from '@concord/protocol';
import { describe, expect, test } from 'vitest';
import { buildRows } from '../../packages/web/src/lib/rows';
import { applyPage, mergeBySeq, upsertMessage, useMessages } from '../../packages/web/src/store/messages';

function message(seq: number, author = 'a', minute = seq): Message {
  return {
    id: String(1000 + seq),
    channel_id: '1',
    author: { id: author, username: author, discriminator: '0', global_name: null, avatar: null, public_flags: 0 },
    content: `m${seq}`,
    timestamp: new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
    flags: 0,
    seq,
  };
}

describe('the per-channel message window', () => {
  test('merging by seq keeps order and never doubles a message', () => {
    const merged = mergeBySeq([message(1), message(3)], [message(2), message(3), message(1)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  test('pages and live messages fill one contiguous window; a hole after it is reported', () => {
    // Newest page (descending, with a tombstone), then an older one.
    applyPage('1', [message(5), { ...message(4), deleted: true }, message(3)], 3, true);
    let window = useMessages.getState().byChannel['1'];
    expect(window?.items.map((m) => m.seq)).toEqual([3, 5]);
    expect(window?.oldestSeq).toBe(3);
    expect(window?.hasMoreBefore).toBe(true);
    applyPage('1', [message(2), message(1)], 3, false);
    window = useMessages.getState().byChannel['1'];
    expect(window?.items.map((m) => m.seq)).toEqual([1, 2, 3, 5]);
    expect(window?.hasMoreBefore).toBe(false);

    expect(upsertMessage(message(6))).toBe(true);
    expect(upsertMessage(message(6))).toBe(true); // a replay: held once
    expect(upsertMessage(message(9))).toBe(false); // 7 and 8 are missing: the caller fills the gap
    expect(useMessages.getState().byChannel['1']?.items.map((m) => m.seq)).toEqual([1, 2, 3, 5, 6, 9]);
  });

  test('rows: groups by author within minutes, a day line per day, the new line after the marker', () => {
    const items = [
      message(1, 'a', 0),
      message(2, 'a', 1),
      message(3, 'b', 2),
      message(4, 'b', 30),
      message(5, 'a', 31),
    ];
    const rows = buildRows(items, [], { atStart: true, markerSeq: 3, meId: 'a' });
    expect(rows.map((row) => row.kind)).toEqual(['start', 'message', 'message', 'message', 'message', 'message']);
    const messages = rows.filter((row) => row.kind === 'message');
    expect(messages.map((row) => row.grouped)).toEqual([false, true, false, false, false]);
    expect(messages.map((row) => row.day !== undefined)).toEqual([true, false, false, false, false]);
    // The first unread message from someone else carries the line.
    expect(messages.map((row) => row.unreadStart)).toEqual([false, false, false, true, false]);
  });
});
