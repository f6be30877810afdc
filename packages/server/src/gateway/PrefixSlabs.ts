/**
 * Where the shared prefixes of dispatch frames live: carved one after another out of 16 KB slabs,
 * not one ArrayBuffer each.
 *
 * Why: resume buffers keep each prefix until the client acknowledges it (a heartbeat interval), so
 * prefixes outlive the young generation, and V8 sweeps every old ArrayBuffer in the pause of each
 * full GC when it runs single-threaded (as a node pinned to one core does): at 4,000 DMs/s, one
 * ArrayBuffer per event made that sweep 45 ms of a 61 ms pause. Carved from slabs, there are ~40×
 * fewer. Not from Node's shared 8 KB pool: a slice there keeps its slab alive together with
 * whatever short-lived bytes share it, while neighbours here are prefixes of the same moment,
 * released about together. A large prefix gets a buffer of its own.
 */
export class PrefixSlabs {
  private slab: Buffer;
  private used = 0;

  constructor(private readonly slabBytes = 16 * 1024) {
    this.slab = Buffer.allocUnsafeSlow(slabBytes);
  }

  /** `text`'s UTF-8 bytes in a buffer of exactly that length. */
  encode(text: string): Buffer {
    const length = Buffer.byteLength(text);
    if (length > this.slabBytes / 4) {
      const own = Buffer.allocUnsafeSlow(length);
      own.write(text);
      return own;
    }
    if (this.used + length > this.slabBytes) {
      this.slab = Buffer.allocUnsafeSlow(this.slabBytes);
      this.used = 0;
    }
    const bytes = this.slab.subarray(this.used, this.used + length);
    bytes.write(text);
    // Keep the next prefix 8-byte aligned, as copies from aligned memory are cheaper.
    this.used += (length + 7) & ~7;
    return bytes;
  }
}
