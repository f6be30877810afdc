import { describe, expect, it } from 'vitest';
import type { AppendResult, Store } from '../../../packages/server/src/stores/ports';
import type { MessageRecord } from '../../../packages/server/src/stores/records';
import type { StoreFactory } from '../storeContract';
import { SnowflakeGenerator } from '../../../packages/server/src/domain/snowflake';
import { ids } from '../fixtures';
import { messageDetailsContract } from './messageDetails.contract';
import { aMessage, sleep, withChannels } from './messageFixtures';

const seqs = (messages: MessageRecord[]): number[] => messages.map((m) => m.seq);
const range = (from: number, to: number): number[] =>
  from <= to ? Array.from({ length: to - from + 1 }, (_, i) => from + i) : range(to, from).reverse();

function expectIdsIncreaseWithSeq(messages: MessageRecord[]): void {
  const sorted = [...messages].sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < sorted.length; i++) {
    expect(BigInt(sorted[i]!.id) > BigInt(sorted[i - 1]!.id)).toBe(true);
  }
}

export function messagesContract(factory: StoreFactory): void {
  describe('MessageStore: append', () => {
    it('assigns seq from 1, a fresh id, and moves the channel head', async () => {
      const { store, channels } = await withChannels(factory);
      const channel = channels[0]!;
      const author = ids.next();
      const input = aMessage(channel.id, author, { content: 'first', nonce: 'abc', mentionUserIds: [ids.next()] });
      const first = await store.messages.append(input);
      expect(first.created).toBe(true);
      expect(first.message).toMatchObject({
        channelId: channel.id,
        seq: 1,
        authorId: author,
        content: 'first',
        nonce: 'abc',
        pinned: false,
        editedAt: null,
        deleted: false,
        mentionUserIds: input.mentionUserIds,
      });
      expect(await store.messages.get(channel.id, first.message.id)).toEqual(first.message);
      expect(await store.messages.getBySeq(channel.id, 1)).toEqual(first.message);
      const second = await store.messages.append(aMessage(channel.id, author));
      expect(second.message.seq).toBe(2);
      expect(BigInt(second.message.id) > BigInt(first.message.id)).toBe(true);
      expect(await store.channels.get(channel.id)).toMatchObject({ lastSeq: 2, lastMessageId: second.message.id });
      expect(await store.messages.get(channel.id, ids.next())).toBeUndefined();
      expect(await store.messages.getBySeq(channel.id, 3)).toBeUndefined();
      await store.close();
    });

    it('mints ids above the channel’s newest when another node, its clock ahead, wrote last', async () => {
      const { store, reopen, channels } = await withChannels(factory);
      const channel = channels[0]!.id;
      const author = ids.next();
      const fastNode = await reopen(new SnowflakeGenerator(7, { now: () => Date.now() + 3_600_000 }));
      try {
        const ahead = (await fastNode.messages.append(aMessage(channel, author, { content: 'from the future' })))
          .message;
        const later = await Promise.all(
          [1, 2, 3].map(
            async (i) => (await store.messages.append(aMessage(channel, author, { content: `m${i}` }))).message,
          ),
        );
        const all = [ahead, ...later];
        expect(seqs(all).sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
        expectIdsIncreaseWithSeq(all);
        const newest = [...all].sort((a, b) => b.seq - a.seq)[0]!;
        expect((await store.channels.get(channel))?.lastMessageId).toBe(newest.id);
        // Back on this node's own clock, the next one still goes above them.
        const next = (await store.messages.append(aMessage(channel, author))).message;
        expect(BigInt(next.id) > BigInt(newest.id)).toBe(true);
      } finally {
        await fastNode.close();
      }
    });

    it('keeps seq gap-free and ids increasing under 300 concurrent appends across 3 channels', async () => {
      const { store, channels } = await withChannels(factory, 3);
      const inputs = Array.from({ length: 300 }, (_, i) =>
        aMessage(channels[i % 3]!.id, ids.next(), { content: `m${i}`, nonce: i % 2 === 0 ? `n${i}` : null }),
      );
      const results = await Promise.all(inputs.map((input) => store.messages.append(input)));
      results.forEach((result, i) => {
        // Each caller gets its own message back, not a neighbour's from the same batch.
        expect(result.created).toBe(true);
        expect(result.message).toMatchObject({
          channelId: inputs[i]!.channelId,
          authorId: inputs[i]!.authorId,
          content: `m${i}`,
        });
      });
      expect(new Set(results.map((r) => r.message.id)).size).toBe(300);
      for (const channel of channels) {
        const mine = results.map((r) => r.message).filter((m) => m.channelId === channel.id);
        expect([...seqs(mine)].sort((a, b) => a - b)).toEqual(range(1, 100));
        expectIdsIncreaseWithSeq(mine);
        const stored = await store.messages.list(channel.id, { afterSeq: 0, limit: 200 });
        expect(stored).toEqual([...mine].sort((a, b) => a.seq - b.seq));
        expect(await store.channels.get(channel.id)).toMatchObject({ lastSeq: 100, lastMessageId: stored[99]!.id });
      }
      await store.close();
    });

    it('dedupes a repeated (channel, author, nonce), returning the original and writing nothing', async () => {
      const { store, channels } = await withChannels(factory, 2);
      const [c1, c2] = [channels[0]!.id, channels[1]!.id];
      const author = ids.next();
      const original = await store.messages.append(aMessage(c1, author, { nonce: 'same', content: 'one' }));
      const retry = await store.messages.append(aMessage(c1, author, { nonce: 'same', content: 'two' }));
      expect(retry).toEqual({ message: original.message, created: false });
      // The nonce is scoped to author and channel; a null nonce never dedupes.
      const otherAuthor = await store.messages.append(aMessage(c1, ids.next(), { nonce: 'same' }));
      const otherChannel = await store.messages.append(aMessage(c2, author, { nonce: 'same' }));
      const noNonce1 = await store.messages.append(aMessage(c1, author));
      const noNonce2 = await store.messages.append(aMessage(c1, author));
      for (const r of [otherAuthor, otherChannel, noNonce1, noNonce2]) expect(r.created).toBe(true);
      expect(seqs([otherAuthor.message, noNonce1.message, noNonce2.message])).toEqual([2, 3, 4]);
      expect((await store.channels.get(c1))?.lastSeq).toBe(4);
      await store.close();
    });

    it('turns concurrent duplicates into exactly one message, every caller getting it', async () => {
      const { store, channels } = await withChannels(factory);
      const channel = channels[0]!.id;
      const author = ids.next();
      const duplicates = Array.from({ length: 10 }, () => aMessage(channel, author, { nonce: 'dup' }));
      const others = Array.from({ length: 10 }, (_, i) => aMessage(channel, author, { nonce: `other${i}` }));
      const interleaved = duplicates.flatMap((d, i) => [d, others[i]!]);
      const results = await Promise.all(interleaved.map((m) => store.messages.append(m)));
      const dupResults = results.filter((_, i) => i % 2 === 0);
      expect(dupResults.filter((r) => r.created)).toHaveLength(1);
      const { id, seq } = dupResults[0]!.message;
      for (const r of dupResults) expect(r.message).toMatchObject({ id, seq, nonce: 'dup' });
      const all = await store.messages.list(channel, { afterSeq: 0, limit: 100 });
      expect(seqs(all)).toEqual(range(1, 11));
      expect(all.filter((m) => m.nonce === 'dup')).toHaveLength(1);
      await store.close();
    });

    it('rejects appends to a missing channel without breaking concurrent valid ones', async () => {
      const { store, channels } = await withChannels(factory);
      const channel = channels[0]!.id;
      const missing = ids.next();
      const attempts = Array.from({ length: 60 }, (_, i) =>
        store.messages.append(aMessage(i % 6 === 0 ? missing : channel, ids.next(), { nonce: `n${i}` })),
      );
      const settled = await Promise.allSettled(attempts);
      settled.forEach((s, i) => expect(s.status).toBe(i % 6 === 0 ? 'rejected' : 'fulfilled'));
      const ok = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.message] : []));
      expect([...seqs(ok)].sort((a, b) => a - b)).toEqual(range(1, 50));
      expect(await store.messages.list(missing, { limit: 10 })).toEqual([]);
      await expect(store.messages.append(aMessage(missing, ids.next()))).rejects.toThrow();
      expect((await store.messages.append(aMessage(channel, ids.next()))).message.seq).toBe(51);
      await store.close();
    });

    it('fails only the append the engine refuses, committing the rest of its batch', async () => {
      const { store, channels } = await withChannels(factory);
      const channel = channels[0]!.id;
      const attempts = Array.from({ length: 20 }, (_, i) =>
        // NaN is no integer: every engine refuses to store it as created_at.
        store.messages.append(aMessage(channel, ids.next(), { nonce: `f${i}`, createdAt: i === 7 ? NaN : Date.now() })),
      );
      const settled = await Promise.allSettled(attempts);
      settled.forEach((s, i) => expect(s.status).toBe(i === 7 ? 'rejected' : 'fulfilled'));
      const stored = await store.messages.list(channel, { afterSeq: 0, limit: 50 });
      expect(seqs(stored)).toEqual(range(1, 19));
      expectIdsIncreaseWithSeq(stored);
      expect((await store.channels.get(channel))?.lastSeq).toBe(19);
      await store.close();
    });

    it('has every acknowledged message readable from a second opening, and after a restart', async () => {
      const { store, reopen, channels } = await withChannels(factory, 2);
      const author = ids.next();
      const acked: AppendResult[] = await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          store.messages.append(aMessage(channels[i % 2]!.id, author, { nonce: `d${i}`, content: `c${i}` })),
        ),
      );
      // Read through another opening while the first is still open: acknowledged means committed.
      const second = await reopen();
      for (const { message } of acked) {
        expect(await second.messages.getBySeq(message.channelId, message.seq)).toEqual(message);
      }
      await second.close();
      await store.close();

      const restarted = await reopen();
      for (const { message } of acked) {
        expect(await restarted.messages.get(message.channelId, message.id)).toEqual(message);
      }
      const retry = await restarted.messages.append(aMessage(channels[0]!.id, author, { nonce: 'd0' }));
      expect(retry).toEqual({ message: acked[0]!.message, created: false });
      const next = await restarted.messages.append(aMessage(channels[0]!.id, author));
      expect(next.message.seq).toBe(61);
      const head = await restarted.messages.getBySeq(channels[0]!.id, 60);
      expect(BigInt(next.message.id) > BigInt(head!.id)).toBe(true);
      await restarted.close();
    });
  });

  describe('MessageStore: list', () => {
    it('pages by seq: backwards newest first, forwards oldest first, one channel only', async () => {
      const { store, channels } = await withChannels(factory, 2);
      const [channel, other] = [channels[0]!.id, channels[1]!.id];
      for (let i = 0; i < 25; i++) {
        await store.messages.append(aMessage(channel, ids.next()));
        if (i % 5 === 0) await store.messages.append(aMessage(other, ids.next()));
      }
      const list = (r: Parameters<Store['messages']['list']>[1]) => store.messages.list(channel, r);
      expect(seqs(await list({ limit: 10 }))).toEqual(range(25, 16));
      expect(seqs(await list({ beforeSeq: 16, limit: 10 }))).toEqual(range(15, 6));
      expect(seqs(await list({ beforeSeq: 6, limit: 10 }))).toEqual(range(5, 1));
      expect(await list({ beforeSeq: 1, limit: 10 })).toEqual([]);
      expect(seqs(await list({ afterSeq: 0, limit: 10 }))).toEqual(range(1, 10));
      expect(seqs(await list({ afterSeq: 20, limit: 10 }))).toEqual(range(21, 25));
      expect(await list({ afterSeq: 25, limit: 10 })).toEqual([]);
      // A bounded window (gap fill) pages forwards.
      expect(seqs(await list({ afterSeq: 10, beforeSeq: 20, limit: 5 }))).toEqual(range(11, 15));
      expect(seqs(await list({ limit: 100 }))).toEqual(range(25, 1));
      expect(seqs(await store.messages.list(other, { limit: 100 }))).toEqual(range(5, 1));
      expect((await list({ limit: 100 })).every((m) => m.channelId === channel)).toBe(true);
      expect(await store.messages.list(ids.next(), { limit: 10 })).toEqual([]);
      await store.close();
    });

    it('pages by id, and accepts any snowflake as a time cursor', async () => {
      const { store, channels } = await withChannels(factory);
      const channel = channels[0]!.id;
      const early: MessageRecord[] = [];
      for (let i = 0; i < 5; i++) early.push((await store.messages.append(aMessage(channel, ids.next()))).message);
      await sleep(5);
      const cursor = ids.next(); // minted by another generator, between the two groups in time
      await sleep(5);
      const late: MessageRecord[] = [];
      for (let i = 0; i < 5; i++) late.push((await store.messages.append(aMessage(channel, ids.next()))).message);

      const list = (r: Parameters<Store['messages']['list']>[1]) => store.messages.list(channel, r);
      expect(await list({ beforeId: late[2]!.id, limit: 3 })).toEqual([late[1], late[0], early[4]]);
      expect(await list({ afterId: early[2]!.id, limit: 3 })).toEqual([early[3], early[4], late[0]]);
      expect(await list({ beforeId: cursor, limit: 50 })).toEqual([...early].reverse());
      expect(await list({ afterId: cursor, limit: 50 })).toEqual(late);
      expect(await list({ afterId: cursor, limit: 2 })).toEqual(late.slice(0, 2));
      expect(await list({ afterId: early[0]!.id, beforeId: late[0]!.id, limit: 50 })).toEqual(early.slice(1));
      expect(await list({ beforeId: early[0]!.id, limit: 50 })).toEqual([]);
      await store.close();
    });
  });

  messageDetailsContract(factory);
}
