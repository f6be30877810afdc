import { snowflakeFromTimestamp } from '@concord/protocol';
import type { Store } from '../../stores/ports';
import { compareIds } from '../../wire/guilds';
import { toMessageDeleteEvent } from '../../wire/messages';
import type { GuildAnnouncer } from './GuildAnnouncer';

const PAGE_SIZE = 100;

/**
 * Tombstones one author's messages of the last `seconds` in every channel of a guild (a ban's
 * `delete_message_seconds`). Each channel is read as an id range from the window's start, page by
 * page, so storage is only ever asked for one channel at a time. Resolves how many were deleted.
 */
export async function purgeRecentMessages(
  store: Store,
  announce: GuildAnnouncer,
  input: { guildId: string; authorId: string; sinceMs: number },
): Promise<number> {
  const windowStart = BigInt(snowflakeFromTimestamp(input.sinceMs));
  // `afterId` is exclusive: start just below the first id the window can hold.
  const start = (windowStart > 0n ? windowStart - 1n : 0n).toString();
  let deleted = 0;
  for (const channel of await store.channels.listForGuild(input.guildId)) {
    if (channel.lastMessageId === null || compareIds(channel.lastMessageId, start) <= 0) continue;
    let cursor = start;
    for (;;) {
      const page = await store.messages.list(channel.id, { afterId: cursor, limit: PAGE_SIZE });
      for (const message of page) {
        if (message.deleted || message.authorId !== input.authorId) continue;
        if (!(await store.messages.delete(channel.id, message.id))) continue;
        deleted += 1;
        announce.messageDeleted(input.guildId, channel.id, toMessageDeleteEvent(message, input.guildId));
      }
      const last = page[page.length - 1];
      if (last === undefined || page.length < PAGE_SIZE) break;
      cursor = last.id;
    }
  }
  return deleted;
}
