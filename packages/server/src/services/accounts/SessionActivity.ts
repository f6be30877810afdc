import type { SessionStore } from '../../stores/ports';

/**
 * When each session was last used, written behind in batches. `last_used_at` is informational (the
 * sessions list shows it), so it is not worth a durable write, with its fsync, per IDENTIFY or
 * request: the latest time per session is kept in memory and written in one transaction.
 */
export class SessionActivity {
  private pending = new Map<string, number>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sessions: SessionStore,
    flushEveryMs: number,
  ) {
    this.timer = setInterval(() => void this.flush(), flushEveryMs);
    this.timer.unref();
  }

  record(sessionId: string, at: number): void {
    this.pending.set(sessionId, at);
  }

  /** Writes what was recorded; a failed write is dropped (the next use records it again). */
  flush(): Promise<void> {
    if (this.pending.size === 0) return this.flushing;
    const batch = [...this.pending].map(([id, at]) => ({ id, at }));
    this.pending = new Map();
    this.flushing = this.flushing.then(() => this.sessions.touch(batch)).catch(() => undefined);
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
