/**
 * The dispatches a session has been sent, kept so a RESUME can replay exactly what the client
 * missed. Bounded by count and bytes; the frames are shared with every other session that got the
 * same event, so holding them costs references, not copies.
 *
 * A ring of two parallel arrays (frame, s) rather than an array of `{ s, frame }` objects: with
 * thousands of sessions each holding hundreds of recent events, one object per entry made most of
 * the heap the garbage collector had to mark (major GC pauses of ~100 ms under load), and
 * `Array.shift` on every eviction moved the whole array. The ring starts small and doubles up to
 * `maxEntries`, so an idle session costs a few slots.
 */
export class ResumeBuffer {
  private frames: Array<Buffer | undefined>;
  private seqs: Float64Array;
  /** Slot of the oldest entry. */
  private head = 0;
  private count = 0;
  private bytes = 0;
  /** Set once something was evicted that a client might still need: resuming from before it fails. */
  private evictedUpTo = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {
    const slots = Math.max(1, Math.min(INITIAL_SLOTS, maxEntries));
    this.frames = new Array<Buffer | undefined>(slots);
    this.seqs = new Float64Array(slots);
  }

  push(s: number, frame: Buffer): void {
    if (this.count === this.frames.length && this.frames.length < this.maxEntries) this.grow();
    if (this.count === this.frames.length) this.evictOldest();
    const slot = (this.head + this.count) % this.frames.length;
    this.frames[slot] = frame;
    this.seqs[slot] = s;
    this.count += 1;
    this.bytes += frame.length;
    while (this.bytes > this.maxBytes && this.count > 1) this.evictOldest();
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
    const missed: Array<{ s: number; frame: Buffer }> = [];
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.frames.length;
      const s = this.seqs[slot] as number;
      if (s > seq) missed.push({ s, frame: this.frames[slot] as Buffer });
    }
    return missed;
  }

  private evictOldest(): void {
    const slot = this.head;
    this.bytes -= (this.frames[slot] as Buffer).length;
    this.evictedUpTo = this.seqs[slot] as number;
    this.frames[slot] = undefined;
    this.head = (this.head + 1) % this.frames.length;
    this.count -= 1;
  }

  private grow(): void {
    const size = Math.min(this.maxEntries, this.frames.length * 2);
    const frames = new Array<Buffer | undefined>(size);
    const seqs = new Float64Array(size);
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.frames.length;
      frames[i] = this.frames[slot];
      seqs[i] = this.seqs[slot] as number;
    }
    this.frames = frames;
    this.seqs = seqs;
    this.head = 0;
  }
}

const INITIAL_SLOTS = 8;
