import type { Bus, BusSubscription } from '../../../packages/server/src/bus/Bus';
import { InProcessBus } from '../../../packages/server/src/bus/InProcessBus';

/**
 * The in-process bus with the faults of a real one, on demand: messages lost (a node cut off from
 * NATS, then told of the gap) or delivered twice (a redelivery after a reconnect).
 */
export class ScriptedBus implements Bus {
  private readonly inner = new InProcessBus();
  private readonly gapListeners = new Set<() => void>();
  /** Messages on subjects starting with this are dropped. */
  dropping: string | null = null;
  /** Every message is delivered twice. */
  doubling = false;

  publish(subject: string, payload: string): void {
    if (this.dropping !== null && subject.startsWith(this.dropping)) return;
    this.inner.publish(subject, payload);
    if (this.doubling) this.inner.publish(subject, payload);
  }
  subscribe(subject: string, handler: (payload: string) => void): BusSubscription {
    return this.inner.subscribe(subject, handler);
  }
  onGap(listener: () => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }
  reportGap(): void {
    for (const listener of this.gapListeners) listener();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
