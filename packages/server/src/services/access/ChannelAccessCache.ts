import type { ChannelDefinition, ChannelRecord } from '../../stores/records';
import { GroupedCache } from '../caching/GroupedCache';

/**
 * Channel definitions (type, guild, overwrites, recipients) as message sends and reads check them,
 * kept in memory instead of two queries per request. Like GuildAccessCache, an entry is dropped
 * whenever this node learns the channel changed — a private channel by `forgetChannel`, a guild
 * channel with the rest of its guild's access data by `forgetGuild` — and the TTL bounds how long a
 * change announced on a lost bus message could go unseen. Heads (`last_seq`) are never kept: they
 * move with every message.
 */
export class ChannelAccessCache {
  private readonly cache: GroupedCache<ChannelDefinition>;

  constructor(ttlMs: number, capacity: number) {
    this.cache = new GroupedCache(ttlMs, capacity);
  }

  get currentEpoch(): number {
    return this.cache.currentEpoch;
  }

  get(channelId: string, now: number): ChannelDefinition | undefined {
    return this.cache.get(channelId, now);
  }

  /** Caches what a lookup that started at `epoch` read, unless an invalidation came in between. */
  put(channel: ChannelRecord, now: number, epoch: number): void {
    const { lastSeq: _seq, lastMessageId: _head, ...definition } = channel;
    this.cache.put(channel.id, channel.guildId, Object.freeze(definition), now, epoch);
  }

  forgetChannel(channelId: string): void {
    this.cache.forget(channelId);
  }

  forgetGuild(guildId: string): void {
    this.cache.forgetGroup(guildId);
  }

  forgetAll(): void {
    this.cache.forgetAll();
  }
}
