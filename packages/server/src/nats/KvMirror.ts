import { randomBytes } from 'node:crypto';
import type { KvEntry, KvWatchEntry } from '@nats-io/kv';
import type { QueuedIterator } from '@nats-io/transport-node';
import type { NatsLink } from './NatsLink';
import type { TtlBucket } from './ttlBucket';

interface Held<T> {
  value: T;
  /** performance.now() after which the broker has dropped the entry unless it was rewritten. */
  expiresAt: number;
}

/** Entries by the first token of their key (a user, `node`, `worker`), then by full key. */
type State<T> = Map<string, Map<string, Held<T>>>;

/** Keys starting with `/` are the mirror's own sync markers: `kvToken` never makes one. */
const MARKER_PREFIX = '/sync.';
const SYNC_TIMEOUT_MS = 10_000;
const RESYNC_RETRY_MS = 1_000;
/** Keys remembered as expired, so their return can be told; beyond this the oldest are forgotten. */
const MAX_EXPIRED_KEYS = 100_000;

export interface KvMirrorOptions<T> {
  bucket: TtlBucket;
  link: NatsLink;
  /** Turns a stored entry into a value; `undefined` skips an entry this node cannot read. */
  decode(entry: KvEntry): T | undefined;
  /** Told when the watch shows a key deleted (not when a TTL quietly drops one). */
  onDeleted?(key: string): void;
  /**
   * Told when an entry expired — its owner stopped rewriting it for a whole TTL (crashed, or cut off
   * from the broker) — but only when this copy was connected and in sync all that time, so that
   * its own outage never passes for everyone else's.
   */
  onExpired?(key: string, value: T): void;
  /** Told when a key reported by `onExpired` is written again (its owner is back). */
  onReturned?(key: string, value: T): void;
}

/**
 * A node-local copy of a TTL'd KV bucket, kept by one watch, so that reads (presence at READY, the
 * live nodes for GET /gateway) are map lookups instead of a JetStream consumer per read.
 *
 * The broker does not tell watchers when a TTL drops an entry, so each copy expires by itself at the
 * entry's write time + TTL (measured from the server's timestamp; clock skew only shifts that, and
 * since owners rewrite every TTL/3 a skew under 2/3 of the TTL never hides a live entry).
 *
 * After a reconnect the copy is rebuilt from a fresh watch and swapped in once it has caught up,
 * so consumers lost with a restarted broker, or a bucket recreated with new revisions, cannot leave
 * it stale; until then the old copy keeps answering.
 */
export class KvMirror<T> {
  private state: State<T> = new Map();
  private watcher: QueuedIterator<KvWatchEntry> | undefined;
  private generation = 0;
  private sweeper: NodeJS.Timeout | undefined;
  private stopReconnect: (() => void) | undefined;
  private resyncing = false;
  private resyncWanted = false;
  private closed = false;
  /** performance.now() when the current copy was swapped in; expiries are told only for entries written after. */
  private syncedAt = Number.POSITIVE_INFINITY;
  /** The last sweep that found the link down: expiries are not told for entries that lived through it. */
  private lastSeenDown = Number.NEGATIVE_INFINITY;
  /** Keys told as expired, in the order they were told (a Map keeps insertion order). */
  private readonly expired = new Map<string, true>();

  constructor(private readonly options: KvMirrorOptions<T>) {}

  /** Resolves once the copy holds everything the bucket held when it was called. */
  async start(): Promise<void> {
    await this.sync();
    const { ttlMs } = this.options.bucket;
    // Often enough that an expiry is told within a tenth of the TTL after it happens.
    this.sweeper = setInterval(() => this.sweep(), Math.max(100, Math.floor(ttlMs / 10)));
    this.sweeper.unref();
    this.stopReconnect = this.options.link.onReconnect(() => this.resyncInBackground());
  }

  /** The live entries under keys `<group>.…`, as `[key, value]`. */
  group(group: string): Array<[string, T]> {
    const held = this.state.get(group);
    if (held === undefined) return [];
    const now = performance.now();
    const entries: Array<[string, T]> = [];
    for (const [key, entry] of held) if (entry.expiresAt > now) entries.push([key, entry.value]);
    return entries;
  }

  close(): void {
    this.closed = true;
    this.generation += 1;
    clearInterval(this.sweeper);
    this.stopReconnect?.();
    this.watcher?.stop();
    this.state = new Map();
  }

