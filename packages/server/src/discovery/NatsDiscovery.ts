import { randomBytes, randomInt } from 'node:crypto';
import type { KvEntry } from '@nats-io/kv';
import { KeyedWrites } from '../nats/KeyedWrites';
import { KvMirror } from '../nats/KvMirror';
import { kvToken } from '../nats/kvKey';
import { NatsLink, type NatsEndpoint } from '../nats/NatsLink';
import { OutageLog } from '../nats/OutageLog';
import { openTtlBucket, type TtlBucket } from '../nats/ttlBucket';
import {
  byLeastLoaded,
  DiscoveryError,
  MAX_WORKER_ID,
  type Discovery,
  type NodeInfo,
  type NodeStats,
} from './Discovery';

export interface NatsDiscoveryOptions extends NatsEndpoint {
  /** How long a node (and its worker id) outlives its last renewal. Default 30 s. */
  ttlMs?: number;
  /** Default `concord_discovery`; tests use their own. */
  bucket?: string;
  /** The worker ids this cluster leases, inclusive. Default 0..1023. */
  workerIds?: { min: number; max: number };
}

export const DEFAULT_DISCOVERY_TTL_MS = 30_000;

/** Opens cluster discovery on its own connection and waits until it has read the bucket. */
export async function openNatsDiscovery(options: NatsDiscoveryOptions): Promise<NatsDiscovery> {
  const range = options.workerIds ?? { min: 0, max: MAX_WORKER_ID };
  if (!Number.isInteger(range.min) || !Number.isInteger(range.max) || range.min < 0 || range.max > MAX_WORKER_ID) {
    throw new RangeError(`worker id range must lie within 0..${MAX_WORKER_ID}`);
  }
  if (range.min > range.max) throw new RangeError('worker id range is empty');
  const link = await NatsLink.open({ ...options, name: options.name ?? 'concord-discovery' });
  try {
    // File storage, unlike presence: a worker-id lease must survive a broker restart, or a node
    // starting right after one could be handed an id a live node is still minting with.
    const bucket = await openTtlBucket(
      link,
      options.bucket ?? 'concord_discovery',
      options.ttlMs ?? DEFAULT_DISCOVERY_TTL_MS,
      'file',
    );
    const discovery = new NatsDiscovery(link, bucket, range);
    await discovery.start();
    return discovery;
  } catch (error) {
    await link.close();
    throw error;
  }
}

type Entry = { kind: 'node'; node: NodeInfo } | { kind: 'worker'; workerId: number; holder: string };

interface Lease {
  workerId: number;
  /** The revision of our last write of `worker.<id>`: renewals are conditional on it. */
  revision: number;
}

const WRONG_LAST_SEQUENCE = 10071;

/**
 * Discovery in a NATS KV bucket with a bucket-wide TTL. `node.<id>` holds a node's record;
 * `worker.<n>` holds the lease on worker id n, naming the instance that holds it.
 *
 * - Every TTL/3 the instance rewrites its node record and renews its lease, so both drop out one
 *   TTL after it dies.
 * - A lease is taken with KV `create`, which fails if the key holds a value, and renewed with
 *   `update` conditional on the revision of our last write: nobody can take a live lease, and a
 *   renewal can never overwrite a lease someone else took after ours expired. If a renewal finds the
 *   key expired (we were cut off for a TTL) it takes it back with `create`; if it finds another
 *   holder, the lease is lost and `onWorkerIdLost` listeners are told.
 * - `liveNodes()` reads a local copy of the bucket (`KvMirror`): GET /gateway costs no round trip.
 */
