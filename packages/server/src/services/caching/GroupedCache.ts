interface Entry<Value> {
  value: Value;
  group: string | null;
  expiresAt: number;
}

/**
 * What the per-node caches of the request path (principals, channels) have in common: entries
 * with a TTL, a capacity (the entry cached longest ago goes first), and invalidation one by one or
 * by group (every token of a user, every channel of a guild) as this node learns of changes.
 *
 * A read races with invalidations: it starts (`currentEpoch`), reads the store, and `put`s what it
 * found; if anything was forgotten meanwhile, what it read may be stale and is not cached.
 */
export class GroupedCache<Value> {
  private readonly entries = new Map<string, Entry<Value>>();
  private readonly keysByGroup = new Map<string, Set<string>>();
  /** Bumped by every invalidation. */
  private epoch = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
  ) {}

  get currentEpoch(): number {
    return this.epoch;
  }

  get(key: string, now: number): Value | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.remove(key);
      return undefined;
    }
    return entry.value;
  }

  /** Caches what a read that started at `epoch` found; `group` is what `forgetGroup` drops it with. */
  put(key: string, group: string | null, value: Value, now: number, epoch: number): void {
    if (epoch !== this.epoch || this.capacity === 0) return;
    this.remove(key);
    this.entries.set(key, { value, group, expiresAt: now + this.ttlMs });
    if (group !== null) {
      let keys = this.keysByGroup.get(group);
      if (keys === undefined) {
        keys = new Set();
        this.keysByGroup.set(group, keys);
      }
      keys.add(key);
    }
    // Map order is insertion order: the first key is the entry cached longest ago.
    while (this.entries.size > this.capacity) this.remove(this.entries.keys().next().value as string);
  }

  forget(key: string): void {
    this.epoch += 1;
    this.remove(key);
  }

  forgetGroup(group: string): void {
    this.epoch += 1;
    for (const key of this.keysByGroup.get(group) ?? []) this.entries.delete(key);
    this.keysByGroup.delete(group);
  }

  forgetAll(): void {
    this.epoch += 1;
    this.entries.clear();
    this.keysByGroup.clear();
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    if (entry.group === null) return;
    const keys = this.keysByGroup.get(entry.group);
    keys?.delete(key);
    if (keys?.size === 0) this.keysByGroup.delete(entry.group);
  }
}
