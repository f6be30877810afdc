import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ApiRequestError, ChannelSync, MemoryCursorStore, type CursorStore, type GatewayError } from '@concord/sdk';
import type { Message, MessageDeleteEvent, SyncMessage } from '@concord/protocol';
import { message, range, tombstone } from './fixtures';

const C = '42';

/** A ChannelSync over an in-memory "REST" of one channel, recording everything it hands the app. */
function setup(options: { stored?: SyncMessage[]; cursors?: CursorStore; pageSize?: number } = {}) {
  const store = new Map<number, SyncMessage>((options.stored ?? []).map((m) => [m.seq, m]));
  const delivered: Message[] = [];
  const updates: Message[] = [];
  const deletes: MessageDeleteEvent[] = [];
  const errors: GatewayError[] = [];
  const fetches: number[] = [];
  let fetchImpl = async (afterSeq: number, limit: number): Promise<SyncMessage[]> =>
    [...store.values()]
      .filter((m) => m.seq > afterSeq)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
  const sync = new ChannelSync({
    fetchAfter: (channelId, afterSeq, limit) => {
      expect(channelId).toBe(C);
      fetches.push(afterSeq);
      return fetchImpl(afterSeq, limit);
    },
    cursors: options.cursors ?? new MemoryCursorStore(),
    pageSize: options.pageSize ?? 100,
    onMessage: (m) => void delivered.push(m),
    onUpdate: (m) => void updates.push(m),
    onDelete: (e) => void deletes.push(e),
    onError: (e) => void errors.push(e),
    retry: { baseMs: 1, maxMs: 4 },
    maxStalls: 3,
  });
  return {
    sync,
    store,
    delivered,
    seqs: () => delivered.map((m) => m.seq),
    updates,
    deletes,
    errors,
    fetches,
    setFetch(impl: typeof fetchImpl) {
      fetchImpl = impl;
    },
  };
}

