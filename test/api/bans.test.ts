import { Permission } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer } from '../support/testServer';
import { expectEvent, guildRoute, join, mark, memberWithRole, raw, setupGuild, userRoute } from './guildsFixtures';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const bits = (...perms: bigint[]) => perms.reduce((a, b) => a | b, 0n).toString();

describe('PUT /guilds/:guild_id/bans/:user_id', () => {
  it('bans a member: removed everywhere, announced, and unable to rejoin until unbanned', async () => {
    const setup = await setupGuild(server);
    const { guild, owner } = setup;
    const member = await server.user();
    await join(setup, member);
    const invite = await owner.api.createInvite(setup.channelId, { max_age: 0 });

    const events = mark(server);
    await owner.api.rest.request('PUT', `/guilds/${guild.id}/bans/${member.id}`, { reason: 'spam' });
    expect(expectEvent(events(), 'GUILD_BAN_ADD', guildRoute(guild.id)).data).toMatchObject({
      guild_id: guild.id,
      user: { id: member.id },
    });
    expectEvent(events(), 'GUILD_MEMBER_REMOVE', guildRoute(guild.id));
    expect(expectEvent(events(), 'GUILD_DELETE', userRoute(member.id)).data).toEqual({ id: guild.id });
    expect(await apiError(member.api.getGuild(guild.id))).toMatchObject({ status: 404, code: 10004 });
    expect(await apiError(member.api.acceptInvite(invite.code))).toMatchObject({ status: 403, code: 40007 });

    expect(await owner.api.rest.get(`/guilds/${guild.id}/bans/${member.id}`)).toMatchObject({
      reason: 'spam',
      user: { id: member.id },
    });
    // Banning again changes nothing and announces nothing.
    const again = mark(server);
    await owner.api.ban(guild.id, member.id);
    expect(again().filter((e) => e.type === 'GUILD_BAN_ADD')).toEqual([]);

    const unbanned = mark(server);
    await owner.api.unban(guild.id, member.id);
    expect(expectEvent(unbanned(), 'GUILD_BAN_REMOVE', guildRoute(guild.id)).data).toMatchObject({
      guild_id: guild.id,
      user: { id: member.id },
    });
    expect(await apiError(owner.api.unban(guild.id, member.id))).toMatchObject({ status: 404, code: 10026 });
    await member.api.acceptInvite(invite.code);
    expect((await member.api.getGuild(guild.id)).id).toBe(guild.id);
  });

  it('bans any existing user, member or not; an unknown user is 10013', async () => {
    const setup = await setupGuild(server);
    const stranger = await server.user();
    await setup.owner.api.ban(setup.guild.id, stranger.id);
    const invite = await setup.owner.api.createInvite(setup.channelId);
    expect(await apiError(stranger.api.acceptInvite(invite.code))).toMatchObject({ status: 403, code: 40007 });
    expect(await apiError(setup.owner.api.ban(setup.guild.id, '1234567890123'))).toMatchObject({
      status: 404,
      code: 10013,
    });
  });

  it('takes the reason from X-Audit-Log-Reason, as Discord libraries send it', async () => {
    const setup = await setupGuild(server);
    const target = await server.user();
    const response = await fetch(`${server.baseUrl}/api/v10/guilds/${setup.guild.id}/bans/${target.id}`, {
      method: 'PUT',
      headers: { authorization: setup.owner.token, 'x-audit-log-reason': encodeURIComponent('raid & spam') },
    });
    expect(response.status).toBe(204);
    expect(await setup.owner.api.rest.get(`/guilds/${setup.guild.id}/bans/${target.id}`)).toMatchObject({
      reason: 'raid & spam',
    });
  });

  it('follows the hierarchy: a moderator bans only below them, nobody bans the owner', async () => {
    const setup = await setupGuild(server);
    const { guild, owner } = setup;
    const senior = await memberWithRole(server, setup, { name: 'senior', permissions: '0' });
    const moderator = await memberWithRole(server, setup, { name: 'mod', permissions: bits(Permission.BAN_MEMBERS) });
    const member = await server.user();
    await join(setup, member);
    for (const target of [senior.user, owner, moderator.user]) {
      expect(await apiError(moderator.user.api.ban(guild.id, target.id))).toMatchObject({ status: 403, code: 50013 });
    }
    expect(await apiError(owner.api.ban(guild.id, owner.id))).toMatchObject({ status: 403, code: 50013 });
    await moderator.user.api.ban(guild.id, member.id);
    await owner.api.ban(guild.id, senior.user.id);
    expect((await owner.api.bans(guild.id)).map((b) => b.user.id).sort()).toEqual([member.id, senior.user.id].sort());
  });

  it('refuses without BAN_MEMBERS, for outsiders, anonymous callers and bad bodies, changing nothing', async () => {
    const setup = await setupGuild(server);
    const member = await server.user();
    const target = await server.user();
    const outsider = await server.user();
    await join(setup, member, target);
    const path = `/guilds/${setup.guild.id}/bans/${target.id}`;
    expect(await apiError(member.api.ban(setup.guild.id, target.id))).toMatchObject({ status: 403, code: 50013 });
    const hidden = await apiError(outsider.api.ban(setup.guild.id, target.id));
    expect(hidden).toMatchObject({ status: 404, code: 10004 });
    expect(hidden.body).toEqual((await apiError(outsider.api.ban('9999999', target.id))).body);
    expect(await apiError(server.anonymous().ban(setup.guild.id, target.id))).toMatchObject({ status: 401 });
    for (const body of [{ delete_message_seconds: 604801 }, { delete_message_seconds: -1 }, { reason: 5 }, []]) {
      const response = await raw(server, 'PUT', path, { token: setup.owner.token, body });
      expect(response, JSON.stringify(body)).toMatchObject({ status: 400, body: { code: 50035 } });
    }
    expect(await setup.owner.api.bans(setup.guild.id)).toEqual([]);
    expect((await setup.owner.api.member(setup.guild.id, target.id)).user.id).toBe(target.id);
  });

  it("deletes the user's recent messages in every channel of the guild, only theirs and only in the window", async () => {
    const setup = await setupGuild(server);
    const { guild, owner, channelId } = setup;
    const spammer = await server.user();
    await join(setup, spammer);
    const second = await owner.api.createGuildChannel(guild.id, { name: 'second' });
    const old = await spammer.api.sendMessage(channelId, { content: 'before the window' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const recent = [
      await spammer.api.sendMessage(channelId, { content: 'spam 1' }),
      await spammer.api.sendMessage(second.id, { content: 'spam 2' }),
    ];
    const innocent = await owner.api.sendMessage(channelId, { content: 'not spam' });

    const events = mark(server);
    await owner.api.ban(guild.id, spammer.id, { delete_message_seconds: 1 });
    const deletes = events().filter((e) => e.type === 'MESSAGE_DELETE');
    expect(deletes.map((e) => (e.data as { id: string }).id).sort()).toEqual(recent.map((m) => m.id).sort());
    const first = deletes.find((e) => (e.data as { id: string }).id === recent[0]!.id)!;
    expect(first.route).toEqual(guildRoute(guild.id, channelId));
    expect(first.data).toEqual({ id: recent[0]!.id, channel_id: channelId, guild_id: guild.id, seq: recent[0]!.seq });

    const remaining = (await owner.api.messages(channelId)).map((m) => m.id);
    expect(remaining).toContain(old.id);
    expect(remaining).toContain(innocent.id);
    expect(remaining).not.toContain(recent[0]!.id);
    expect((await owner.api.messages(second.id)).map((m) => m.id)).not.toContain(recent[1]!.id);
  });
});

describe('GET /guilds/:guild_id/bans', () => {
  it('lists bans by user id with limit, before and after; needs BAN_MEMBERS', async () => {
    const setup = await setupGuild(server);
    const users = [await server.user(), await server.user(), await server.user()];
    for (const user of users) await setup.owner.api.ban(setup.guild.id, user.id);
    const ids = users.map((u) => u.id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const list = (query: Record<string, string | number> = {}) =>
      setup.owner.api.rest
        .get<Array<{ user: { id: string }; reason: string | null }>>(`/guilds/${setup.guild.id}/bans`, query)
        .then((bans) => bans.map((b) => b.user.id));
    expect(await list()).toEqual(ids);
    expect(await list({ limit: 2 })).toEqual(ids.slice(0, 2));
    expect(await list({ after: ids[0]! })).toEqual(ids.slice(1));
    expect(await list({ before: ids[2]!, limit: 1 })).toEqual([ids[1]]);
    expect(
      (await raw(server, 'GET', `/guilds/${setup.guild.id}/bans?limit=1001`, { token: setup.owner.token })).status,
    ).toBe(400);

    const member = await server.user();
    const outsider = await server.user();
    await join(setup, member);
    expect(await apiError(member.api.bans(setup.guild.id))).toMatchObject({ status: 403, code: 50013 });
    expect(await apiError(member.api.rest.get(`/guilds/${setup.guild.id}/bans/${ids[0]}`))).toMatchObject({
      status: 403,
      code: 50013,
    });
    expect(await apiError(outsider.api.bans(setup.guild.id))).toMatchObject({ status: 404, code: 10004 });
    expect(await apiError(server.anonymous().bans(setup.guild.id))).toMatchObject({ status: 401 });
    expect(await apiError(setup.owner.api.rest.get(`/guilds/${setup.guild.id}/bans/${member.id}`))).toMatchObject({
      status: 404,
      code: 10026,
    });
  });
});

describe('DELETE /guilds/:guild_id/bans/:user_id', () => {
  it('needs BAN_MEMBERS and membership', async () => {
    const setup = await setupGuild(server);
    const banned = await server.user();
    const member = await server.user();
    const outsider = await server.user();
    await join(setup, member);
    await setup.owner.api.ban(setup.guild.id, banned.id);
    expect(await apiError(member.api.unban(setup.guild.id, banned.id))).toMatchObject({ status: 403, code: 50013 });
    expect(await apiError(outsider.api.unban(setup.guild.id, banned.id))).toMatchObject({ status: 404, code: 10004 });
    expect(await apiError(server.anonymous().unban(setup.guild.id, banned.id))).toMatchObject({ status: 401 });
    expect(await setup.owner.api.bans(setup.guild.id)).toHaveLength(1);
  });
});
