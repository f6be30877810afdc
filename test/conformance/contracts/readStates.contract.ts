import { describe, expect, it } from 'vitest';
import type { ReadStateRecord } from '../../../packages/server/src/stores/records';
import type { StoreFactory } from '../storeContract';
import { ids } from '../fixtures';

function aReadState(userId: string, channelId: string, lastReadSeq: number, mentionCount = 0): ReadStateRecord {
  return { userId, channelId, lastReadSeq, lastMessageId: lastReadSeq === 0 ? null : ids.next(), mentionCount };
}

export function readStatesContract(factory: StoreFactory): void {
  describe('ReadStateStore', () => {
    it('creates on first ack and reads back', async () => {
      const { store } = await factory.open();
      const [user, channel] = [ids.next(), ids.next()];
      expect(await store.readStates.get(user, channel)).toBeUndefined();
      const state = aReadState(user, channel, 4, 2);
      expect(await store.readStates.ack(state, false)).toEqual(state);
      expect(await store.readStates.get(user, channel)).toEqual(state);
      const zero = aReadState(user, ids.next(), 0);
      expect(await store.readStates.ack(zero, false)).toEqual(zero);
      await store.close();
    });

    it('never moves the marker backwards unless manual', async () => {
      const { store } = await factory.open();
      const [user, channel] = [ids.next(), ids.next()];
      const at10 = aReadState(user, channel, 10, 3);
      await store.readStates.ack(at10, false);
      const at20 = aReadState(user, channel, 20, 1);
      expect(await store.readStates.ack(at20, false)).toEqual(at20);
      // A late ack from another device changes nothing, its mention count included.
      expect(await store.readStates.ack(at10, false)).toEqual(at20);
      expect(await store.readStates.get(user, channel)).toEqual(at20);
      // The same position refreshes the mention count.
      const recount = { ...at20, mentionCount: 0 };
      expect(await store.readStates.ack(recount, false)).toEqual(recount);
      // "Mark unread" moves it back on purpose.
      const manual = aReadState(user, channel, 5, 7);
      expect(await store.readStates.ack(manual, true)).toEqual(manual);
      expect(await store.readStates.get(user, channel)).toEqual(manual);
      await store.close();
    });

    it('ends at the highest of concurrent acks', async () => {
      const { store } = await factory.open();
      const [user, channel] = [ids.next(), ids.next()];
      const states = Array.from({ length: 30 }, (_, i) => aReadState(user, channel, (i * 7) % 30));
      const results = await Promise.all(states.map((s) => store.readStates.ack(s, false)));
      for (const [i, result] of results.entries()) {
        expect(result.lastReadSeq).toBeGreaterThanOrEqual(states[i]!.lastReadSeq);
      }
      expect((await store.readStates.get(user, channel))?.lastReadSeq).toBe(29);
      await store.close();
    });

    it("lists one user's read states only", async () => {
      const { store } = await factory.open();
      const [user, other] = [ids.next(), ids.next()];
      const mine = [aReadState(user, ids.next(), 1), aReadState(user, ids.next(), 2, 5)];
      for (const s of mine) await store.readStates.ack(s, false);
      await store.readStates.ack(aReadState(other, mine[0]!.channelId, 9), false);
      const listed = await store.readStates.listForUser(user);
      const byChannel = (a: ReadStateRecord, b: ReadStateRecord) =>
        BigInt(a.channelId) < BigInt(b.channelId) ? -1 : 1;
      expect([...listed].sort(byChannel)).toEqual([...mine].sort(byChannel));
      expect(await store.readStates.listForUser(ids.next())).toEqual([]);
      await store.close();
    });

    it('survives a restart', async () => {
      const { store, reopen } = await factory.open();
      const state = aReadState(ids.next(), ids.next(), 12, 3);
      await store.readStates.ack(state, false);
      await store.close();
      const restarted = await reopen();
      expect(await restarted.readStates.get(state.userId, state.channelId)).toEqual(state);
      await restarted.close();
    });
  });
}
