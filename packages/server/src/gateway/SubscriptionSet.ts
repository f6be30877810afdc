import type { Bus, BusSubscription } from '../bus/Bus';

/**
 * Reference-counted bus subscriptions: a node subscribes to a subject on the first local interest
 * and unsubscribes on the last, so it only receives traffic for users connected to it.
 */
export class SubscriptionSet {
  private readonly entries = new Map<string, { count: number; subscription: BusSubscription }>();

  constructor(
    private readonly bus: Bus,
    private readonly handler: (subject: string, payload: string) => void,
  ) {}

  acquire(subject: string): void {
    const entry = this.entries.get(subject);
    if (entry !== undefined) {
      entry.count += 1;
      return;
    }
    const subscription = this.bus.subscribe(subject, (payload) => this.handler(subject, payload));
    this.entries.set(subject, { count: 1, subscription });
  }

  release(subject: string): void {
    const entry = this.entries.get(subject);
    if (entry === undefined) return;
    entry.count -= 1;
    if (entry.count <= 0) {
      entry.subscription.unsubscribe();
      this.entries.delete(subject);
    }
  }

  has(subject: string): boolean {
    return this.entries.has(subject);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    for (const entry of this.entries.values()) entry.subscription.unsubscribe();
    this.entries.clear();
  }
}
