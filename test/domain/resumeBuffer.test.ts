import { describe, expect, it } from 'vitest';
import { ResumeBuffer } from '../../packages/server/src/gateway/ResumeBuffer';

const frame = (s: number, size = 10) => Buffer.alloc(size, s % 256);
const seqsOf = (entries: Array<{ s: number }> | undefined) => entries?.map((e) => e.s);

describe('ResumeBuffer', () => {
  it('replays what came after a seq, across growth and wrap-around, and refuses once it was evicted', () => {
    const buffer = new ResumeBuffer(20, 1_000_000);
    for (let s = 1; s <= 50; s++) buffer.push(s, frame(s));
    // Holds the last 20 (31..50), in order, with their own frames.
    expect(seqsOf(buffer.after(30, 50))).toEqual(Array.from({ length: 20 }, (_, i) => 31 + i));
    expect(buffer.after(45, 50)?.map((e) => e.frame[0])).toEqual([46, 47, 48, 49, 50]);
    expect(buffer.after(50, 50)).toEqual([]);
    expect(buffer.after(29, 50)).toBeUndefined(); // 30 was evicted: the client may have missed it
    expect(buffer.after(51, 50)).toBeUndefined(); // from the future
  });

  it('is bounded by bytes too, keeping at least the newest frame', () => {
    const buffer = new ResumeBuffer(1_000, 100);
    for (let s = 1; s <= 10; s++) buffer.push(s, frame(s, 30));
    expect(seqsOf(buffer.after(7, 10))).toEqual([8, 9, 10]);
    expect(buffer.after(6, 10)).toBeUndefined();
    buffer.push(11, frame(11, 500));
    expect(seqsOf(buffer.after(10, 11))).toEqual([11]);
  });

  it('skips snapshot frames: a resume from before them fails, from after them works', () => {
    const buffer = new ResumeBuffer(100, 1_000_000);
    buffer.skip(1);
    buffer.skip(2);
    buffer.push(3, frame(3));
    expect(buffer.after(0, 3)).toBeUndefined();
    expect(buffer.after(1, 3)).toBeUndefined();
    expect(seqsOf(buffer.after(2, 3))).toEqual([3]);
  });

  it('a hole in the sequence (a frame not kept) means nothing before it can be replayed', () => {
    const buffer = new ResumeBuffer(100, 1_000_000);
    for (let s = 1; s <= 5; s++) buffer.push(s, frame(s));
    buffer.push(8, frame(8)); // 6 and 7 never came
    buffer.push(9, frame(9));
    expect(buffer.after(4, 9)).toBeUndefined();
    expect(buffer.after(6, 9)).toBeUndefined();
    expect(seqsOf(buffer.after(7, 9))).toEqual([8, 9]);
    expect(buffer.after(8, 9)?.map((e) => e.frame[0])).toEqual([9]);
  });

  it('releases what the client acknowledged, and shrinks back once mostly empty', () => {
    const buffer = new ResumeBuffer(1_000, 1_000_000);
    for (let s = 1; s <= 200; s++) buffer.push(s, frame(s));
    buffer.release(195);
    expect(buffer.after(195, 200)?.map((e) => e.s)).toEqual([196, 197, 198, 199, 200]);
    expect(buffer.after(194, 200)).toBeUndefined();
    for (let s = 201; s <= 210; s++) buffer.push(s, frame(s));
    expect(seqsOf(buffer.after(205, 210))).toEqual([206, 207, 208, 209, 210]);
    expect(buffer.after(200, 210)?.map((e) => e.frame[0])).toEqual([201, 202, 203, 204, 205, 206, 207, 208, 209, 210]);
    // Acknowledging beyond what was sent lets everything go and nothing else.
    buffer.release(210);
    expect(buffer.after(210, 210)).toEqual([]);
  });
});
