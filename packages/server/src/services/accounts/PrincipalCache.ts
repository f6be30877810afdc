import type { SessionRecord, UserRecord } from '../../stores/records';
import { GroupedCache } from '../caching/GroupedCache';

/** Who is making a request: resolved from the token on every call. */
export interface Principal {
  user: UserRecord;
  session: SessionRecord;
}

/**
 * Token hash → principal, so a request does not read the session and user rows every time (they
 * were two of the ~12 queries of a message send). An entry is dropped as soon as this node learns
 * that the user's sessions or profile changed (`forgetUser`: directly from the account service on
 * this node, over the bus from others); the TTL bounds how long a lost cross-node invalidation
 * could keep a revoked token working.
 */
export class PrincipalCache {
  private readonly cache: GroupedCache<Principal>;

  constructor(ttlMs: number, capacity: number) {
    this.cache = new GroupedCache(ttlMs, capacity);
  }

  get currentEpoch(): number {
    return this.cache.currentEpoch;
  }

  get(tokenHash: string, now: number): Principal | undefined {
    return this.cache.get(tokenHash, now);
  }

  /** Caches what was read from the store, unless an invalidation happened since `epoch`. */
  set(tokenHash: string, principal: Principal, now: number, epoch: number): void {
    this.cache.put(tokenHash, principal.user.id, principal, now, epoch);
  }

  /** The user's sessions or profile changed: forget every token of theirs. */
  forgetUser(userId: string): void {
    this.cache.forgetGroup(userId);
  }

  forgetAll(): void {
    this.cache.forgetAll();
  }
}
