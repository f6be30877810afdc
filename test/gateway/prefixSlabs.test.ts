import { describe, expect, it } from 'vitest';
import { dispatchPrefix } from '../../packages/server/src/gateway/Connection';
import { PrefixSlabs } from '../../packages/server/src/gateway/PrefixSlabs';

describe('PrefixSlabs', () => {
  it('hands out exact, independent byte ranges, sharing one slab until it is full', () => {
    const slabs = new PrefixSlabs(64);
    const a = slabs.encode('{"a":1}');
    const b = slabs.encode('héllo ✓');
    expect(a.toString()).toBe('{"a":1}');
    expect(b.toString()).toBe('héllo ✓');
    expect(b.length).toBe(Buffer.byteLength('héllo ✓'));
    // Same slab, no overlap.
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + a.length);
    // Writing into one does not touch the other.
    a.fill(0x20);
    expect(b.toString()).toBe('héllo ✓');
    // 8 + 16 bytes used (each range starts 8-byte aligned); two more of 16 leave 8 of the 64.
    const c = slabs.encode('x'.repeat(15));
    const d = slabs.encode('y'.repeat(16));
    expect([c.buffer, d.buffer]).toEqual([a.buffer, a.buffer]);
    // Nine bytes do not fit: they start a new slab.
    const e = slabs.encode('z'.repeat(9));
    expect(e.buffer).not.toBe(a.buffer);
    expect([c.toString(), d.toString(), e.toString()]).toEqual(['x'.repeat(15), 'y'.repeat(16), 'z'.repeat(9)]);
  });

  it('gives a large text a buffer of its own', () => {
    const slabs = new PrefixSlabs(64);
    const small = slabs.encode('s');
    const large = slabs.encode('L'.repeat(17));
    expect(large.toString()).toBe('L'.repeat(17));
    expect(large.buffer).not.toBe(small.buffer);
    expect(slabs.encode('t').buffer).toBe(small.buffer);
  });

  it('is where dispatch prefixes come from: consecutive small prefixes share one slab', () => {
    const a = dispatchPrefix('MESSAGE_CREATE', '{"content":"a"}');
    const b = dispatchPrefix('MESSAGE_CREATE', '{"content":"b"}');
    expect(b.toString()).toBe('{"op":0,"t":"MESSAGE_CREATE","d":{"content":"b"},"s":');
    // Unless a slab ran out exactly between them, which a third prefix then shows.
    const c = dispatchPrefix('MESSAGE_CREATE', '{"content":"c"}');
    expect(a.buffer === b.buffer || b.buffer === c.buffer).toBe(true);
  });
});
