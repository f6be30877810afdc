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
      2,
      3,
    );
    const accepted = [committer.submit(1), committer.submit(2), committer.submit(3)];
    await expect(committer.submit(4)).rejects.toMatchObject({ code: 130000 });
    release();
    expect(await Promise.all(accepted)).toEqual([1, 2, 3]);
  });
});
