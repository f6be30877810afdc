import type { Bus, BusSubscription } from './Bus';

/**
 * The embedded bus: subjects are map keys, delivery is a microtask later (never re-entrant into
 * the publisher), in order per subject.
 */
export class InProcessBus implements Bus {
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private closed = false;

  publish(subject: string, payload: string): void {
    if (this.closed) return;
    const handlers = this.handlers.get(subject);
    if (handlers === undefined || handlers.size === 0) return;
    // Snapshot now: a subscription made after publish must not see this message.
    const targets = [...handlers];
    queueMicrotask(() => {
      for (const handler of targets) {
        if (this.handlers.get(subject)?.has(handler) !== true) continue;
        handler(payload);
      }
    });
  }

  subscribe(subject: string, handler: (payload: string) => void): BusSubscription {
    let set = this.handlers.get(subject);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(subject, set);
    }
    // Wrap so the same function can hold two independent subscriptions.
    const own = (payload: string) => handler(payload);
    set.add(own);
    return {
      unsubscribe: () => {
        const current = this.handlers.get(subject);
        current?.delete(own);
        if (current?.size === 0) this.handlers.delete(subject);
      },
    };
  }

  /** One process, no broker: nothing is ever lost. */
  onGap(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}
