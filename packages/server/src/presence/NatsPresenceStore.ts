import type { KvEntry } from '@nats-io/kv';
import { KeyedWrites } from '../nats/KeyedWrites';
import { KvMirror } from '../nats/KvMirror';
import { kvToken } from '../nats/kvKey';
import { NatsLink, type NatsEndpoint } from '../nats/NatsLink';
import { OutageLog } from '../nats/OutageLog';
import { openTtlBucket, type TtlBucket } from '../nats/ttlBucket';
import type { PresenceStore, RemoteChange, SessionPresence } from './PresenceStore';
import { TypingWindow } from './TypingWindow';

export interface NatsPresenceOptions extends NatsEndpoint {
  /** How long a session's entry outlives the last renewal of its node. Default 30 s. */
  ttlMs?: number;
  /** Default `concord_presence`; tests use their own. */
  bucket?: string;
}

export const DEFAULT_PRESENCE_TTL_MS = 30_000;

/** Writes in flight at once during a renewal round. */
const RENEW_BATCH = 256;

/** Opens the cluster presence store on its own connection and waits until it has read the bucket. */
export async function openNatsPresenceStore(options: NatsPresenceOptions): Promise<NatsPresenceStore> {
  const link = await NatsLink.open({ ...options, name: options.name ?? 'concord-presence' });
  try {
    // Memory storage: presence is soft state, rewritten by its owners every TTL/3, so a broker
    // restart loses nothing that is not back within a renewal, and heartbeats never touch a disk.
    const bucket = await openTtlBucket(
      link,
      options.bucket ?? 'concord_presence',
      options.ttlMs ?? DEFAULT_PRESENCE_TTL_MS,
      'memory',
    );
    const store = new NatsPresenceStore(link, bucket);
    await store.start();
    return store;
  } catch (error) {
    await link.close();
    throw error;
  }
}

/**
 * Presence in a NATS KV bucket with a bucket-wide TTL: one key per session, `<user>.<session>`,
 * holding the session's presence as JSON.
 *
 * - Liveness: the node that `set` a session rewrites its entry every TTL/3 until `remove`; the
 *   broker drops an entry one TTL after its last write, so the sessions of a node that crashed or
 *   was cut off go offline by themselves within the TTL. A session is removed by the node holding
 *   it: another node's `remove` deletes the entry, but its holder writes it back on its next renewal.
 * - Reads are local: every node keeps a copy of the bucket (`KvMirror`), so READY's presences for
 *   a thousand members are map lookups. This node's own sessions are read from what it set, so its
 *   writes are visible to its reads at once; other nodes' writes show up within a broker round trip.
 * - Typing marks are per node, in memory (`TypingWindow`), not in the bucket: they only keep one
 *   client's repeated typing calls from fanning out again, so the worst a per-node window allows is
 *   one TYPING_START per node per window when a client's calls land on several nodes (harmless:
 *   clients just refresh the indicator), where a shared mark would cost two KV round trips per call.
 * - Failures never reach the gateway: presence is soft state. A write that fails (or is skipped
 *   while disconnected) is retried by the next renewal; a delete that fails expires with the TTL.
 */
