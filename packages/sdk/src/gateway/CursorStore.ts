/**
 * Where a device keeps, per channel, the `seq` of the last message it has applied (its sync cursor).
 * The default keeps them in memory; an app that wants to catch up across restarts implements this
 * over its own storage (IndexedDB, a file, the same database as its messages). Both methods may be
 * async: `set` is awaited before the next message of that channel is delivered, so a store that
 * commits the cursor together with the app's copy of the message gets exactly-once across crashes.
 */
export interface CursorStore {
  /** The last applied seq of the channel, or undefined if this device never synced it. */
  get(channelId: string): number | undefined | Promise<number | undefined>;
  /** Called after every applied message or skipped tombstone, in increasing seq per channel. */
  set(channelId: string, seq: number): void | Promise<void>;
}

/** Cursors in a Map: lost when the process ends (the client then starts from the READY heads). */
export class MemoryCursorStore implements CursorStore {
  private readonly cursors = new Map<string, number>();

  get(channelId: string): number | undefined {
    return this.cursors.get(channelId);
  }

  set(channelId: string, seq: number): void {
    this.cursors.set(channelId, seq);
  }

  /** A snapshot, e.g. to save on exit or to assert in tests. */
  entries(): Map<string, number> {
    return new Map(this.cursors);
  }
}
