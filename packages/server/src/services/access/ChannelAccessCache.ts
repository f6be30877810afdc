import type { ChannelDefinition, ChannelRecord } from '../../stores/records';

interface ChannelEntry {
  channel: ChannelDefinition;
  expiresAt: number;
}

/**
 * Channel definitions (type, guild, overwrites, recipients) as message sends and reads check them,
 * kept in memory instead of two queries per request. Like GuildAccessCache, an entry is dropped
 * whenever this node learns the channel changed — a private channel by `forgetChannel`, a guild
 * channel with the rest of its guild's access data by `forgetGuild` — and the TTL bounds how long a
 * change announced on a lost bus message could go unseen. Heads (`last_seq`) are never kept: they
 * move with every message.
 */
export class ChannelAccessCache {
  private readonly channels = new Map<string, ChannelEntry>();
  /** The cached channels of each guild, so a guild's invalidation finds them. */
  private readonly byGuild = new Map<string, Set<string>>();
  /** Bumped by every invalidation: a lookup that raced with one must not be cached. */
  private epoch = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
  ) {}

  get currentEpoch(): number {
    return this.epoch;
  }

  get(channelId: string, now: number): ChannelDefinition | undefined {
    const entry = this.channels.get(channelId);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.drop(channelId);
      return undefined;
    }
    return entry.channel;
  }

  /** Caches what a lookup that started at `epoch` read, unless an invalidation came in between. */
  put(channel: ChannelRecord, now: number, epoch: number): void {
    if (epoch !== this.epoch || this.capacity === 0) return;
    this.drop(channel.id);
    const { lastSeq: _seq, lastMessageId: _head, ...definition } = channel;
    this.channels.set(channel.id, { channel: Object.freeze(definition), expiresAt: now + this.ttlMs });
    if (channel.guildId !== null) {
      const ids = this.byGuild.get(channel.guildId) ?? new Set<string>();
      ids.add(channel.id);
      this.byGuild.set(channel.guildId, ids);
    }
    // Map order is insertion order: the first key is the channel cached longest ago.
    while (this.channels.size > this.capacity) this.drop(this.channels.keys().next().value as string);
  }

  forgetChannel(channelId: string): void {
    this.epoch += 1;
    this.drop(channelId);
  }

  forgetGuild(guildId: string): void {
    this.epoch += 1;
    for (const channelId of this.byGuild.get(guildId) ?? []) this.channels.delete(channelId);
    this.byGuild.delete(guildId);
  }

  forgetAll(): void {
    this.epoch += 1;
    this.channels.clear();
    this.byGuild.clear();
  }

  private drop(channelId: string): void {
    const entry = this.channels.get(channelId);
    if (entry === undefined) return;
    this.channels.delete(channelId);
    const guildId = entry.channel.guildId;
    if (guildId === null) return;
    const ids = this.byGuild.get(guildId);
    ids?.delete(channelId);
    if (ids?.size === 0) this.byGuild.delete(guildId);
  }
}
