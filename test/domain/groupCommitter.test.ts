import { describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../packages/server/src/stores/GroupCommitter';

describe('GroupCommitter', () => {
  it('commits concurrent submissions together and settles each after its batch', async () => {
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, number>(async (items) => {
      batches.push(items);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return items.map((i) => i * 10);
    });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => committer.submit(i)));
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i * 10));
    expect(batches.length).toBeLessThan(5);
    expect(batches.flat()).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('rejects every item of a failed batch and keeps serving later ones', async () => {
    let fail = true;
    const committer = new GroupCommitter<number, number>(async (items) => {
      if (fail) throw new Error('disk full');
      return items;
    });
    const failed = await Promise.allSettled([committer.submit(1), committer.submit(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await committer.submit(3)).toBe(3);
  });

  it('refuses work beyond its bound instead of queueing without limit', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const committer = new GroupCommitter<number, number>(
      async (items) => {
        await gate;
        return items;
      },
      { maxBatch: 2, maxPending: 3 },
    );
    const accepted = [committer.submit(1), committer.submit(2), committer.submit(3)];
    await expect(committer.submit(4)).rejects.toMatchObject({ code: 130000 });
    release();
    expect(await Promise.all(accepted)).toEqual([1, 2, 3]);
  });

  it('starts batches at most once per minIntervalMs, so writes arriving meanwhile share one', async () => {
    const starts: number[] = [];
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, number>(
      async (items) => {
        starts.push(performance.now());
        batches.push(items);
        return items;
      },
      { minIntervalMs: 20 },
    );
    // A steady trickle, one write every 2 ms for 100 ms: without the interval each would commit alone.
    const writes: Array<Promise<number>> = [];
    for (let i = 0; i < 50; i++) {
      writes.push(committer.submit(i));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(await Promise.all(writes)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(batches.flat()).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(batches.length).toBeLessThanOrEqual(10);
    for (let i = 1; i < starts.length; i++) {
      // Timers run on the event loop's millisecond clock: allow them a millisecond of rounding.
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(19);
    }
  });

  it('holds a write back only while the previous batch started less than the interval ago', async () => {
    const committer = new GroupCommitter<number, number>(async (items) => items, { minIntervalMs: 300 });
    const elapsed = async (item: number): Promise<number> => {
      const start = performance.now();
      await committer.submit(item);
      return performance.now() - start;
    };
    // No batch before it: at once.
    expect(await elapsed(1)).toBeLessThan(150);
    // Right after the first: it waits out the rest of the interval.
    expect(await elapsed(2)).toBeGreaterThan(250);
    // After a quiet spell longer than the interval: at once again.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await elapsed(3)).toBeLessThan(150);
  });
});