export class NatsDiscovery implements Discovery {
  /** Names this instance in its leases (node ids are the operator's and may repeat across restarts). */
  private readonly holder = randomBytes(12).toString('base64url');
  private readonly writes = new KeyedWrites();
  private readonly mirror: KvMirror<Entry>;
  private readonly outage: OutageLog;
  private readonly lostListeners = new Set<(workerId: number) => void>();
  private node: NodeInfo | undefined;
  /** Our node key after `deregister`, hidden from the mirror until it sees it go (or the TTL passes). */
  private hidden: { key: string; until: number } | undefined;
  private lease: Lease | undefined;
  private leasing: Promise<number> | undefined;
  private renewer: NodeJS.Timeout | undefined;
  private renewing = false;
  private stopReconnect: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly link: NatsLink,
    private readonly bucket: TtlBucket,
    private readonly range: { min: number; max: number },
  ) {
    this.outage = new OutageLog(link.logger, 'nats discovery: renewing');
    this.mirror = new KvMirror({
      bucket,
      link,
      decode: decodeEntry,
      onDeleted: (key) => {
        if (this.hidden?.key === key) this.hidden = undefined;
      },
    });
  }

  /** The bucket's TTL in force (an existing bucket keeps its own). */
  get ttlMs(): number {
    return this.bucket.ttlMs;
  }

  async start(): Promise<void> {
    await this.mirror.start();
    this.renewer = setInterval(() => void this.renew(), Math.floor(this.bucket.ttlMs / 3));
    this.renewer.unref();
    this.stopReconnect = this.link.onReconnect(() => void this.renew());
  }

  async register(node: NodeInfo): Promise<void> {
    this.assertOpen();
    if (this.node !== undefined && this.node.id !== node.id) await this.deregister();
    this.node = { ...node };
    if (this.hidden?.key === nodeKey(node.id)) this.hidden = undefined;
    await this.writes.run(nodeKey(node.id), () => this.writeNode());
  }

  async update(stats: NodeStats): Promise<void> {
    this.assertOpen();
    if (this.node === undefined) throw new DiscoveryError('NOT_REGISTERED', 'update before register');
    this.node = { ...this.node, connections: stats.connections, load: stats.load };
    await Promise.all([this.writes.run(nodeKey(this.node.id), () => this.writeNode()), this.renewLease()]);
  }

  async deregister(): Promise<void> {
    if (this.node === undefined) return;
    const key = nodeKey(this.node.id);
    this.node = undefined;
    this.hidden = { key, until: performance.now() + this.bucket.ttlMs };
    await this.writes.run(key, () => this.deleteKey(key));
  }

  async liveNodes(): Promise<NodeInfo[]> {
    const own = this.node === undefined ? undefined : nodeKey(this.node.id);
    const nodes = this.node === undefined ? [] : [{ ...this.node }];
    if (this.hidden !== undefined && this.hidden.until <= performance.now()) this.hidden = undefined;
    for (const [key, entry] of this.mirror.group('node')) {
      if (key === own || key === this.hidden?.key || entry.kind !== 'node') continue;
      nodes.push({ ...entry.node });
    }
    return nodes.sort(byLeastLoaded);
  }

  leaseWorkerId(): Promise<number> {
    this.assertOpen();
    if (this.lease !== undefined) return Promise.resolve(this.lease.workerId);
    this.leasing ??= this.acquire().finally(() => {
      this.leasing = undefined;
    });
    return this.leasing;
  }

  onWorkerIdLost(listener: (workerId: number) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Deregisters, releases the worker id (only if still ours) and closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    const node = this.node;
    const lease = this.lease;
    this.stop();
    await this.writes.settled();
    if (this.link.connected) {
      if (node !== undefined) await this.deleteKey(nodeKey(node.id));
      if (lease !== undefined) {
        await this.bucket.kv
          .delete(workerKey(lease.workerId), { previousSeq: lease.revision })
          .catch((error: unknown) => this.outage.failed(error));
      }
    }
    await this.link.close();
  }

  /**
   * What a crash leaves behind: stops renewing and drops the connection without deleting anything,
   * so the node record and the lease expire with the TTL. For fault tests.
   */
  async abandon(): Promise<void> {
    if (this.closed) return;
    this.stop();
    await this.link.connection.close();
  }

  private stop(): void {
    this.closed = true;
    this.node = undefined;
    this.lease = undefined;
    clearInterval(this.renewer);
    this.stopReconnect?.();
    this.lostListeners.clear();
    this.mirror.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('discovery is closed');
  }

  /** Tries the ids the mirror shows free first, from a random start so racing nodes spread out. */
  private async acquire(): Promise<number> {
    const { min, max } = this.range;
    const size = max - min + 1;
    const held = new Set<number>();
    for (const [, entry] of this.mirror.group('worker')) if (entry.kind === 'worker') held.add(entry.workerId);
    const start = randomInt(size);
    const order = Array.from({ length: size }, (_, i) => min + ((start + i) % size));
    const candidates = [...order.filter((id) => !held.has(id)), ...order.filter((id) => held.has(id))];
    for (const workerId of candidates) {
      try {
        const revision = await this.bucket.kv.create(workerKey(workerId), this.leaseValue(workerId));
        if (this.closed) throw new Error('discovery is closed');
        this.lease = { workerId, revision };
        return workerId;
      } catch (error) {
        if (!isWrongLastSequence(error)) throw error;
      }
    }
    throw new DiscoveryError('NO_FREE_WORKER_ID', `every worker id in ${min}..${max} is held by a live node`);
  }

  private leaseValue(workerId: number): string {
    return JSON.stringify({ workerId, holder: this.holder, nodeId: this.node?.id ?? null });
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.closed || !this.link.connected) return;
    this.renewing = true;
    try {
      const node = this.node;
      await Promise.all([
        node === undefined || this.writes.busy(nodeKey(node.id))
          ? Promise.resolve()
          : this.writes.run(nodeKey(node.id), () => this.writeNode()),
        this.renewLease(),
      ]);
    } finally {
      this.renewing = false;
    }
  }

  private async writeNode(): Promise<void> {
    const node = this.node;
    if (node === undefined || !this.link.connected) return;
    try {
      await this.bucket.kv.put(nodeKey(node.id), JSON.stringify(node));
      this.outage.succeeded();
    } catch (error) {
      this.outage.failed(error);
    }
  }

  private async deleteKey(key: string): Promise<void> {
    if (!this.link.connected) return;
    try {
      await this.bucket.kv.delete(key);
    } catch (error) {
      this.outage.failed(error);
    }
  }

  private renewLease(): Promise<void> {
    const lease = this.lease;
    if (lease === undefined) return Promise.resolve();
    return this.writes.run(workerKey(lease.workerId), () => this.renewHeldLease(lease));
  }

  private async renewHeldLease(lease: Lease): Promise<void> {
    if (this.lease !== lease || !this.link.connected) return;
    const key = workerKey(lease.workerId);
    const value = this.leaseValue(lease.workerId);
    const { kv } = this.bucket;
    try {
      try {
        lease.revision = await kv.update(key, value, lease.revision);
      } catch (error) {
        if (!isWrongLastSequence(error)) throw error;
        // Written since our last renewal, or gone. Ours still if it names us (the broker lost our
        // last write, or we timed out waiting for its ack); free if it expired while we were cut off.
        const current = await kv.get(key);
        if (current !== null && current.operation === 'PUT') {
          if (decodeEntry(current)?.kind !== 'worker' || holderOf(current) !== this.holder) return this.lose(lease);
          lease.revision = await kv.update(key, value, current.revision);
        } else {
          try {
            lease.revision = await kv.create(key, value);
          } catch (createError) {
            if (isWrongLastSequence(createError)) return this.lose(lease);
            throw createError;
          }
        }
      }
      this.outage.succeeded();
    } catch (error) {
      this.outage.failed(error, { workerId: lease.workerId });
    }
  }

  private lose(lease: Lease): void {
    if (this.lease !== lease) return;
    this.lease = undefined;
    this.link.logger.error(
      { workerId: lease.workerId },
      'nats discovery: worker id taken by another node after our lease expired; stop minting ids with it',
    );
    for (const listener of [...this.lostListeners]) listener(lease.workerId);
  }
}

