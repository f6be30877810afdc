import { describe, expect, it } from 'vitest';
import type { Store } from '../../../packages/server/src/stores/ports';
import type { StoreFactory } from '../storeContract';
import { aChannel, aMember, aRole, ids } from '../fixtures';
import { aNewGuild, anInvite, newMessage, seeded } from './guildHelpers';
import { guildMembersContract } from './guildMembers.contract';

export function guildsContract(factory: StoreFactory): void {
  describe('GuildStore: guilds', () => {
    it('creates the guild with its @everyone role, owner membership and channels', async () => {
      const { store } = await factory.open();
      const input = aNewGuild();
      await store.guilds.create(input);
      expect(await store.guilds.get(input.guild.id)).toEqual(input.guild);
      expect(await store.guilds.listRoles(input.guild.id)).toEqual([input.everyoneRole]);
      expect(await store.guilds.getMember(input.guild.id, input.owner.userId)).toEqual(input.owner);
      expect(await store.guilds.countMembers(input.guild.id)).toBe(1);
      expect(await store.guilds.listForUser(input.guild.ownerId)).toEqual([input.guild]);
      for (const channel of input.channels) expect(await store.channels.get(channel.id)).toEqual(channel);
      const listed = await store.channels.listForGuild(input.guild.id);
      expect(listed.map((c) => c.id).sort()).toEqual(input.channels.map((c) => c.id).sort());
      expect(await store.guilds.get(ids.next())).toBeUndefined();
      await store.close();
    });

    it('creates nothing when any part of the guild cannot be written', async () => {
      const { store, input } = await seeded(factory);
      // The second guild reuses a channel id, so its last insert fails after the others succeeded.
      const clash = aNewGuild({ channels: (guildId) => [aChannel(guildId), { ...input.channels[0]!, guildId }] });
      await expect(store.guilds.create(clash)).rejects.toThrow();
      expect(await store.guilds.get(clash.guild.id)).toBeUndefined();
      expect(await store.guilds.listRoles(clash.guild.id)).toEqual([]);
      expect(await store.guilds.getMember(clash.guild.id, clash.owner.userId)).toBeUndefined();
      expect(await store.guilds.listForUser(clash.guild.ownerId)).toEqual([]);
      expect(await store.channels.get(clash.channels[0]!.id)).toBeUndefined();
      expect(await store.channels.get(input.channels[0]!.id)).toEqual(input.channels[0]);
      await store.close();
    });

    it('updates only the patched fields and resolves undefined for a missing guild', async () => {
      const { store, input, guildId, channelId } = await seeded(factory);
      const newOwner = ids.next();
      const patch = { name: 'Renamed', icon: 'abc', description: 'd', ownerId: newOwner, systemChannelId: channelId };
      const updated = await store.guilds.update(guildId, patch);
      expect(updated).toEqual({ ...input.guild, ...patch });
      expect(await store.guilds.get(guildId)).toEqual(updated);
      expect(await store.guilds.update(guildId, { icon: null, systemChannelId: null })).toEqual({
        ...updated,
        icon: null,
        systemChannelId: null,
      });
      expect(await store.guilds.update(guildId, {})).toMatchObject({ name: 'Renamed' });
      expect(await store.guilds.update(ids.next(), { name: 'x' })).toBeUndefined();
      await store.close();
    });

    it('lists the guilds a user is a member of, by numeric guild id', async () => {
      const { store } = await factory.open();
      const user = ids.next();
      // 19 digits before 18 and 2: a text comparison would order these differently.
      const big = aNewGuild({ id: '1000000000000000000' });
      const mid = aNewGuild({ id: '999999999999999999' });
      const small = aNewGuild({ id: '42' });
      const unrelated = aNewGuild();
      for (const g of [big, mid, small, unrelated]) await store.guilds.create(g);
      for (const g of [big, small, mid]) expect(await store.guilds.addMember(aMember(g.guild.id, user))).toBe(true);
      expect((await store.guilds.listForUser(user)).map((g) => g.id)).toEqual(['42', mid.guild.id, big.guild.id]);
      await store.guilds.removeMember(mid.guild.id, user);
      expect((await store.guilds.listForUser(user)).map((g) => g.id)).toEqual(['42', big.guild.id]);
      expect(await store.guilds.listForUser(ids.next())).toEqual([]);
      await store.close();
    });

    it('deletes the guild with its roles, members, bans, invites and channels, and nothing else', async () => {
      const { store } = await factory.open();
      const doomed = aNewGuild();
      const kept = aNewGuild();
      for (const g of [doomed, kept]) {
        await store.guilds.create(g);
        await store.guilds.createRole(aRole(g.guild.id));
        await store.guilds.addMember(aMember(g.guild.id, ids.next()));
        await store.guilds.ban({ guildId: g.guild.id, userId: ids.next(), reason: null, createdAt: 1 });
        await store.guilds.createInvite(anInvite(g.guild.id, g.channels[1]!.id, { code: `code-${g.guild.id}` }));
      }
      const id = doomed.guild.id;
      expect(await store.guilds.delete(id)).toBe(true);
      expect(await store.guilds.get(id)).toBeUndefined();
      expect(await store.guilds.listRoles(id)).toEqual([]);
      expect(await store.guilds.getRole(id, id)).toBeUndefined();
      expect(await store.guilds.listMembers(id, { limit: 100 })).toEqual([]);
      expect(await store.guilds.countMembers(id)).toBe(0);
      expect(await store.guilds.listForUser(doomed.guild.ownerId)).toEqual([]);
      expect(await store.guilds.listBans(id, { limit: 100 })).toEqual([]);
      expect(await store.guilds.listInvites(id)).toEqual([]);
      expect(await store.guilds.getInvite(`code-${id}`)).toBeUndefined();
      for (const channel of doomed.channels) expect(await store.channels.get(channel.id)).toBeUndefined();
      expect(await store.channels.listForGuild(id)).toEqual([]);
      expect(await store.guilds.delete(id)).toBe(false);

      const k = kept.guild.id;
      expect(await store.guilds.get(k)).toEqual(kept.guild);
      expect(await store.guilds.listRoles(k)).toHaveLength(2);
      expect(await store.guilds.countMembers(k)).toBe(2);
      expect(await store.guilds.listBans(k, { limit: 100 })).toHaveLength(1);
      expect(await store.guilds.getInvite(`code-${k}`)).toBeDefined();
      expect(await store.channels.get(kept.channels[1]!.id)).toEqual(kept.channels[1]);
      await store.close();
    });

    it('deletes the messages, reactions and read states of the guild channels', async () => {
      const { store } = await factory.open();
      const doomed = aNewGuild();
      const kept = aNewGuild();
      const posted = [];
      for (const g of [doomed, kept]) {
        await store.guilds.create(g);
        const channelId = g.channels[1]!.id;
        const { message } = await store.messages.append(newMessage(channelId, g.guild.ownerId, [g.guild.ownerId]));
        await store.messages.addReaction(channelId, message.id, g.guild.ownerId, '👍');
        const read = { userId: g.guild.ownerId, channelId, lastReadSeq: 1, lastMessageId: message.id, mentionCount: 0 };
        await store.readStates.ack(read, false);
        posted.push({ channelId, message, userId: g.guild.ownerId });
      }
      expect(await store.guilds.delete(doomed.guild.id)).toBe(true);
      const [gone, stays] = posted;
      expect(await store.messages.get(gone!.channelId, gone!.message.id)).toBeUndefined();
      expect(await store.messages.list(gone!.channelId, { limit: 50 })).toEqual([]);
      expect(await store.readStates.get(gone!.userId, gone!.channelId)).toBeUndefined();
      expect(await store.messages.countMentions(gone!.channelId, gone!.userId, [], 0)).toBe(0);
      expect(await store.messages.countDistinctReactions(gone!.channelId, gone!.message.id)).toBe(0);
      expect(await store.messages.listReactionUsers(gone!.channelId, gone!.message.id, '👍', { limit: 10 })).toEqual(
        [],
      );
      expect(await store.messages.get(stays!.channelId, stays!.message.id)).toEqual(stays!.message);
      expect(await store.messages.reactionCounts(stays!.channelId, [stays!.message.id], stays!.userId)).toEqual(
        new Map([[stays!.message.id, [{ emoji: '👍', count: 1, me: true }]]]),
      );
      expect(await store.readStates.get(stays!.userId, stays!.channelId)).toMatchObject({ lastReadSeq: 1 });
      expect(await store.messages.countMentions(stays!.channelId, stays!.userId, [], 0)).toBe(1);
      await store.close();
    });
  });

  describe('GuildStore: roles', () => {
    it('creates roles, lists them by position then id, and scopes lookups to the guild', async () => {
      const { store, guildId, input } = await seeded(factory);
      const [a, b, c] = [ids.next(), ids.next(), ids.next()];
      const high = aRole(guildId, { id: a, position: 3, name: 'high', color: 0xff00ff, hoist: true });
      const tieLater = aRole(guildId, { id: c, position: 1, mentionable: true, managed: true });
      const tieEarlier = aRole(guildId, { id: b, position: 1 });
      for (const role of [high, tieLater, tieEarlier]) await store.guilds.createRole(role);
      expect(await store.guilds.listRoles(guildId)).toEqual([input.everyoneRole, tieEarlier, tieLater, high]);
      expect(await store.guilds.getRole(guildId, a)).toEqual(high);
      expect(await store.guilds.getRole(ids.next(), a)).toBeUndefined();
      expect(await store.guilds.getRole(guildId, ids.next())).toBeUndefined();
      await store.close();
    });

    it('keeps 64-bit permission bitfields exactly', async () => {
      const { store, guildId } = await seeded(factory);
      const values = [(1n << 40n) | 8n, (1n << 63n) | 1n, 0xffff_ffff_ffff_ffffn, 0n];
      const roles = values.map((permissions) => aRole(guildId, { permissions }));
      for (const role of roles) await store.guilds.createRole(role);
      for (const role of roles)
        expect((await store.guilds.getRole(guildId, role.id))?.permissions).toBe(role.permissions);
      const updated = await store.guilds.updateRole(guildId, roles[0]!.id, { permissions: (1n << 53n) + 1n });
      expect(updated?.permissions).toBe(9007199254740993n);
      await store.close();
    });

    it('updates the patched fields of a role of that guild only', async () => {
      const { store, guildId } = await seeded(factory);
      const role = aRole(guildId);
      await store.guilds.createRole(role);
      const patch = { name: 'mods', color: 0x123456, hoist: true, permissions: 8n, mentionable: true, position: 5 };
      expect(await store.guilds.updateRole(guildId, role.id, patch)).toEqual({ ...role, ...patch });
      expect(await store.guilds.getRole(guildId, role.id)).toEqual({ ...role, ...patch });
      expect(await store.guilds.updateRole(ids.next(), role.id, { name: 'hijack' })).toBeUndefined();
      expect(await store.guilds.updateRole(guildId, ids.next(), { name: 'x' })).toBeUndefined();
      expect((await store.guilds.getRole(guildId, role.id))?.name).toBe('mods');
      await store.close();
    });

    it('sets several role positions at once, ignoring roles of other guilds', async () => {
      const { store, guildId, input } = await seeded(factory);
      const other = aNewGuild();
      await store.guilds.create(other);
      const [r1, r2, r3] = [
        aRole(guildId, { position: 1 }),
        aRole(guildId, { position: 2 }),
        aRole(guildId, { position: 3 }),
      ];
      const foreign = aRole(other.guild.id, { position: 7 });
      for (const role of [r1, r2, r3, foreign]) await store.guilds.createRole(role);
      await store.guilds.setRolePositions(guildId, [
        { id: r1.id, position: 3 },
        { id: r3.id, position: 1 },
        { id: foreign.id, position: 1 },
      ]);
      expect((await store.guilds.listRoles(guildId)).map((r) => r.id)).toEqual([
        input.everyoneRole.id,
        r3.id,
        r2.id,
        r1.id,
      ]);
      expect((await store.guilds.getRole(other.guild.id, foreign.id))?.position).toBe(7);
      await store.guilds.setRolePositions(guildId, []);
      expect((await store.guilds.getRole(guildId, r1.id))?.position).toBe(3);
      await store.close();
    });

    it('deletes a role and strips it from every member of the guild', async () => {
      const { store, guildId } = await seeded(factory);
      const [doomed, kept] = [aRole(guildId), aRole(guildId)];
      await store.guilds.createRole(doomed);
      await store.guilds.createRole(kept);
      const both = aMember(guildId, ids.next(), { roleIds: [doomed.id, kept.id] });
      const onlyDoomed = aMember(guildId, ids.next(), { roleIds: [doomed.id] });
      const without = aMember(guildId, ids.next(), { roleIds: [kept.id] });
      for (const m of [both, onlyDoomed, without]) await store.guilds.addMember(m);
      expect(await store.guilds.deleteRole(ids.next(), doomed.id)).toBe(false);
      expect(await store.guilds.getRole(guildId, doomed.id)).toEqual(doomed);
      expect(await store.guilds.deleteRole(guildId, doomed.id)).toBe(true);
      expect(await store.guilds.getRole(guildId, doomed.id)).toBeUndefined();
      expect((await store.guilds.getMember(guildId, both.userId))?.roleIds).toEqual([kept.id]);
      expect((await store.guilds.getMember(guildId, onlyDoomed.userId))?.roleIds).toEqual([]);
      expect(await store.guilds.getMember(guildId, without.userId)).toEqual(without);
      expect(await store.guilds.deleteRole(guildId, doomed.id)).toBe(false);
      await store.close();
    });

    it('removes a deleted role from the channel overwrites of the guild', async () => {
      const { store } = await factory.open();
      const user = ids.next();
      const input = aNewGuild();
      const role = aRole(input.guild.id);
      const roleOverwrite = { id: role.id, type: 0 as const, allow: 1n << 40n, deny: 8n };
      const userOverwrite = { id: user, type: 1 as const, allow: 0n, deny: 1n << 62n };
      input.channels = [aChannel(input.guild.id, { overwrites: [roleOverwrite, userOverwrite] })];
      await store.guilds.create(input);
      await store.guilds.createRole(role);
      expect(await store.guilds.deleteRole(input.guild.id, role.id)).toBe(true);
      expect((await store.channels.get(input.channels[0]!.id))?.overwrites).toEqual([userOverwrite]);
      await store.close();
    });
  });

  guildMembersContract(factory);

  describe('GuildStore: durability', () => {
    it('keeps guilds, roles, members, bans and invites across a restart', async () => {
      const { store, reopen, input, guildId, channelId } = await seeded(factory);
      const role = aRole(guildId, { permissions: (1n << 40n) | 8n, position: 2 });
      const member = aMember(guildId, ids.next(), { nick: 'n', roleIds: [role.id] });
      const ban = { guildId, userId: ids.next(), reason: 'r', createdAt: 9 };
      const invite = anInvite(guildId, channelId, { maxUses: 9, uses: 4 });
      await store.guilds.createRole(role);
      await store.guilds.addMember(member);
      await store.guilds.ban(ban);
      await store.guilds.createInvite(invite);
      await store.close();

      const again: Store = await reopen();
      expect(await again.guilds.get(guildId)).toEqual(input.guild);
      expect(await again.guilds.listRoles(guildId)).toEqual([input.everyoneRole, role]);
      expect(await again.guilds.listMembers(guildId, { limit: 10 })).toHaveLength(2);
      expect(await again.guilds.getMember(guildId, member.userId)).toEqual(member);
      expect(await again.guilds.getBan(guildId, ban.userId)).toEqual(ban);
      expect(await again.guilds.getInvite(invite.code)).toEqual(invite);
      expect(await again.guilds.listForUser(input.guild.ownerId)).toEqual([input.guild]);
      await again.close();
    });
  });
}