export class NatsPresenceStore implements PresenceStore {
  /** This node's sessions by user token, then by key: the entries it renews. */
  private readonly own = new Map<string, Map<string, SessionPresence>>();
  /** Keys removed here, hidden from the mirror until it sees them go (or the TTL passes). */
  private readonly removed = new Map<string, number>();
  private readonly writes = new KeyedWrites();
  private readonly typing = new TypingWindow();
  private readonly mirror: KvMirror<SessionPresence>;
  private readonly outage: OutageLog;
  private readonly remoteListeners = new Set<(userId: string, change: RemoteChange) => void>();
  /** Changes found in one sweep of the copy, told once per user when it ends. */
  private remoteChanges: Map<string, RemoteChange> | undefined;
  private renewer: NodeJS.Timeout | undefined;
  private renewing = false;
  private stopReconnect: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly link: NatsLink,
    private readonly bucket: TtlBucket,
  ) {
    this.outage = new OutageLog(link.logger, 'nats presence: writing to the bucket');
    this.mirror = new KvMirror({
      bucket,
      link,
      decode: decodePresence,
      onDeleted: (key) => this.removed.delete(key),
      onExpired: (key, presence) => this.remoteChanged(key, presence, 'expired'),
      onReturned: (key, presence) => this.remoteChanged(key, presence, 'returned'),
    });
  }

  /** The bucket's TTL in force (an existing bucket keeps its own). */
  get ttlMs(): number {
    return this.bucket.ttlMs;
  }

  async start(): Promise<void> {
    await this.mirror.start();
    this.renewer = setInterval(() => void this.renewAll(), Math.floor(this.bucket.ttlMs / 3));
    this.renewer.unref();
    // After an outage the entries may have expired (or a memory bucket vanished with a restarted
    // broker): rewrite them now rather than up to TTL/3 later.
    this.stopReconnect = this.link.onReconnect(() => {
      this.bucket
        .ensure()
        .catch((error: unknown) => this.outage.failed(error))
        .finally(() => void this.renewAll());
    });
  }

  async set(presence: SessionPresence): Promise<void> {
    if (this.closed) return;
    const userToken = kvToken(presence.userId);
    const key = `${userToken}.${kvToken(presence.sessionId)}`;
    let sessions = this.own.get(userToken);
    if (sessions === undefined) {
      sessions = new Map();
      this.own.set(userToken, sessions);
    }
    sessions.set(key, { ...presence, activities: [...presence.activities] });
    this.removed.delete(key);
    await this.writes.run(key, () => this.writeOwn(key));
  }

  async remove(userId: string, sessionId: string): Promise<void> {
    if (this.closed) return;
    const userToken = kvToken(userId);
    const key = `${userToken}.${kvToken(sessionId)}`;
    const sessions = this.own.get(userToken);
    sessions?.delete(key);
    if (sessions?.size === 0) this.own.delete(userToken);
    this.removed.set(key, performance.now() + this.bucket.ttlMs);
    await this.writes.run(key, () => this.deleteEntry(key));
  }

  async sessionsOf(userId: string): Promise<SessionPresence[]> {
    return this.read(kvToken(userId));
  }

  async sessionsOfMany(userIds: readonly string[]): Promise<Map<string, SessionPresence[]>> {
    const result = new Map<string, SessionPresence[]>();
    for (const userId of userIds) {
      const sessions = this.read(kvToken(userId));
      if (sessions.length > 0) result.set(userId, sessions);
    }
    return result;
  }

  async startTyping(channelId: string, userId: string, now: number, windowMs: number): Promise<boolean> {
    return this.typing.start(channelId, userId, now, windowMs);
  }

  async stopTyping(channelId: string, userId: string): Promise<void> {
    this.typing.stop(channelId, userId);
  }

  onRemoteChange(listener: (userId: string, change: RemoteChange) => void): () => void {
    this.remoteListeners.add(listener);
    return () => this.remoteListeners.delete(listener);
  }

  /** Another node's entry expired or came back; our own (and ones we removed) are not news. */
  private remoteChanged(key: string, presence: SessionPresence, change: RemoteChange): void {
    if (this.closed || this.removed.has(key)) return;
    if (this.own.get(key.slice(0, key.indexOf('.')))?.has(key) === true) return;
    if (this.remoteChanges === undefined) {
      const changes = new Map<string, RemoteChange>();
      this.remoteChanges = changes;
      queueMicrotask(() => {
        this.remoteChanges = undefined;
        for (const [userId, last] of changes) for (const listener of [...this.remoteListeners]) listener(userId, last);
      });
    }
    this.remoteChanges.set(presence.userId, change);
  }

  /** Stops renewing and deletes this node's entries, so its users go offline now, not in a TTL. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.stop();
    await this.writes.settled();
    const keys = [...this.own.values()].flatMap((sessions) => [...sessions.keys()]);
    this.own.clear();
    if (this.link.connected) {
      for (let i = 0; i < keys.length; i += RENEW_BATCH) {
        await Promise.all(keys.slice(i, i + RENEW_BATCH).map((key) => this.deleteEntry(key)));
      }
    }
    this.typing.clear();
    await this.link.close();
  }

  /**
   * What a crash leaves behind: stops renewing and drops the connection without deleting anything,
   * so the entries expire with the TTL. For fault tests.
   */
  async abandon(): Promise<void> {
    if (this.closed) return;
    this.stop();
    await this.link.connection.close();
  }

  private stop(): void {
    this.closed = true;
    clearInterval(this.renewer);
    this.stopReconnect?.();
    this.mirror.close();
    this.remoteListeners.clear();
  }

  private read(userToken: string): SessionPresence[] {
    const mine = this.own.get(userToken);
    const sessions = mine === undefined ? [] : [...mine.values()];
    const now = performance.now();
    for (const [key, presence] of this.mirror.group(userToken)) {
      if (mine?.has(key) === true) continue;
      const hiddenUntil = this.removed.get(key);
      if (hiddenUntil !== undefined) {
        if (hiddenUntil > now) continue;
        this.removed.delete(key);
      }
      sessions.push(presence);
    }
    return sessions;
  }

  /** Writes the key's current value, if this node still holds it; skipped while disconnected. */
  private async writeOwn(key: string): Promise<void> {
    const presence = this.own.get(key.slice(0, key.indexOf('.')))?.get(key);
    if (presence === undefined || !this.link.connected) return;
    try {
      await this.bucket.kv.put(key, JSON.stringify(presence));
      this.outage.succeeded();
    } catch (error) {
      this.outage.failed(error, { key });
    }
  }

  private async deleteEntry(key: string): Promise<void> {
    if (!this.link.connected) return;
    try {
      await this.bucket.kv.delete(key);
      this.outage.succeeded();
    } catch (error) {
      this.outage.failed(error, { key });
    }
  }

  /** Rewrites every entry this node holds, a batch at a time; one round at a time. */
  private async renewAll(): Promise<void> {
    if (this.renewing || this.closed || !this.link.connected) return;
    this.renewing = true;
    try {
      const keys = [...this.own.values()].flatMap((sessions) => [...sessions.keys()]);
      for (let i = 0; i < keys.length && !this.closed; i += RENEW_BATCH) {
        const batch = keys.slice(i, i + RENEW_BATCH).filter((key) => !this.writes.busy(key));
        await Promise.all(batch.map((key) => this.writes.run(key, () => this.writeOwn(key))));
      }
      const now = performance.now();
      for (const [key, until] of this.removed) if (until <= now) this.removed.delete(key);
    } finally {
      this.renewing = false;
    }
  }
}

const STATUSES = new Set(['online', 'idle', 'dnd', 'invisible']);
const CLIENT_KINDS = new Set(['desktop', 'mobile', 'web']);

/** Reads an entry written by any node; anything malformed is skipped rather than trusted. */
function decodePresence(entry: KvEntry): SessionPresence | undefined {
  const value: unknown = entry.json();
  if (typeof value !== 'object' || value === null) return undefined;
  const { userId, sessionId, status, clientKind, activities } = value as Record<string, unknown>;
  if (typeof userId !== 'string' || typeof sessionId !== 'string') return undefined;
  if (typeof status !== 'string' || !STATUSES.has(status)) return undefined;
  if (typeof clientKind !== 'string' || !CLIENT_KINDS.has(clientKind)) return undefined;
  if (!Array.isArray(activities)) return undefined;
  return value as SessionPresence;
}