function nodeKey(id: string): string {
  return `node.${kvToken(id)}`;
}

function workerKey(workerId: number): string {
  return `worker.${workerId}`;
}

function holderOf(entry: KvEntry): string | undefined {
  const value: unknown = entry.json();
  if (typeof value !== 'object' || value === null) return undefined;
  const holder = (value as Record<string, unknown>).holder;
  return typeof holder === 'string' ? holder : undefined;
}

/** Reads an entry written by any node; anything malformed is skipped rather than trusted. */
function decodeEntry(entry: KvEntry): Entry | undefined {
  const value: unknown = entry.json();
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  if (entry.key.startsWith('node.')) {
    const { id, url, connections, load } = fields;
    if (typeof id !== 'string' || typeof url !== 'string') return undefined;
    if (typeof connections !== 'number' || typeof load !== 'number') return undefined;
    return { kind: 'node', node: { id, url, connections, load } };
  }
  if (entry.key.startsWith('worker.')) {
    const { workerId, holder } = fields;
    if (typeof workerId !== 'number' || typeof holder !== 'string') return undefined;
    return { kind: 'worker', workerId, holder };
  }
  return undefined;
}

/** KV `create` on a held key and `update` on a stale revision fail with this JetStream API error. */
function isWrongLastSequence(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === WRONG_LAST_SEQUENCE;
}
