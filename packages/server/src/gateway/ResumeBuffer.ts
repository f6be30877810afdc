/**
 * The dispatches a session has been sent, kept so a RESUME can replay exactly what the client
 * missed. Bounded by count and bytes; the frames are shared with every other session that got the
 * same event, so holding them costs references, not copies.
 */
export class ResumeBuffer {
  private readonly entries: Array<{ s: number; frame: Buffer }> = [];
  private bytes = 0;
  /** True once something was evicted that a client might still need: resuming from before it fails. */
  private evictedUpTo = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  push(s: number, frame: Buffer): void {
    this.entries.push({ s, frame });
    this.bytes += frame.length;
    while (this.entries.length > this.maxEntries || (this.bytes > this.maxBytes && this.entries.length > 1)) {
      const dropped = this.entries.shift() as { s: number; frame: Buffer };
      this.bytes -= dropped.frame.length;
      this.evictedUpTo = dropped.s;
    }
  }

  /**
   * Dispatch `s` was sent but is not kept (a READY or GUILD_CREATE snapshot frame: large, unique to
   * the session, and useless to replay), so a resume from before it is impossible.
   */
  skip(s: number): void {
    this.evictedUpTo = s;
  }

  /**
   * The dispatches after `seq`, in order; undefined when the buffer no longer holds all of them
   * (or `seq` is from the future), so the session cannot be resumed.
   */
  after(seq: number, lastSent: number): Array<{ s: number; frame: Buffer }> | undefined {
    if (seq > lastSent || seq < this.evictedUpTo) return undefined;
    return this.entries.filter((entry) => entry.s > seq);
  }
}
