import fs from 'node:fs';

/**
 * Makes committed SQLite transactions durable without blocking the event loop.
 *
 * With `synchronous=FULL`, SQLite fsyncs the write-ahead log inside every COMMIT, on the calling
 * thread: for us that is the event loop, stalled 0.3–2 ms per commit (a fifth of the time under a
 * steady send load). Instead the database runs with `synchronous=NORMAL` (commits are written to
 * the WAL but not synced; the database stays consistent on power loss, recent commits may vanish)
 * and every writer awaits `sync()` — an fsync of the WAL file on libuv's thread pool — before it
 * acknowledges anything. That is exactly the sync FULL would have done, moved off the loop, and
 * shared: every commit that lands while one fsync runs is covered by the next single one.
 */
export class WalSync {
  private running: Promise<void> | null = null;
  /** The sync that starts when the running one ends, shared by everyone who asked meanwhile. */
  private next: Promise<void> | null = null;
  private closed = false;

  private constructor(private readonly handle: fs.promises.FileHandle) {}

  /** Opens the WAL file of `databaseFile` (creating it empty if SQLite has not yet). */
  static async open(databaseFile: string): Promise<WalSync> {
    const walFile = `${databaseFile}-wal`;
    const handle = await fs.promises.open(walFile, fs.constants.O_RDONLY | fs.constants.O_CREAT);
    return new WalSync(handle);
  }

  /** Resolves once everything committed before this call is on disk. */
  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the database is closed'));
    // A sync already running may have started before our commit's writes: it does not cover them.
    if (this.running === null) return this.start();
    this.next ??= this.running.then(
      () => this.startNext(),
      () => this.startNext(),
    );
    return this.next;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.running, this.next]);
    await this.handle.close();
  }

  private startNext(): Promise<void> {
    this.next = null;
    return this.start();
  }

  private start(): Promise<void> {
    const run = this.handle.sync().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }
}
