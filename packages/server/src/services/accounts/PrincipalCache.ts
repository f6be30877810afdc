import type { SessionRecord, UserRecord } from '../../stores/records';

/** Who is making a request: resolved from the token on every call. */
export interface Principal {
  user: UserRecord;
  session: SessionRecord;
}

interface Entry {
  principal: Principal;
  expiresAt: number;
}

/**
 * Token hash → principal, so a request does not read the session and user rows every time (they
 * were two of the ~12 queries of a message send). An entry is dropped as soon as this node learns
 * that the user's sessions or profile changed (`forgetUser`: directly from the account service on
 * this node, over the bus from others); the TTL bounds how long a lost cross-node invalidation
 * could keep a revoked token working.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();
  private readonly hashesByUser = new Map<string, Set<string>>();
  /** Bumped by every invalidation: a lookup that raced with one must not be cached. */
  private epoch = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
  ) {}

  get currentEpoch(): number {
    return this.epoch;
  }

  get(tokenHash: string, now: number): Principal | undefined {
    const entry = this.entries.get(tokenHash);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.remove(tokenHash, entry.principal.user.id);
      return undefined;
    }
    return entry.principal;
  }

  /** Caches what was read from the store, unless an invalidation happened since `epoch`. */
  set(tokenHash: string, principal: Principal, now: number, epoch: number): void {
    if (epoch !== this.epoch || this.capacity === 0) return;
    this.entries.delete(tokenHash);
    this.entries.set(tokenHash, { principal, expiresAt: now + this.ttlMs });
    const userId = principal.user.id;
    let hashes = this.hashesByUser.get(userId);
    if (hashes === undefined) {
      hashes = new Set();
      this.hashesByUser.set(userId, hashes);
    }
    hashes.add(tokenHash);
    // Map order is insertion order: the first key is the entry cached longest ago.
    while (this.entries.size > this.capacity) {
      const [oldest, entry] = this.entries.entries().next().value as [string, Entry];
      this.remove(oldest, entry.principal.user.id);
    }
  }

  /** The user's sessions or profile changed: forget every token of theirs. */
  forgetUser(userId: string): void {
    this.epoch += 1;
    const hashes = this.hashesByUser.get(userId);
    if (hashes === undefined) return;
    for (const hash of hashes) this.entries.delete(hash);
    this.hashesByUser.delete(userId);
  }

  forgetAll(): void {
    this.epoch += 1;
    this.entries.clear();
    this.hashesByUser.clear();
  }

  private remove(tokenHash: string, userId: string): void {
    this.entries.delete(tokenHash);
    const hashes = this.hashesByUser.get(userId);
    hashes?.delete(tokenHash);
    if (hashes?.size === 0) this.hashesByUser.delete(userId);
  }
}
