import { ErrorCode } from '@concord/protocol';
import { DomainError } from '../domain/errors';

export interface GroupCommitterOptions {
  /** Most items one batch takes. */
  maxBatch?: number;
  /** Beyond this many waiting items new work is refused (503) rather than queued without bound. */
  maxPending?: number;
  /**
   * A batch starts no sooner than this many milliseconds after the previous one started (0: at
   * once). See the class comment.
   */
  minIntervalMs?: number;
  /** Told the size of every committed batch (metrics). */
  onBatch?: (size: number) => void;
}

/**
 * Collects work items submitted while a commit is running and commits them together, so N
 * concurrent writers cost one transaction (one fsync) instead of N. Each submitter's promise settles
 * only after the batch holding its item has committed: nobody is acknowledged before durability.
 *
 * `minIntervalMs` caps the commit rate. Without it a commit starts as soon as the previous one is
 * durable; on a fast disk that is every few hundred microseconds, so under load batches stay tiny and
 * the per-commit work (an fsync and the thread hand-offs around it, SQLite's page writes and cache
 * upkeep) dominates: measured on SQLite at 3,000 sends/s, ~1,350 commits/s of 2.3 messages took a
 * third of the server's CPU. Spacing batch starts 2 ms apart makes them several times larger for at
 * most 2 ms more per acknowledgement, and only under load: a write arriving after a quiet spell of
 * that length commits at once.
 *
 * `commitBatch` receives items in submission order and returns one result per item; if it throws,
 * every item of that batch is rejected with the error (the transaction rolled back as a whole).
 */
export class GroupCommitter<Item, Result> {
  private pending: Array<{ item: Item; resolve: (r: Result) => void; reject: (e: unknown) => void }> = [];
  private running = false;
  private closed = false;
  /** When the last batch started (performance.now()), for `minIntervalMs`. */
  private lastStart = -Infinity;
  private readonly maxBatch: number;
  private readonly maxPending: number;
  private readonly minIntervalMs: number;
  private readonly onBatch: ((size: number) => void) | undefined;

  constructor(
    private readonly commitBatch: (items: Item[]) => Promise<Result[]>,
    options: GroupCommitterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
    this.maxPending = options.maxPending ?? 20_000;
    this.minIntervalMs = options.minIntervalMs ?? 0;
    this.onBatch = options.onBatch;
  }

  submit(item: Item): Promise<Result> {
    if (this.closed) return Promise.reject(new Error('GroupCommitter is closed'));
    if (this.pending.length >= this.maxPending) {
      return Promise.reject(new DomainError(ErrorCode.ServiceUnavailable, 'The write queue is full; retry shortly.'));
    }
    return new Promise<Result>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        void this.drain();
      }
    });
  }

  /** Resolves when everything submitted so far has been committed or rejected. */
  async flush(): Promise<void> {
    while (this.running || this.pending.length > 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async drain(): Promise<void> {
    do {
      await this.untilNextStart();
      const batch = this.pending.splice(0, this.maxBatch);
      this.lastStart = performance.now();
      try {
        const results = await this.commitBatch(batch.map((entry) => entry.item));
        this.onBatch?.(batch.length);
        batch.forEach((entry, i) => entry.resolve(results[i] as Result));
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    } while (this.pending.length > 0);
    this.running = false;
  }

  /**
   * Yields at least once, so that writers arriving in the same tick share the batch, and longer
   * while the previous batch started less than `minIntervalMs` ago.
   */
  private untilNextStart(): Promise<void> {
    const wait = this.lastStart + this.minIntervalMs - performance.now();
    // Timers count whole milliseconds from the loop's cached clock: round up, or they fire early.
    return new Promise((resolve) => (wait > 0 ? setTimeout(resolve, Math.ceil(wait)) : setImmediate(resolve)));
  }
}