  /** Builds a fresh copy from a new watch and swaps it in once a marker written after it shows up. */
  private async sync(): Promise<void> {
    const generation = ++this.generation;
    const { kv } = this.options.bucket;
    const fresh: State<T> = new Map();
    const marker = `${MARKER_PREFIX}${randomBytes(9).toString('base64url')}`;
    const watcher = await kv.watch({ key: '>' });
    let caughtUp!: () => void;
    const seen = new Promise<void>((resolve) => (caughtUp = resolve));
    void this.follow(watcher, fresh, generation, marker, caughtUp);
    let timer: NodeJS.Timeout | undefined;
    try {
      await kv.put(marker, '');
      await Promise.race([
        seen,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('nats kv: watch did not catch up in time')), SYNC_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      watcher.stop();
      throw error;
    } finally {
      clearTimeout(timer);
      kv.delete(marker).catch(() => undefined);
    }
    if (generation !== this.generation) {
      watcher.stop();
      return;
    }
    this.watcher?.stop();
    this.watcher = watcher;
    this.state = fresh;
    this.syncedAt = performance.now();
  }

  private async follow(
    watcher: QueuedIterator<KvWatchEntry>,
    state: State<T>,
    generation: number,
    marker: string,
    caughtUp: () => void,
  ): Promise<void> {
    try {
      for await (const entry of watcher) {
        if (entry.key.startsWith(MARKER_PREFIX)) {
          if (entry.key === marker) caughtUp();
          continue;
        }
        this.apply(state, entry);
      }
    } catch (error) {
      this.options.link.logger.warn({ err: error }, 'nats kv: watch failed');
    }
    // A watch that ends while it is the current one (its consumer gave up) is replaced.
    if (!this.closed && generation === this.generation && this.watcher === watcher) this.resyncInBackground();
  }

  private apply(state: State<T>, entry: KvWatchEntry): void {
    const group = groupOf(entry.key);
    if (entry.operation !== 'PUT') {
      const held = state.get(group);
      held?.delete(entry.key);
      if (held?.size === 0) state.delete(group);
      this.expired.delete(entry.key);
      if (state === this.state) this.options.onDeleted?.(entry.key);
      return;
    }
    let value: T | undefined;
    try {
      value = this.options.decode(entry);
    } catch {
      value = undefined;
    }
    if (value === undefined) {
      this.options.link.logger.warn({ key: entry.key }, 'nats kv: unreadable entry skipped');
      return;
    }
    if (this.expired.delete(entry.key)) this.options.onReturned?.(entry.key, value);
    const { ttlMs } = this.options.bucket;
    const age = Math.min(Math.max(Date.now() - entry.created.getTime(), 0), ttlMs);
    let held = state.get(group);
    if (held === undefined) {
      held = new Map();
      state.set(group, held);
    }
    held.set(entry.key, { value, expiresAt: performance.now() + ttlMs - age });
  }

  /** One resync loop at a time; a request while one runs makes it go round once more. */
  private resyncInBackground(): void {
    if (this.closed) return;
    this.resyncWanted = true;
    if (this.resyncing) return;
    this.resyncing = true;
    void (async () => {
      while (this.resyncWanted && !this.closed) {
        this.resyncWanted = false;
        try {
          await this.options.bucket.ensure();
          await this.sync();
        } catch (error) {
          this.options.link.logger.warn({ err: error }, 'nats kv: resync failed, retrying');
          this.resyncWanted = true;
          await new Promise((resolve) => setTimeout(resolve, RESYNC_RETRY_MS).unref());
        }
      }
      this.resyncing = false;
    })();
  }

  private sweep(): void {
    const now = performance.now();
    if (!this.options.link.connected || this.resyncing) this.lastSeenDown = now;
    const { ttlMs } = this.options.bucket;
    const gone: Array<[string, T]> = [];
    for (const [group, held] of this.state) {
      for (const [key, entry] of held) {
        if (entry.expiresAt > now) continue;
        held.delete(key);
        // Written (as far as this copy knows) at expiresAt − TTL: a rewrite after that would have been
        // seen if the copy was in sync and connected from then until now.
        const writtenAt = entry.expiresAt - ttlMs;
        if (this.syncedAt <= writtenAt && this.lastSeenDown < writtenAt) gone.push([key, entry.value]);
      }
      if (held.size === 0) this.state.delete(group);
    }
    for (const [key, value] of gone) {
      this.expired.set(key, true);
      if (this.expired.size > MAX_EXPIRED_KEYS) this.expired.delete(this.expired.keys().next().value as string);
      this.options.onExpired?.(key, value);
    }
  }
}

function groupOf(key: string): string {
  const dot = key.indexOf('.');
  return dot === -1 ? key : key.slice(0, dot);
}
