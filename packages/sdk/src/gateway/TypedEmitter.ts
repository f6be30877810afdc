/** Listener of one event of an event map. */
export type Listener<T> = (payload: T) => void;

/**
 * A small typed event emitter that runs in Node and in browsers (no `node:events`). Unlike Node's
 * EventEmitter it never throws for an unhandled `error`: a realtime client must keep running when
 * nobody listens. A listener that throws is reported through `onListenerError` and does not stop
 * the other listeners or the caller (a bug in app code must not break the connection state machine).
 */
export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (error: unknown, event: keyof Events) => void = () => {}) {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Adds a listener that runs at most once; returns a function that removes it. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.listeners.get(event)?.delete(listener);
  }

  /**
   * Resolves with the next `event` whose payload passes `filter`; rejects after `timeoutMs` (when
   * given). Handy in tests and scripts: `await gw.waitFor('MESSAGE_CREATE', (m) => m.nonce === n)`.
   */
  waitFor<K extends keyof Events>(
    event: K,
    filter: (payload: Events[K]) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<Events[K]> {
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const off = this.on(event, (payload) => {
        if (!filter(payload)) return;
        off();
        if (timer !== undefined) clearTimeout(timer);
        resolve(payload);
      });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          off();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${String(event)}`));
        }, timeoutMs);
      }
    });
  }

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    // Copy: a listener may remove itself (once) or others while we iterate.
    for (const listener of [...set] as Listener<Events[K]>[]) {
      try {
        listener(payload);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }
}
