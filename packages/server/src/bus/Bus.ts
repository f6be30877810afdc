/**
 * The fan-out transport between the nodes of a cluster (and, embedded, within one process).
 *
 * Contract (what every implementation guarantees, and no more):
 * - `publish` is fire-and-forget and at-most-once: a message may be lost (a node is cut off, the
 *   broker restarts) and, across reconnects, repeated. Callers never rely on the bus for
 *   durability: the store is the truth and clients catch up by `seq`.
 * - Messages published by one publisher on one subject arrive in publication order at every
 *   subscriber of that subject.
 * - A subscriber receives only messages published after `subscribe` returned.
 * - Handlers are called asynchronously, never inside `publish`.
 * - `onGap` listeners are called when messages to this instance may have been lost (it was cut off
 *   from the broker and is back): whatever was kept current by bus messages must be rebuilt. An
 *   implementation that never loses messages never calls them.
 */
export interface Bus {
  publish(subject: string, payload: string): void;
  subscribe(subject: string, handler: (payload: string) => void): BusSubscription;
  /** Returns the way to stop listening. */
  onGap(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface BusSubscription {
  unsubscribe(): void;
}

/**
 * Subject naming, in one place: `guild.<id>` carries a guild's events, `user.<id>` a user's, and
 * `node.caches` (heard by every node) what per-node caches must forget.
 */
export const BusSubject = {
  guild: (guildId: string) => `guild.${guildId}`,
  user: (userId: string) => `user.${userId}`,
  caches: 'node.caches',
} as const;
