import { describe, expect, it } from 'vitest';
import type { ReactionCount } from '../../../packages/server/src/stores/records';
import type { StoreFactory } from '../storeContract';
import { aChannel, ids } from '../fixtures';
import { aMessage, withChannels } from './messageFixtures';

const byEmoji = (counts: ReactionCount[] | undefined): ReactionCount[] =>
  [...(counts ?? [])].sort((a, b) => (a.emoji < b.emoji ? -1 : 1));

/** Edits, pins, tombstones, reactions and mention counts: everything after the append. */
export function messageDetailsContract(factory: StoreFactory): void {
  describe('MessageStore: edit, pin, delete', () => {
    it('edits content and mentions, keeping flags unless given', async () => {
      const { store, channels } = await withChannels(factory);
      const channel = channels[0]!.id;
      const { message } = await store.messages.append(aMessage(channel, ids.next(), { flags: 4, content: 'old' }));
      const mentioned = ids.next();
      const edited = await store.messages.edit(channel, message.id, {
        content: 'new',
        editedAt: 1234,
        mentionEveryone: true,
        mentionUserIds: [mentioned],
        mentionRoleIds: [],
      });
      const expected = {
        ...message,
        content: 'new',
        editedAt: 1234,
        mentionEveryone: true,
        mentionUserIds: [mentioned],
      };
      expect(edited).toEqual(expected);
      expect(await store.messages.get(channel, message.id)).toEqual(expected);
      const flagged = await store.messages.edit(channel, message.id, { ...expected, editedAt: 2000, flags: 0 });
      expect(flagged).toMatchObject({ flags: 0, editedAt: 2000, seq: message.seq, id: message.id });
      expect(
        await store.messages.edit(channel, ids.next(), {
          content: 'x',
          editedAt: 1,
          mentionEveryone: false,
          mentionUserIds: [],
          mentionRoleIds: [],
        }),
      ).toBeUndefined();
      await store.close();
    });

    it('pins and unpins', async () => {
      const { store, channels } = await withChannels(factory);
      const channel = channels[0]!.id;
      const { message } = await store.messages.append(aMessage(channel, ids.next()));
      expect(await store.messages.setPinned(channel, message.id, true)).toEqual({ ...message, pinned: true });
      expect((await store.messages.get(channel, message.id))?.pinned).toBe(true);
      expect(await store.messages.setPinned(channel, message.id, false)).toEqual(message);
      expect(await store.messages.setPinned(channel, ids.next(), true)).toBeUndefined();
      await store.close();
    });

    it('turns a deleted message into an inert tombstone that keeps its seq', async () => {
      const { store, channels } = await withChannels(factory);
      const channel = channels[0]!.id;
      const author = ids.next();
      const reader = ids.next();
      const input = aMessage(channel, author, { content: 'secret', nonce: 'tomb', mentionUserIds: [reader] });
      const { message } = await store.messages.append(input);
      const after = await store.messages.append(aMessage(channel, author));
      await store.messages.setPinned(channel, message.id, true);
      await store.messages.addReaction(channel, message.id, reader, '🔥');
      expect(await store.messages.countMentions(channel, reader, [], 0)).toBe(1);

      expect(await store.messages.delete(channel, message.id)).toBe(true);
      const tombstone = await store.messages.get(channel, message.id);
      expect(tombstone).toMatchObject({ id: message.id, seq: 1, deleted: true, content: '', pinned: false });
      expect(tombstone).toMatchObject({ mentionEveryone: false, mentionUserIds: [], mentionRoleIds: [] });
      expect(await store.messages.getBySeq(channel, 1)).toEqual(tombstone);
      // Lists still carry tombstones so seq stays gap-free for clients catching up.
      const listed = await store.messages.list(channel, { afterSeq: 0, limit: 10 });
      expect(listed).toEqual([tombstone, after.message]);
      expect(await store.messages.countMentions(channel, reader, [], 0)).toBe(0);
      expect(await store.messages.reactionCounts(channel, [message.id], reader)).toEqual(new Map([[message.id, []]]));
      expect(await store.messages.countDistinctReactions(channel, message.id)).toBe(0);
      // A retried send of the deleted message still maps to it, never to a second message.
      expect(await store.messages.append(input)).toEqual({ message: tombstone, created: false });

      // Inert: no second delete, edit, pin or reaction.
      expect(await store.messages.delete(channel, message.id)).toBe(false);
      expect(await store.messages.setPinned(channel, message.id, true)).toBeUndefined();
      const patch = { content: 'back', editedAt: 1, mentionEveryone: false, mentionUserIds: [], mentionRoleIds: [] };
      expect(await store.messages.edit(channel, message.id, patch)).toBeUndefined();
      expect(await store.messages.addReaction(channel, message.id, reader, '🔥')).toBe(false);
      expect(await store.messages.get(channel, message.id)).toEqual(tombstone);
      expect(await store.messages.delete(channel, ids.next())).toBe(false);
      expect((await store.channels.get(channel))?.lastSeq).toBe(2);
      await store.close();
    });
  });

  describe('MessageStore: reactions', () => {
    it('adds once per user and emoji, counts with `me`, and removes', async () => {
      const { store, channels } = await withChannels(factory);
      const channel = channels[0]!.id;
      const [a, b, c] = [ids.next(), ids.next(), ids.next()];
      const m1 = (await store.messages.append(aMessage(channel, a))).message;
      const m2 = (await store.messages.append(aMessage(channel, a))).message;
      const m3 = (await store.messages.append(aMessage(channel, a))).message;
      expect(await store.messages.addReaction(channel, m1.id, a, '👍')).toBe(true);
      expect(await store.messages.addReaction(channel, m1.id, a, '👍')).toBe(false);
      expect(await store.messages.addReaction(channel, m1.id, b, '👍')).toBe(true);
      expect(await store.messages.addReaction(channel, m1.id, b, 'party:123')).toBe(true);
      expect(await store.messages.addReaction(channel, m2.id, c, '👍')).toBe(true);
      expect(await store.messages.addReaction(channel, ids.next(), a, '👍')).toBe(false);

      const counts = await store.messages.reactionCounts(channel, [m1.id, m2.id, m3.id], a);
      expect(byEmoji(counts.get(m1.id))).toEqual(
        byEmoji([
          { emoji: '👍', count: 2, me: true },
          { emoji: 'party:123', count: 1, me: false },
        ]),
      );
      expect(counts.get(m2.id)).toEqual([{ emoji: '👍', count: 1, me: false }]);
      expect(counts.get(m3.id) ?? []).toEqual([]);
      expect(await store.messages.countDistinctReactions(channel, m1.id)).toBe(2);
      expect(await store.messages.countDistinctReactions(channel, m3.id)).toBe(0);

      expect(await store.messages.removeReaction(channel, m1.id, a, '👍')).toBe(true);
      expect(await store.messages.removeReaction(channel, m1.id, a, '👍')).toBe(false);
      const after = await store.messages.reactionCounts(channel, [m1.id], a);
      expect(byEmoji(after.get(m1.id))).toEqual(
        byEmoji([
          { emoji: '👍', count: 1, me: false },
          { emoji: 'party:123', count: 1, me: false },
        ]),
      );
      // The same message id in another channel is a different message.
      const other = aChannel(ids.next());
      await store.channels.create(other);
      expect(await store.messages.addReaction(other.id, m1.id, a, '👍')).toBe(false);
      expect(await store.messages.countDistinctReactions(other.id, m1.id)).toBe(0);
      await store.close();
    });

    it('lists reacting users in id order with paging, and clears by emoji or all', async () => {
      const { store, channels } = await withChannels(factory);
      const channel = channels[0]!.id;
      const { message } = await store.messages.append(aMessage(channel, ids.next()));
      // Added out of order, with ids of different lengths: ordering is numeric.
      const users = ['999999999999999999', '1000000000000000000', ids.next(), ids.next(), ids.next()];
      for (const user of [...users].reverse()) await store.messages.addReaction(channel, message.id, user, '❤️');
      await store.messages.addReaction(channel, message.id, users[0]!, '😂');
      await store.messages.addReaction(channel, message.id, users[1]!, '😂');
      const ordered = [...users].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));

      const list = (page: { after?: string; limit: number }) =>
        store.messages.listReactionUsers(channel, message.id, '❤️', page);
      expect(await list({ limit: 100 })).toEqual(ordered);
      expect(await list({ limit: 2 })).toEqual(ordered.slice(0, 2));
      expect(await list({ after: ordered[1], limit: 2 })).toEqual(ordered.slice(2, 4));
      expect(await list({ after: ordered[4], limit: 2 })).toEqual([]);
      expect(await store.messages.listReactionUsers(channel, message.id, '👀', { limit: 10 })).toEqual([]);

      expect(await store.messages.clearReactions(channel, message.id, '😂')).toBe(2);
      expect(await store.messages.countDistinctReactions(channel, message.id)).toBe(1);
      expect(await store.messages.clearReactions(channel, message.id, '😂')).toBe(0);
      expect(await store.messages.clearReactions(channel, message.id)).toBe(5);
      expect(await store.messages.countDistinctReactions(channel, message.id)).toBe(0);
      expect(await store.messages.clearReactions(channel, message.id)).toBe(0);
      await store.close();
    });
  });

  describe('MessageStore: countMentions', () => {
    it('counts messages after a seq that mention the user, their roles or @everyone, once each', async () => {
      const { store, guildId, channels } = await withChannels(factory);
      const channel = channels[0]!.id;
      const [author, me, someone] = [ids.next(), ids.next(), ids.next()];
      const [myRole, otherRole] = [ids.next(), ids.next()];
      const send = (o: Parameters<typeof aMessage>[2]) => store.messages.append(aMessage(channel, author, o));
      await send({ mentionUserIds: [me] }); // 1
      await send({ mentionRoleIds: [myRole] }); // 2
      await send({ mentionEveryone: true }); // 3
      await send({ mentionUserIds: [me, me], mentionRoleIds: [myRole], mentionEveryone: true }); // 4
      await send({ mentionUserIds: [someone], mentionRoleIds: [otherRole] }); // 5
      await send({}); // 6
      // Listing the @everyone role (id = guild id) explicitly is the same as mentionEveryone.
      await send({ mentionRoleIds: [guildId] }); // 7

      const count = (roles: string[], afterSeq: number) => store.messages.countMentions(channel, me, roles, afterSeq);
      expect(await count([myRole], 0)).toBe(5);
      expect(await count([], 0)).toBe(4);
      expect(await count([myRole], 1)).toBe(4);
      expect(await count([myRole], 3)).toBe(2);
      expect(await count([myRole], 7)).toBe(0);
      expect(await count([otherRole], 4)).toBe(2);
      expect(await store.messages.countMentions(channel, someone, [], 0)).toBe(4);
      expect(await store.messages.countMentions(ids.next(), me, [myRole], 0)).toBe(0);
      await store.close();
    });

    it('follows edits and deletes', async () => {
      const { store, channels } = await withChannels(factory);
      const channel = channels[0]!.id;
      const [author, me] = [ids.next(), ids.next()];
      const plain = (await store.messages.append(aMessage(channel, author))).message;
      const pinged = (await store.messages.append(aMessage(channel, author, { mentionUserIds: [me] }))).message;
      expect(await store.messages.countMentions(channel, me, [], 0)).toBe(1);
      const patch = { editedAt: 5, mentionEveryone: false, mentionRoleIds: [] };
      await store.messages.edit(channel, plain.id, { ...patch, content: '@me', mentionUserIds: [me] });
      await store.messages.edit(channel, pinged.id, { ...patch, content: 'nobody', mentionUserIds: [] });
      expect(await store.messages.countMentions(channel, me, [], 0)).toBe(1);
      expect(await store.messages.countMentions(channel, me, [], 1)).toBe(0);
      await store.messages.delete(channel, plain.id);
      expect(await store.messages.countMentions(channel, me, [], 0)).toBe(0);
      await store.close();
    });

    it('has no @everyone in a DM: only direct mentions count there', async () => {
      const { store } = await factory.open();
      const [a, b] = [ids.next(), ids.next()];
      const { channel } = await store.channels.openDm(aChannel(null), a, b);
      await store.messages.append(aMessage(channel.id, a, { mentionEveryone: true }));
      await store.messages.append(aMessage(channel.id, a, { mentionUserIds: [b] }));
      expect(await store.messages.countMentions(channel.id, b, [], 0)).toBe(1);
      expect(await store.messages.countMentions(channel.id, b, [], 2)).toBe(0);
      await store.close();
    });
  });
}