describe('ChannelSync', () => {
  it('delivers in-order live messages at once and drops duplicates', () => {
    const t = setup();
    t.sync.observeHead(C, 0);
    t.sync.offer(message(C, 1));
    t.sync.offer(message(C, 2));
    t.sync.offer(message(C, 1));
    t.sync.offer(message(C, 2));
    // Synchronous: no REST round trip on the happy path.
    expect(t.seqs()).toEqual([1, 2]);
    expect(t.fetches).toEqual([]);
    expect(t.sync.cursor(C)).toBe(2);
  });

  it('fills a gap from REST while holding later live messages, then delivers each once, in order', async () => {
    const t = setup({ stored: range(1, 6).map((s) => message(C, s)) });
    t.sync.observeHead(C, 0);
    t.sync.offer(message(C, 1));
    t.sync.offer(message(C, 4));
    t.sync.offer(message(C, 6));
    t.sync.offer(message(C, 3));
    await t.sync.idle();
    expect(t.seqs()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.fetches).toEqual([1]);
    t.sync.offer(message(C, 5));
    expect(t.seqs()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('pages through a long gap 100 at a time', async () => {
    const t = setup({ stored: range(1, 250).map((s) => message(C, s)) });
    t.sync.observeHead(C, 0);
    t.sync.offer(message(C, 250));
    await t.sync.idle();
    expect(t.seqs()).toEqual(range(1, 250));
    expect(t.fetches).toEqual([0, 100, 200]);
  });

  it('skips tombstones but moves the cursor past them', async () => {
    const t = setup({ stored: [message(C, 1), tombstone(C, 2), tombstone(C, 3), message(C, 4)] });
    t.sync.observeHead(C, 0);
    t.sync.observeHead(C, 4);
    await t.sync.idle();
    expect(t.seqs()).toEqual([1, 4]);
    expect(t.sync.cursor(C)).toBe(4);
  });

  it('starts a channel it never synced at the first head it hears of (no history replay)', async () => {
    const t = setup({ stored: range(1, 10).map((s) => message(C, s)) });
    t.sync.observeHead(C, 10);
    t.sync.offer(message(C, 11));
    await t.sync.idle();
    expect(t.seqs()).toEqual([11]);
    expect(t.fetches).toEqual([]);
  });

  it('starts a channel first heard of through a message (created after READY) at 0', async () => {
    const t = setup({ stored: range(1, 3).map((s) => message(C, s)) });
    t.sync.offer(message(C, 3));
    await t.sync.idle();
    expect(t.seqs()).toEqual([1, 2, 3]);
  });

  it('catches up from a stored cursor when a head is beyond it (after INVALID_SESSION / restart)', async () => {
    const cursors = new MemoryCursorStore();
    cursors.set(C, 5);
    const t = setup({ stored: range(1, 9).map((s) => message(C, s)), cursors });
    t.sync.observeHead(C, 9);
    await t.sync.idle();
    expect(t.seqs()).toEqual([6, 7, 8, 9]);
    expect(cursors.get(C)).toBe(9);
  });

  it('waits for an async cursor store, applying what arrived meanwhile afterwards', async () => {
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const saved: number[] = [];
    const cursors: CursorStore = {
      get: async () => {
        await gate;
        return 2;
      },
      set: async (_channel, seq) => {
        saved.push(seq);
      },
    };
    const t = setup({ stored: range(1, 4).map((s) => message(C, s)), cursors });
    t.sync.offer(message(C, 2));
    t.sync.offer(message(C, 3));
    t.sync.offer(message(C, 4));
    expect(t.seqs()).toEqual([]);
    release();
    await t.sync.idle();
    expect(t.seqs()).toEqual([3, 4]);
    expect(saved).toEqual([3, 4]);
  });

  it('folds edits and deletions of undelivered messages into them; passes on those of delivered ones', async () => {
    const t = setup({ stored: range(1, 4).map((s) => message(C, s)) });
    t.sync.observeHead(C, 1);
    const edited = message(C, 3, { content: 'edited', edited_timestamp: new Date(1_800_000_000_000).toISOString() });
    t.sync.update(edited);
    t.sync.remove({ id: message(C, 2).id, channel_id: C, seq: 2 });
    await t.sync.idle();
    expect(t.delivered.map((m) => [m.seq, m.content])).toEqual([
      [3, 'edited'],
      [4, 'message 4'],
    ]);
    expect(t.updates).toEqual([]);
    expect(t.deletes).toEqual([]);

    t.sync.update({ ...edited, content: 'again' });
    t.sync.remove({ id: message(C, 4).id, channel_id: C, seq: 4 });
    expect(t.updates.map((m) => m.content)).toEqual(['again']);
    expect(t.deletes.map((e) => e.seq)).toEqual([4]);
  });

  it('passes on an edit that arrives while an async sink is still taking the message', async () => {
    const order: string[] = [];
    let release = (): void => {};
    const sync = new ChannelSync({
      fetchAfter: async () => [],
      onMessage: async (m) => {
        order.push(`message ${m.seq}`);
        await new Promise<void>((resolve) => (release = resolve));
      },
      onUpdate: (m) => void order.push(`update ${m.seq}`),
      onDelete: (e) => void order.push(`delete ${e.seq}`),
      onError: () => {},
    });
    sync.observeHead(C, 0);
    sync.offer(message(C, 1));
    sync.offer(message(C, 1));
    sync.update(message(C, 1, { content: 'edited', edited_timestamp: new Date().toISOString() }));
    release();
    await sync.idle();
    expect(order).toEqual(['message 1', 'update 1']);
  });

  it('retries a failing REST read until it succeeds', async () => {
    const t = setup({ stored: range(1, 3).map((s) => message(C, s)) });
    let failures = 3;
    const original = async (afterSeq: number, limit: number) =>
      [...t.store.values()].filter((m) => m.seq > afterSeq).slice(0, limit);
    t.setFetch(async (afterSeq, limit) => {
      if (failures-- > 0) throw new TypeError('fetch failed');
      return original(afterSeq, limit);
    });
    t.sync.observeHead(C, 0);
    t.sync.offer(message(C, 3));
    await t.sync.idle();
    expect(t.seqs()).toEqual([1, 2, 3]);
    expect(t.fetches).toEqual([0, 0, 0, 0]);
    expect(t.errors).toEqual([]);
  });

  it('stops syncing a channel the server refuses (4xx) and reports SYNC_FETCH_FAILED', async () => {
    const t = setup();
    t.setFetch(async () => {
      throw new ApiRequestError(404, { code: 10003, message: 'Unknown Channel' }, 'GET', '/channels/42/messages');
    });
    t.sync.observeHead(C, 0);
    t.sync.offer(message(C, 2));
    await t.sync.idle();
    expect(t.errors.map((e) => [e.code, e.details.channelId])).toEqual([['SYNC_FETCH_FAILED', C]]);
    expect(t.sync.cursor(C)).toBeUndefined();
  });

  it('reports SYNC_STALLED when the announced messages never come, and keeps holding later ones', async () => {
    const t = setup({ stored: [] });
    t.sync.observeHead(C, 0);
    t.sync.offer(message(C, 3));
    await t.sync.idle();
    expect(t.errors.map((e) => e.code)).toEqual(['SYNC_STALLED']);
    expect(t.fetches).toHaveLength(3);
    expect(t.seqs()).toEqual([]);
    // They turn up later: the next event drives the catch-up.
    t.store.set(1, message(C, 1));
    t.store.set(2, message(C, 2));
    t.store.set(3, message(C, 3));
    t.sync.offer(message(C, 4));
    await t.sync.idle();
    expect(t.seqs()).toEqual([1, 2, 3, 4]);
  });

  it('property: any mix of dropped, repeated and reordered live events, with concurrent REST reads, yields 1..N once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 120 }),
        fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 10 }),
        fc.integer({ min: 1, max: 12 }),
        fc.scheduler(),
        async (n, liveOrder, deletedSeqs, pageSize, scheduler) => {
          const deleted = new Set(deletedSeqs.filter((s) => s <= n));
          const stored = range(1, n).map((s) => (deleted.has(s) ? tombstone(C, s) : message(C, s)));
          const delivered: number[] = [];
          const sync = new ChannelSync({
            fetchAfter: (_c, afterSeq, limit) =>
              scheduler.schedule(Promise.resolve(stored.filter((m) => m.seq > afterSeq).slice(0, limit))),
            pageSize,
            onMessage: (m) => void delivered.push(m.seq),
            onUpdate: () => {},
            onDelete: () => {},
            onError: (e) => {
              throw e;
            },
          });
          sync.observeHead(C, 0);
          const live = liveOrder.filter((s) => s <= n && !deleted.has(s));
          scheduler.scheduleSequence(
            live.map((s) => async () => {
              sync.offer(message(C, s));
            }),
          );
          await settle(scheduler, sync);
          // What READY says after a reconnect: the head, so anything never heard of is fetched too.
          sync.observeHead(C, n);
          await settle(scheduler, sync);
          expect(delivered).toEqual(range(1, n).filter((s) => !deleted.has(s)));
          expect(sync.cursor(C)).toBe(n);
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** Runs scheduled work until the sync has nothing left in flight (a drain may schedule its fetch a tick later). */
async function settle(scheduler: fc.Scheduler, sync: ChannelSync): Promise<void> {
  let idle = false;
  void sync.idle().then(() => (idle = true));
  while (!idle) {
    await scheduler.waitAll();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
