import { ErrorCode } from '@concord/protocol';
import { DomainError } from '../domain/errors';

/**
 * Collects work items submitted while a commit is running and commits them together, so N
 * concurrent writers cost one transaction (one fsync) instead of N. Each submitter's promise settles
 * only after the batch holding its item has committed: nobody is acknowledged before durability.
 *
 * `commitBatch` receives items in submission order and returns one result per item; if it throws,
 * every item of that batch is rejected with the error (the transaction rolled back as a whole).
 */
export class GroupCommitter<Item, Result> {
  private pending: Array<{ item: Item; resolve: (r: Result) => void; reject: (e: unknown) => void }> = [];
  private running = false;
  private closed = false;

  constructor(
    private readonly commitBatch: (items: Item[]) => Promise<Result[]>,
    private readonly maxBatch = 256,
    /** Beyond this many waiting items new work is refused (503) rather than queued without bound. */
    private readonly maxPending = 20_000,
    /** Told the size of every committed batch (metrics). */
    private readonly onBatch?: (size: number) => void,
  ) {}

  submit(item: Item): Promise<Result> {
    if (this.closed) return Promise.reject(new Error('GroupCommitter is closed'));
    if (this.pending.length >= this.maxPending) {
      return Promise.reject(new DomainError(ErrorCode.ServiceUnavailable, 'The write queue is full; retry shortly.'));
    }
    return new Promise<Result>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        // Yield once so that writers arriving in the same tick share the first transaction.
        setImmediate(() => void this.drain());
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
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const results = await this.commitBatch(batch.map((entry) => entry.item));
        this.onBatch?.(batch.length);
        batch.forEach((entry, i) => entry.resolve(results[i] as Result));
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.running = false;
  }
}
