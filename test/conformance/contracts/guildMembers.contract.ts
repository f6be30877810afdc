import { describe, expect, it } from 'vitest';
import type { StoreFactory } from '../storeContract';
import { aMember, ids } from '../fixtures';
import { aNewGuild, anInvite, seeded, userIds } from './guildHelpers';

/** GuildStore members, bans and invites; run from `guildsContract`. */
export function guildMembersContract(factory: StoreFactory): void {
  describe('GuildStore: members', () => {
    it('adds a member once and reads it back', async () => {
      const { store, guildId } = await seeded(factory);
      const member = aMember(guildId, ids.next(), { nick: 'Nick', roleIds: [ids.next(), ids.next()], joinedAt: 77 });
      expect(await store.guilds.addMember(member)).toBe(true);
      expect(await store.guilds.addMember({ ...member, nick: 'Other', roleIds: [] })).toBe(false);
      expect(await store.guilds.getMember(guildId, member.userId)).toEqual(member);
      expect(await store.guilds.getMember(guildId, ids.next())).toBeUndefined();
      expect(await store.guilds.getMember(ids.next(), member.userId)).toBeUndefined();
      expect(await store.guilds.countMembers(guildId)).toBe(2);
      await store.close();
    });

    it('lists members by numeric user id, paging with an exclusive `after`', async () => {
      const { store } = await factory.open();
      const input = aNewGuild({ ownerId: '500' });
      const guildId = input.guild.id;
      await store.guilds.create(input);
      for (const userId of ['1000', '7', '60', '9223372036854775807', '3']) {
        await store.guilds.addMember(aMember(guildId, userId));
      }
      const all = ['3', '7', '60', '500', '1000', '9223372036854775807'];
      expect(userIds(await store.guilds.listMembers(guildId, { limit: 100 }))).toEqual(all);
      expect(userIds(await store.guilds.listMembers(guildId, { limit: 2 }))).toEqual(['3', '7']);
      expect(userIds(await store.guilds.listMembers(guildId, { after: '7', limit: 2 }))).toEqual(['60', '500']);
      expect(userIds(await store.guilds.listMembers(guildId, { after: '8', limit: 10 }))).toEqual(all.slice(2));
      expect(await store.guilds.listMembers(guildId, { after: all[5], limit: 10 })).toEqual([]);
      expect(await store.guilds.countMembers(guildId)).toBe(6);
      expect(await store.guilds.listMembers(ids.next(), { limit: 10 })).toEqual([]);
      await store.close();
    });

    it('updates and removes members', async () => {
      const { store, guildId } = await seeded(factory);
      const member = aMember(guildId, ids.next(), { nick: 'a' });
      await store.guilds.addMember(member);
      const roleIds = [ids.next()];
      expect(await store.guilds.updateMember(guildId, member.userId, { roleIds })).toEqual({ ...member, roleIds });
      expect(await store.guilds.updateMember(guildId, member.userId, { nick: null })).toEqual({
        ...member,
        roleIds,
        nick: null,
      });
      expect(await store.guilds.updateMember(guildId, ids.next(), { nick: 'x' })).toBeUndefined();
      expect(await store.guilds.removeMember(guildId, member.userId)).toBe(true);
      expect(await store.guilds.removeMember(guildId, member.userId)).toBe(false);
      expect(await store.guilds.getMember(guildId, member.userId)).toBeUndefined();
      expect(await store.guilds.countMembers(guildId)).toBe(1);
      await store.close();
    });
  });

  describe('GuildStore: bans', () => {
    it('records a ban and removes the membership; a second ban changes nothing', async () => {
      const { store, guildId } = await seeded(factory);
      const member = aMember(guildId, ids.next());
      await store.guilds.addMember(member);
      const ban = { guildId, userId: member.userId, reason: 'spam', createdAt: 5 };
      expect(await store.guilds.ban(ban)).toBe(true);
      expect(await store.guilds.getBan(guildId, member.userId)).toEqual(ban);
      expect(await store.guilds.getMember(guildId, member.userId)).toBeUndefined();
      // Re-added while banned: the refused ban must not take the membership with it.
      await store.guilds.addMember(member);
      expect(await store.guilds.ban({ ...ban, reason: 'again', createdAt: 6 })).toBe(false);
      expect(await store.guilds.getBan(guildId, member.userId)).toEqual(ban);
      expect(await store.guilds.getMember(guildId, member.userId)).toEqual(member);
      // A user who never joined can be banned too.
      const stranger = { guildId, userId: ids.next(), reason: null, createdAt: 7 };
      expect(await store.guilds.ban(stranger)).toBe(true);
      expect(await store.guilds.getBan(guildId, stranger.userId)).toEqual(stranger);
      expect(await store.guilds.getBan(ids.next(), stranger.userId)).toBeUndefined();
      expect(await store.guilds.unban(guildId, stranger.userId)).toBe(true);
      expect(await store.guilds.unban(guildId, stranger.userId)).toBe(false);
      expect(await store.guilds.getBan(guildId, stranger.userId)).toBeUndefined();
      await store.close();
    });

    it('lists bans by numeric user id with exclusive `before` and `after`', async () => {
      const { store, guildId } = await seeded(factory);
      for (const userId of ['40', '5', '300', '2000', '10']) {
        await store.guilds.ban({ guildId, userId, reason: null, createdAt: 1 });
      }
      const list = async (page: { before?: string; after?: string; limit: number }) =>
        userIds(await store.guilds.listBans(guildId, page));
      expect(await list({ limit: 100 })).toEqual(['5', '10', '40', '300', '2000']);
      expect(await list({ limit: 2 })).toEqual(['5', '10']);
      expect(await list({ after: '10', limit: 2 })).toEqual(['40', '300']);
      expect(await list({ after: '2000', limit: 2 })).toEqual([]);
      // Paging backwards yields the bans just below the cursor, still in ascending order.
      expect(await list({ before: '300', limit: 2 })).toEqual(['10', '40']);
      expect(await list({ before: '5', limit: 2 })).toEqual([]);
      expect(await list({ after: '5', before: '2000', limit: 10 })).toEqual(['10', '40', '300']);
      expect(await list({ after: '5', before: '2000', limit: 1 })).toEqual(['10']);
      expect(await store.guilds.listBans(ids.next(), { limit: 10 })).toEqual([]);
      await store.close();
    });
  });

  describe('GuildStore: invites', () => {
    it('creates, finds, lists per guild and channel, and deletes invites', async () => {
      const { store, guildId, channelId, input } = await seeded(factory);
      const otherChannel = input.channels[0]!.id;
      const first = anInvite(guildId, channelId, { maxAge: 3600, maxUses: 5, temporary: true, expiresAt: 3_601_000 });
      const second = anInvite(guildId, otherChannel, { createdAt: 2_000 });
      await store.guilds.createInvite(first);
      await store.guilds.createInvite(second);
      expect(await store.guilds.getInvite(first.code)).toEqual(first);
      expect(await store.guilds.getInvite('nope')).toBeUndefined();
      expect(await store.guilds.listInvites(guildId)).toEqual([first, second]);
      expect(await store.guilds.listChannelInvites(channelId)).toEqual([first]);
      expect(await store.guilds.listChannelInvites(ids.next())).toEqual([]);
      expect(await store.guilds.deleteInvite(first.code)).toBe(true);
      expect(await store.guilds.deleteInvite(first.code)).toBe(false);
      expect(await store.guilds.listInvites(guildId)).toEqual([second]);
      await store.close();
    });

    it('counts uses of an unlimited invite', async () => {
      const { store, guildId, channelId } = await seeded(factory);
      const invite = anInvite(guildId, channelId);
      await store.guilds.createInvite(invite);
      expect(await store.guilds.useInvite(invite.code, 2_000)).toEqual({ ...invite, uses: 1 });
      expect(await store.guilds.useInvite(invite.code, 3_000)).toEqual({ ...invite, uses: 2 });
      expect((await store.guilds.getInvite(invite.code))?.uses).toBe(2);
      expect(await store.guilds.useInvite('missing', 2_000)).toBeUndefined();
      await store.close();
    });

    it('refuses an invite expired at `now`', async () => {
      const { store, guildId, channelId } = await seeded(factory);
      const invite = anInvite(guildId, channelId, { maxAge: 10, expiresAt: 11_000 });
      await store.guilds.createInvite(invite);
      expect(await store.guilds.useInvite(invite.code, 10_999)).toEqual({ ...invite, uses: 1 });
      expect(await store.guilds.useInvite(invite.code, 11_000)).toBeUndefined();
      const stale = await store.guilds.getInvite(invite.code);
      expect(stale === undefined || stale.uses === 1).toBe(true);
      await store.close();
    });

    it('deletes an invite when its last use is taken', async () => {
      const { store, guildId, channelId } = await seeded(factory);
      const invite = anInvite(guildId, channelId, { maxUses: 2 });
      await store.guilds.createInvite(invite);
      expect(await store.guilds.useInvite(invite.code, 2_000)).toEqual({ ...invite, uses: 1 });
      expect(await store.guilds.getInvite(invite.code)).toEqual({ ...invite, uses: 1 });
      expect(await store.guilds.useInvite(invite.code, 2_000)).toEqual({ ...invite, uses: 2 });
      expect(await store.guilds.getInvite(invite.code)).toBeUndefined();
      expect(await store.guilds.useInvite(invite.code, 2_000)).toBeUndefined();
      expect(await store.guilds.listChannelInvites(channelId)).toEqual([]);
      await store.close();
    });

    it('never hands out more uses than the limit under concurrent use', async () => {
      const { store, guildId, channelId } = await seeded(factory);
      const invite = anInvite(guildId, channelId, { maxUses: 3 });
      await store.guilds.createInvite(invite);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.guilds.useInvite(invite.code, 2_000)));
      const granted = results.filter((r) => r !== undefined);
      expect(granted.map((r) => r.uses).sort()).toEqual([1, 2, 3]);
      expect(await store.guilds.getInvite(invite.code)).toBeUndefined();
      await store.close();
    });
  });
}
