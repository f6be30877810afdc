/** A node of the cluster as the others, and the load balancer's helpers, see it. */
export interface NodeInfo {
  /** Unique per running node process (a restarted node is a new node). */
  id: string;
  /** Where clients reach this node: its public URL (the gateway is at the same origin). */
  url: string;
  /** Open gateway connections. */
  connections: number;
  /** Unitless, lower is better (e.g. connections ÷ capacity, event-loop lag); only compared across nodes. */
  load: number;
}

export type NodeStats = Pick<NodeInfo, 'connections' | 'load'>;

export type DiscoveryErrorCode = 'NO_FREE_WORKER_ID' | 'NOT_REGISTERED';

/** Expected failures of discovery, told apart by `code`. */
export class DiscoveryError extends Error {
  override name = 'DiscoveryError';

  constructor(
    readonly code: DiscoveryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Which nodes are alive, how loaded, and which snowflake worker ids they hold.
 *
 * Contract (every implementation, the embedded one where one node makes it meaningful):
 * - `register(node)` makes the node live: it is in this instance's `liveNodes()` when `register`
 *   resolves and in every other instance's soon after. It stays live while the instance runs: the
 *   implementation renews it by itself, `update` is not needed to stay alive. Registering again
 *   replaces the record.
 * - `update(stats)` publishes new stats (and renews). Before `register`, it rejects with
 *   `NOT_REGISTERED`.
 * - `deregister()` takes the node out of `liveNodes()` (this instance's at once, others' soon)
 *   while it keeps its worker id: a draining node still mints ids. Idempotent.
 * - `liveNodes()` lists the live nodes least loaded first (`byLeastLoaded`). A node that stops
 *   renewing (crashed, cut off from the others) drops out within the TTL.
 * - `leaseWorkerId()` answers a worker id in 0..1023 that no other live instance holds, the same one
 *   on every call while it is held. It is held until `close`; it can be lost only if this instance
 *   could not renew it for a whole TTL and another instance took it meanwhile, in which case the
 *   `onWorkerIdLost` listeners are told (the node must stop minting ids with it). A held id becomes
 *   free one TTL after its holder stops renewing. Rejects with `NO_FREE_WORKER_ID` when every id of
 *   the range is held.
 * - `close()` deregisters, releases the worker id and stops renewing. Idempotent.
 */
export interface Discovery {
  register(node: NodeInfo): Promise<void>;
  update(stats: NodeStats): Promise<void>;
  deregister(): Promise<void>;
  liveNodes(): Promise<NodeInfo[]>;
  leaseWorkerId(): Promise<number>;
  /** Returns the way to stop listening. */
  onWorkerIdLost(listener: (workerId: number) => void): () => void;
  close(): Promise<void>;
}

/** The order of `liveNodes()`: lowest load, then fewest connections, then id (stable). */
export function byLeastLoaded(a: NodeInfo, b: NodeInfo): number {
  return a.load - b.load || a.connections - b.connections || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export const MAX_WORKER_ID = 1023;
