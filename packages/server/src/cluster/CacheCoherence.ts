import { BusSubject, type Bus } from '../bus/Bus';
import type { DomainEvent, LocalEventPublisher } from '../domain/events';

/** What a node caches per request path, and can be told to forget. */
export interface NodeCaches {
  /** Tokens of this user (sessions revoked, profile changed). */
  forgetUser(userId: string): void;
  /** Access data of this guild (roles, members, bans, ownership, its channels changed). */
  forgetGuild(guildId: string): void;
  /** This private channel (its recipients or settings changed). */
  forgetChannel(channelId: string): void;
  /** Everything: invalidations may have been lost. */
  forgetAll(): void;
}

type Invalidation = { user: string } | { guild: string } | { channel: string };

/** Guild and private channel events that change content, never who may do what: they leave the access caches alone. */
const CONTENT_EVENTS = new Set([
  'MESSAGE_CREATE',
  'MESSAGE_UPDATE',
  'MESSAGE_DELETE',
  'MESSAGE_DELETE_BULK',
  'MESSAGE_REACTION_ADD',
  'MESSAGE_REACTION_REMOVE',
  'MESSAGE_REACTION_REMOVE_ALL',
  'MESSAGE_REACTION_REMOVE_EMOJI',
  'TYPING_START',
  'CHANNEL_PINS_UPDATE',
]);

/** Private channel objects go to each recipient on their own route (see ChannelAnnouncer). */
const PRIVATE_CHANNEL_CHANGES = new Set(['CHANNEL_CREATE', 'CHANNEL_UPDATE', 'CHANNEL_DELETE']);

/** The caches an event makes stale. Unknown guild or channel events count as access changes: safe by default. */
export function invalidationsFor(event: DomainEvent): Invalidation[] {
  const { type, route } = event;
  if (route.kind === 'guild') return CONTENT_EVENTS.has(type) ? [] : [{ guild: route.guildId }];
  if (route.kind === 'private') return CONTENT_EVENTS.has(type) ? [] : [{ channel: route.channelId }];
  if (PRIVATE_CHANNEL_CHANGES.has(type)) {
    const { id } = event.data as { id?: unknown };
    return typeof id === 'string' ? [{ channel: id }] : [];
  }
  if (type === 'SESSIONS_REVOKED' || type === 'USER_UPDATE') return route.userIds.map((user) => ({ user }));
  if (type.startsWith('GUILD_')) {
    const data = event.data as { id?: unknown; guild_id?: unknown };
    const guildId = typeof data.guild_id === 'string' ? data.guild_id : data.id;
    if (typeof guildId === 'string') return [{ guild: guildId }];
  }
  return [];
}

/**
 * Keeps the per-node caches (principals, guild access) coherent across the cluster: a change made
 * on this node clears this node's caches at once, before the request that made it answers, and is
 * announced on one node-wide subject that every node hears. Access changes are rare next to
 * messages, so every node hearing every one costs little. When the bus reports a gap (the node was
 * cut off from the broker and is back), every cache is dropped; the caches' TTLs cover any other
 * announcement lost on the (at-most-once) bus.
 */
export function keepCachesCoherent(bus: Bus, events: LocalEventPublisher, caches: NodeCaches): () => void {
  const apply = (invalidation: Invalidation) => {
    if ('user' in invalidation) caches.forgetUser(invalidation.user);
    else if ('guild' in invalidation) caches.forgetGuild(invalidation.guild);
    else caches.forgetChannel(invalidation.channel);
  };
  const subscription = bus.subscribe(BusSubject.caches, (payload) => {
    try {
      apply(JSON.parse(payload) as Invalidation);
    } catch {
      // Not ours or garbled: nothing to forget.
    }
  });
  // Cut off from the broker and back: any invalidation sent meanwhile is lost, so start over.
  const stopGaps = bus.onGap(() => caches.forgetAll());
  const unsubscribe = events.subscribe((event) => {
    for (const invalidation of invalidationsFor(event)) {
      apply(invalidation);
      bus.publish(BusSubject.caches, JSON.stringify(invalidation));
    }
  });
  return () => {
    stopGaps();
    unsubscribe();
    subscription.unsubscribe();
  };
}
