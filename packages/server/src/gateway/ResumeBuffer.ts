/**
 * The dispatches a session has been sent, kept so a RESUME can replay exactly what the client
 * missed. Bounded by count and bytes; the frames are shared with every other session that got the
 * same event, so holding them costs references, not copies.
 *
 * A ring of frames rather than an array of `{ s, frame }` objects: with thousands of sessions each
 * holding hundreds of recent events, one object per entry made most of the heap the garbage
 * collector had to mark, and `Array.shift` on every eviction moved the whole array. The entries'
 * sequence numbers are consecutive, so only the first is stored: a hole (a frame not kept, such as
 * a snapshot) empties the ring, since nothing before it could be replayed past it anyway. The ring
 * starts small and doubles up to `maxEntries`, so an idle session costs a few slots.
 */
export class ResumeBuffer {
  private frames: Array<Buffer | undefined>;
  /** Slot of the oldest entry. */
  private head = 0;
  private count = 0;
  private bytes = 0;
  /** `s` of the oldest entry; entry i (from the oldest) has `firstSeq + i`. */
  private firstSeq = 0;
  /** Set once something was evicted that a client might still need: resuming from before it fails. */
  private evictedUpTo = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {
    this.frames = new Array<Buffer | undefined>(Math.max(1, Math.min(INITIAL_SLOTS, maxEntries)));
  }

  push(s: number, frame: Buffer): void {
    if (this.count > 0 && s !== this.firstSeq + this.count) this.skip(s - 1);
    if (this.count === 0) this.firstSeq = s;
    if (this.count === this.frames.length && this.frames.length < this.maxEntries) this.grow();
    if (this.count === this.frames.length) this.evictOldest();
    this.frames[(this.head + this.count) % this.frames.length] = frame;
    this.count += 1;
    this.bytes += frame.length;
    while (this.bytes > this.maxBytes && this.count > 1) this.evictOldest();
  }

  /**
   * Dispatch `s` was sent but is not kept (a READY or GUILD_CREATE snapshot frame: large, unique to
   * the session, and useless to replay), so a resume from before it is impossible — and nothing
   * kept before it is needed any more.
   */
  skip(s: number): void {
    this.frames.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.bytes = 0;
    this.evictedUpTo = s;
  }

  /**
   * The client has everything up to `seq` (it said so in a heartbeat), and a client resumes from the
   * last `s` it has: what it acknowledged is never replayed, so it is let go. This bounds a connected
   * session's buffer by one heartbeat interval of events rather than by `maxEntries`.
   */
  release(seq: number): void {
    while (this.count > 0 && this.firstSeq <= seq) this.evictOldest();
    if (this.frames.length > INITIAL_SLOTS && this.count <= this.frames.length / 4) this.resize(this.frames.length / 2);
  }

  /**
   * The dispatches after `seq`, in order; undefined when the buffer no longer holds all of them
   * (or `seq` is from the future), so the session cannot be resumed.
   */
  after(seq: number, lastSent: number): Array<{ s: number; frame: Buffer }> | undefined {
    if (seq > lastSent || seq < this.evictedUpTo) return undefined;
    const missed: Array<{ s: number; frame: Buffer }> = [];
    for (let i = Math.max(0, seq - this.firstSeq + 1); i < this.count; i++) {
      missed.push({ s: this.firstSeq + i, frame: this.frames[(this.head + i) % this.frames.length] as Buffer });
    }
    return missed;
  }

  private evictOldest(): void {
    this.bytes -= (this.frames[this.head] as Buffer).length;
    this.evictedUpTo = this.firstSeq;
    this.frames[this.head] = undefined;
    this.head = (this.head + 1) % this.frames.length;
    this.count -= 1;
    this.firstSeq += 1;
  }

  private grow(): void {
    this.resize(Math.min(this.maxEntries, this.frames.length * 2));
  }

  private resize(slots: number): void {
    const frames = new Array<Buffer | undefined>(slots);
    for (let i = 0; i < this.count; i++) frames[i] = this.frames[(this.head + i) % this.frames.length];
    this.frames = frames;
    this.head = 0;
  }
}

const INITIAL_SLOTS = 8;
