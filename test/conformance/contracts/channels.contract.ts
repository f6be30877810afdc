import { describe, expect, it } from 'vitest';
import type { ChannelRecord, OverwriteRecord } from '../../../packages/server/src/stores/records';
import type { StoreFactory } from '../storeContract';
import { aChannel, ids } from '../fixtures';
import { aMessage } from './messageFixtures';

const byId = (a: { id: string }, b: { id: string }): number => (BigInt(a.id) < BigInt(b.id) ? -1 : 1);

function aGroupDm(ownerId: string, recipientIds: string[]): ChannelRecord {
  return aChannel(null, { type: 3, name: 'group', ownerId, recipientIds });
}

export function channelsContract(factory: StoreFactory): void {
  describe('ChannelStore', () => {
    it('creates and reads back guild channels, keeping 64-bit overwrite bitfields exactly', async () => {
      const { store } = await factory.open();
      const guildId = ids.next();
      const overwrites: OverwriteRecord[] = [
        { id: guildId, type: 0, allow: 1n << 63n, deny: (1n << 64n) - 1n },
        { id: ids.next(), type: 1, allow: 1024n, deny: 0n },
      ];
      const text = aChannel(guildId, { name: 'general', topic: 'hi', nsfw: true, rateLimitPerUser: 5, overwrites });
      await store.channels.create(text);
      expect(await store.channels.get(text.id)).toEqual(text);
      expect(await store.channels.get(ids.next())).toBeUndefined();
      await store.close();
    });

    it('lists the channels of one guild only', async () => {
      const { store } = await factory.open();
      const guildId = ids.next();
      const category = aChannel(guildId, { type: 4, name: 'cat', position: 0 });
      const a = aChannel(guildId, { name: 'a', position: 1, parentId: category.id });
      const b = aChannel(guildId, { name: 'b', position: 2 });
      const elsewhere = aChannel(ids.next());
      for (const c of [category, a, b, elsewhere]) await store.channels.create(c);
      const listed = await store.channels.listForGuild(guildId);
      expect([...listed].sort(byId)).toEqual([category, a, b].sort(byId));
      expect(await store.channels.listForGuild(ids.next())).toEqual([]);
      await store.close();
    });

    it('updates fields, resolving undefined for a missing channel', async () => {
      const { store } = await factory.open();
      const channel = aChannel(ids.next());
      await store.channels.create(channel);
      const parentId = ids.next();
      const overwrites: OverwriteRecord[] = [{ id: ids.next(), type: 1, allow: 3n, deny: 4n }];
      const updated = await store.channels.update(channel.id, {
        name: 'renamed',
        topic: 'topic',
        position: 7,
        parentId,
        nsfw: true,
        rateLimitPerUser: 30,
        overwrites,
      });
      const expected = { ...channel, name: 'renamed', topic: 'topic', position: 7, parentId, nsfw: true };
      expect(updated).toEqual({ ...expected, rateLimitPerUser: 30, overwrites });
      expect(await store.channels.get(channel.id)).toEqual(updated);
      expect(await store.channels.update(channel.id, { topic: null, parentId: null })).toMatchObject({
        topic: null,
        parentId: null,
        name: 'renamed',
      });
      expect(await store.channels.update(ids.next(), { name: 'x' })).toBeUndefined();
      await store.close();
    });

    it('sets several positions and parents at once, only within the given guild', async () => {
      const { store } = await factory.open();
      const guildId = ids.next();
      const category = aChannel(guildId, { type: 4, position: 0 });
      const a = aChannel(guildId, { position: 1 });
      const b = aChannel(guildId, { position: 2, parentId: category.id });
      const foreign = aChannel(ids.next(), { position: 3 });
      for (const c of [category, a, b, foreign]) await store.channels.create(c);
      await store.channels.setPositions(guildId, [
        { id: a.id, position: 5, parentId: category.id },
        { id: b.id, parentId: null },
        { id: category.id, position: 9 },
        { id: foreign.id, position: 0 },
      ]);
      expect(await store.channels.get(a.id)).toMatchObject({ position: 5, parentId: category.id });
      expect(await store.channels.get(b.id)).toMatchObject({ position: 2, parentId: null });
      expect(await store.channels.get(category.id)).toMatchObject({ position: 9, parentId: null });
      expect(await store.channels.get(foreign.id)).toMatchObject({ position: 3 });
      await store.close();
    });

    it('sets, replaces and deletes permission overwrites', async () => {
      const { store } = await factory.open();
      const channel = aChannel(ids.next());
      await store.channels.create(channel);
      const role: OverwriteRecord = { id: ids.next(), type: 0, allow: 1n << 40n, deny: 0n };
      const member: OverwriteRecord = { id: ids.next(), type: 1, allow: 0n, deny: 2048n };
      expect((await store.channels.setOverwrite(channel.id, role))?.overwrites).toEqual([role]);
      expect((await store.channels.setOverwrite(channel.id, member))?.overwrites).toEqual([role, member]);
      const replaced = { ...role, allow: 1n, deny: 1n << 63n };
      expect((await store.channels.setOverwrite(channel.id, replaced))?.overwrites).toEqual([replaced, member]);
      expect((await store.channels.deleteOverwrite(channel.id, role.id))?.overwrites).toEqual([member]);
      // An unknown overwrite id leaves the channel as it is.
      expect((await store.channels.deleteOverwrite(channel.id, ids.next()))?.overwrites).toEqual([member]);
      expect((await store.channels.get(channel.id))?.overwrites).toEqual([member]);
      expect(await store.channels.setOverwrite(ids.next(), role)).toBeUndefined();
      expect(await store.channels.deleteOverwrite(ids.next(), role.id)).toBeUndefined();
      await store.close();
    });

    it('keeps every one of many concurrent overwrite changes', async () => {
      const { store } = await factory.open();
      const channel = aChannel(ids.next());
      await store.channels.create(channel);
      const overwrites = Array.from({ length: 20 }, (_, i): OverwriteRecord => ({
        id: ids.next(),
        type: 1,
        allow: BigInt(i),
        deny: 0n,
      }));
      await Promise.all(overwrites.map((o) => store.channels.setOverwrite(channel.id, o)));
      const stored = (await store.channels.get(channel.id))?.overwrites ?? [];
      expect([...stored].sort(byId)).toEqual([...overwrites].sort(byId));
      await store.close();
    });

    it('opens one DM per pair of users, whoever opens it, with recipients ordered by id', async () => {
      const { store } = await factory.open();
      // Ordered numerically, not as strings: a 19-digit id sorts after an 18-digit one.
      const low = '999999999999999999';
      const high = '1000000000000000000';
      const first = await store.channels.openDm(aChannel(null), high, low);
      expect(first.created).toBe(true);
      expect(first.channel.recipientIds).toEqual([low, high]);
      expect(first.channel.type).toBe(1);
      expect(await store.channels.get(first.channel.id)).toEqual(first.channel);
      const again = await store.channels.openDm(aChannel(null), low, high);
      expect(again).toEqual({ channel: first.channel, created: false });
      const other = await store.channels.openDm(aChannel(null), low, ids.next());
      expect(other.created).toBe(true);
      expect(other.channel.id).not.toBe(first.channel.id);
      await store.close();
    });

    it('ends with exactly one DM channel when the same pair opens it concurrently', async () => {
      const { store } = await factory.open();
      const a = ids.next();
      const b = ids.next();
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 2 === 0 ? store.channels.openDm(aChannel(null), a, b) : store.channels.openDm(aChannel(null), b, a),
        ),
      );
      const channelIds = new Set(results.map((r) => r.channel.id));
      expect(channelIds.size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const dms = await store.channels.listPrivateForUser(a);
      expect(dms.map((c) => c.id)).toEqual([...channelIds]);
      expect(dms[0]?.recipientIds).toEqual([a, b].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)));
      await store.close();
    });

    it('lists the DMs and group DMs a user is a recipient of', async () => {
      const { store } = await factory.open();
      const [a, b, c] = [ids.next(), ids.next(), ids.next()];
      const dm = (await store.channels.openDm(aChannel(null), a, b)).channel;
      const group = aGroupDm(a, [a, c]);
      await store.channels.create(group);
      await store.channels.create(aChannel(ids.next()));
      const forA = await store.channels.listPrivateForUser(a);
      expect([...forA].sort(byId)).toEqual([dm, group].sort(byId));
      expect(await store.channels.listPrivateForUser(b)).toEqual([dm]);
      expect(await store.channels.listPrivateForUser(c)).toEqual([group]);
      expect(await store.channels.listPrivateForUser(ids.next())).toEqual([]);
      await store.close();
    });

    it('adds recipients up to the maximum and removes them', async () => {
      const { store } = await factory.open();
      const [a, b, c, d] = [ids.next(), ids.next(), ids.next(), ids.next()];
      const group = aGroupDm(a, [a, b]);
      await store.channels.create(group);
      expect(await store.channels.addRecipient(group.id, c, 3)).toBe(true);
      expect(await store.channels.addRecipient(group.id, c, 3)).toBe(false);
      expect(await store.channels.addRecipient(group.id, d, 3)).toBe(false);
      expect((await store.channels.get(group.id))?.recipientIds).toEqual([a, b, c]);
      expect(await store.channels.removeRecipient(group.id, b)).toBe(true);
      expect(await store.channels.removeRecipient(group.id, b)).toBe(false);
      expect(await store.channels.addRecipient(group.id, d, 3)).toBe(true);
      expect((await store.channels.get(group.id))?.recipientIds).toEqual([a, c, d]);
      expect(await store.channels.listPrivateForUser(b)).toEqual([]);
      expect(await store.channels.addRecipient(ids.next(), a, 10)).toBe(false);
      expect(await store.channels.removeRecipient(ids.next(), a)).toBe(false);
      await store.close();
    });

    it('never exceeds the maximum under concurrent adds', async () => {
      const { store } = await factory.open();
      const owner = ids.next();
      const group = aGroupDm(owner, [owner]);
      await store.channels.create(group);
      const users = Array.from({ length: 12 }, () => ids.next());
      const added = await Promise.all(users.map((u) => store.channels.addRecipient(group.id, u, 5)));
      expect(added.filter(Boolean)).toHaveLength(4);
      expect((await store.channels.get(group.id))?.recipientIds).toHaveLength(5);
      await store.close();
    });

    it('deletes a channel with its messages, reactions, mentions, read states and recipients', async () => {
      const { store } = await factory.open();
      const [a, b] = [ids.next(), ids.next()];
      const dm = (await store.channels.openDm(aChannel(null), a, b)).channel;
      const { message } = await store.messages.append(aMessage(dm.id, a, { nonce: 'n1', mentionUserIds: [b] }));
      await store.messages.addReaction(dm.id, message.id, b, '👍');
      await store.readStates.ack(
        { userId: b, channelId: dm.id, lastReadSeq: 1, lastMessageId: message.id, mentionCount: 0 },
        false,
      );
      expect(await store.channels.delete(dm.id)).toBe(true);
      expect(await store.channels.delete(dm.id)).toBe(false);
      expect(await store.channels.get(dm.id)).toBeUndefined();
      expect(await store.channels.listPrivateForUser(a)).toEqual([]);
      expect(await store.messages.get(dm.id, message.id)).toBeUndefined();
      expect(await store.messages.list(dm.id, { limit: 10 })).toEqual([]);
      expect(await store.readStates.get(b, dm.id)).toBeUndefined();
      expect(await store.messages.listReactionUsers(dm.id, message.id, '👍', { limit: 10 })).toEqual([]);
      expect(await store.messages.countMentions(dm.id, b, [], 0)).toBe(0);

      // The pair may open a new DM, which starts from an empty history.
      const reopened = await store.channels.openDm(aChannel(null), b, a);
      expect(reopened.created).toBe(true);
      expect(reopened.channel.id).not.toBe(dm.id);
      // Even a channel re-created under the same id inherits nothing.
      await store.channels.create({ ...dm, lastSeq: 0, lastMessageId: null, recipientIds: [] });
      expect(await store.messages.list(dm.id, { limit: 10 })).toEqual([]);
      expect(await store.messages.countMentions(dm.id, b, [], 0)).toBe(0);
      const fresh = await store.messages.append(aMessage(dm.id, a, { nonce: 'n1' }));
      expect(fresh).toMatchObject({ created: true, message: { seq: 1 } });
      await store.close();
    });

    it("deletes a guild channel's invites", async () => {
      const { store } = await factory.open();
      const guildId = ids.next();
      const doomed = aChannel(guildId);
      const kept = aChannel(guildId);
      await store.channels.create(doomed);
      await store.channels.create(kept);
      const invite = (code: string, channelId: string) => ({
        code,
        guildId,
        channelId,
        inviterId: ids.next(),
        maxAge: 0,
        maxUses: 0,
        uses: 0,
        temporary: false,
        createdAt: Date.now(),
        expiresAt: null,
      });
      await store.guilds.createInvite(invite(`doomed${doomed.id}`, doomed.id));
      await store.guilds.createInvite(invite(`kept${kept.id}`, kept.id));
      expect(await store.channels.delete(doomed.id)).toBe(true);
      expect(await store.guilds.getInvite(`doomed${doomed.id}`)).toBeUndefined();
      expect(await store.guilds.listChannelInvites(doomed.id)).toEqual([]);
      expect(await store.guilds.getInvite(`kept${kept.id}`)).toBeDefined();
      await store.close();
    });

    it('detaches the children of a deleted category', async () => {
      const { store } = await factory.open();
      const guildId = ids.next();
      const category = aChannel(guildId, { type: 4 });
      const child = aChannel(guildId, { parentId: category.id });
      await store.channels.create(category);
      await store.channels.create(child);
      expect(await store.channels.delete(category.id)).toBe(true);
      expect((await store.channels.get(child.id))?.parentId).toBeNull();
      expect(await store.channels.listForGuild(guildId)).toEqual([{ ...child, parentId: null }]);
      await store.close();
    });
  });
}
