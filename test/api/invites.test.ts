import { DEFAULT_EVERYONE_PERMISSIONS, Permission, type Invite } from '@concord/protocol';
import { ConcordApi } from '@concord/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer } from '../support/testServer';
import { expectEvent, guildRoute, join, mark, memberWithRole, raw, setupGuild, userRoute } from './guildsFixtures';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('POST /channels/:channel_id/invites', () => {
  it('creates an 8-character code that lasts a day by default, and announces it to the channel', async () => {
    const { guild, owner, channelId } = await setupGuild(server, 'Invited');
    const events = mark(server);
    const before = Date.now();
    const invite = await owner.api.createInvite(channelId);
    expect(invite.code).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(invite).toMatchObject({
      type: 0,
      guild: { id: guild.id, name: 'Invited' },
      channel: { id: channelId, name: 'general', type: 0 },
      inviter: { id: owner.id },
      uses: 0,
      max_uses: 0,
      max_age: 86400,
      temporary: false,
    });
    const expires = Date.parse(invite.expires_at!);
    expect(expires).toBeGreaterThanOrEqual(before + 86_400_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 86_400_000 + 1000);
    const created = expectEvent(events(), 'INVITE_CREATE', guildRoute(guild.id, channelId));
    expect(created.data).toMatchObject({
      code: invite.code,
      channel_id: channelId,
      guild_id: guild.id,
      max_age: 86400,
    });

    const forever = await owner.api.createInvite(channelId, { max_age: 0, max_uses: 3 });
    expect(forever).toMatchObject({ expires_at: null, max_age: 0, max_uses: 3 });
    expect(forever.code).not.toBe(invite.code);
    // Discord libraries may send no body at all.
    const bare = await raw(server, 'POST', `/channels/${channelId}/invites`, { token: owner.token });
    expect(bare.status).toBe(200);
  });

  it('needs CREATE_INSTANT_INVITE in the channel', async () => {
    const setup = await setupGuild(server);
    const member = await server.user();
    await join(setup, member);
    expect((await member.api.createInvite(setup.channelId)).inviter?.id).toBe(member.id);
    await setup.owner.api.modifyRole(setup.guild.id, setup.guild.id, {
      permissions: (DEFAULT_EVERYONE_PERMISSIONS & ~Permission.CREATE_INSTANT_INVITE).toString(),
    });
    expect(await apiError(member.api.createInvite(setup.channelId))).toMatchObject({ status: 403, code: 50013 });
  });

  it('hides the channel from outsiders and refuses anonymous callers and bad bodies', async () => {
    const setup = await setupGuild(server);
    const outsider = await server.user();
    const hidden = await apiError(outsider.api.createInvite(setup.channelId));
    expect(hidden).toMatchObject({ status: 404, code: 10003 });
    expect(hidden.body).toEqual((await apiError(outsider.api.createInvite('5555555555'))).body);
    expect(await apiError(server.anonymous().createInvite(setup.channelId))).toMatchObject({ status: 401 });
    for (const body of [{ max_age: 604801 }, { max_age: -5 }, { max_uses: 101 }, { temporary: 'no' }, [1]]) {
      const response = await raw(server, 'POST', `/channels/${setup.channelId}/invites`, {
        token: setup.owner.token,
        body,
      });
      expect(response, JSON.stringify(body)).toMatchObject({ status: 400, body: { code: 50035 } });
    }
    expect(await setup.owner.api.guildInvites(setup.guild.id)).toEqual([]);
  });
});

describe('GET /invites/:code', () => {
  it('previews a live invite for anyone, signed in or not, without its metadata', async () => {
    const { guild, owner, channelId } = await setupGuild(server, 'Preview');
    const invite = await owner.api.createInvite(channelId, { max_uses: 5 });
    const preview = await server.anonymous().getInvite(invite.code);
    expect(preview).toMatchObject({
      code: invite.code,
      guild: { id: guild.id, name: 'Preview' },
      channel: { id: channelId },
    });
    expect(preview).not.toHaveProperty('uses');
    expect(preview).not.toHaveProperty('approximate_member_count');
    const counted = await server.anonymous().rest.get<Invite>(`/invites/${invite.code}`, { with_counts: true });
    expect(counted.approximate_member_count).toBe(1);
    const stranger = await server.user();
    expect((await stranger.api.getInvite(invite.code)).code).toBe(invite.code);
    expect(await apiError(server.anonymous().getInvite('nosuchcode'))).toMatchObject({ status: 404, code: 10006 });
    expect((await raw(server, 'GET', '/invites/bad%20code!')).status).toBe(400);
    // A token that is wrong is an error even where anonymity is allowed.
    const garbage = new ConcordApi({ baseUrl: server.baseUrl, token: 'garbage' });
    expect(await apiError(garbage.getInvite(invite.code))).toMatchObject({ status: 401 });
  });

  it('treats an expired invite as unknown', async () => {
    const { owner, channelId } = await setupGuild(server);
    const invite = await owner.api.createInvite(channelId, { max_age: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const joiner = await server.user();
    expect(await apiError(server.anonymous().getInvite(invite.code))).toMatchObject({ status: 404, code: 10006 });
    expect(await apiError(joiner.api.acceptInvite(invite.code))).toMatchObject({ status: 404, code: 10006 });
    expect(await joiner.api.myGuilds()).toEqual([]);
  });
});

describe('POST /invites/:code', () => {
  it('joins the guild: GUILD_MEMBER_ADD to the guild, GUILD_CREATE to the new member', async () => {
    const { guild, owner, channelId } = await setupGuild(server);
    const invite = await owner.api.createInvite(channelId);
    const joiner = await server.user();
    const events = mark(server);
    const accepted = await joiner.api.acceptInvite(invite.code);
    expect(accepted).toMatchObject({ code: invite.code, guild: { id: guild.id } });
    expect(expectEvent(events(), 'GUILD_MEMBER_ADD', guildRoute(guild.id)).data).toMatchObject({
      guild_id: guild.id,
      user: { id: joiner.id },
      roles: [],
    });
    const created = expectEvent(events(), 'GUILD_CREATE', userRoute(joiner.id)).data as {
      id: string;
      members: Array<{ user: { id: string } }>;
      channels: Array<{ id: string }>;
    };
    expect(created.id).toBe(guild.id);
    expect(created.members.map((m) => m.user.id).sort()).toEqual([owner.id, joiner.id].sort());
    expect(created.channels.map((c) => c.id)).toContain(channelId);
    expect((await joiner.api.myGuilds()).map((g) => g.id)).toEqual([guild.id]);

    // Accepting again changes nothing: no new use, no events.
    const again = mark(server);
    expect((await joiner.api.acceptInvite(invite.code)).code).toBe(invite.code);
    expect(again()).toEqual([]);
    const [listed] = await owner.api.guildInvites(guild.id);
    expect(listed?.uses).toBe(1);
  });

  it('stops at max_uses: the last use deletes the invite', async () => {
    const { guild, owner, channelId } = await setupGuild(server);
    const invite = await owner.api.createInvite(channelId, { max_uses: 1 });
    const first = await server.user();
    const second = await server.user();
    const events = mark(server);
    await first.api.acceptInvite(invite.code);
    expect(expectEvent(events(), 'INVITE_DELETE', guildRoute(guild.id, channelId)).data).toEqual({
      code: invite.code,
      channel_id: channelId,
      guild_id: guild.id,
    });
    expect(await apiError(second.api.acceptInvite(invite.code))).toMatchObject({ status: 404, code: 10006 });
    expect(await apiError(second.api.getGuild(guild.id))).toMatchObject({ status: 404 });
  });

  it('refuses bots (20001), anonymous callers, unknown codes and bad bodies', async () => {
    const { owner, channelId } = await setupGuild(server);
    const invite = await owner.api.createInvite(channelId);
    const app = await owner.api.createApplication('Joiner Bot');
    const { token } = await owner.api.botToken(app.id);
    const bot = new ConcordApi({ baseUrl: server.baseUrl, token: `Bot ${token}` });
    expect(await apiError(bot.acceptInvite(invite.code))).toMatchObject({ status: 403, code: 20001 });
    expect(await apiError(server.anonymous().acceptInvite(invite.code))).toMatchObject({ status: 401 });
    const joiner = await server.user();
    expect(await apiError(joiner.api.acceptInvite('AAAAAAAA'))).toMatchObject({ status: 404, code: 10006 });
    const bad = await raw(server, 'POST', `/invites/${invite.code}`, { token: joiner.token, body: { session_id: 5 } });
    expect(bad).toMatchObject({ status: 400, body: { code: 50035 } });
    expect(await joiner.api.myGuilds()).toEqual([]);
    // And without a body at all, as some clients send it.
    expect((await raw(server, 'POST', `/invites/${invite.code}`, { token: joiner.token })).status).toBe(200);
  });
});

describe('listing invites', () => {
  it("lists a channel's invites with MANAGE_CHANNELS and the guild's with MANAGE_GUILD, live ones only", async () => {
    const setup = await setupGuild(server);
    const { guild, owner, channelId } = setup;
    const a = await owner.api.createInvite(channelId);
    const member = await server.user();
    await join(setup, member); // creates (and uses) one more invite
    const viaChannel = await owner.api.rest.get<Invite[]>(`/channels/${channelId}/invites`);
    expect(viaChannel.map((i) => i.code)).toContain(a.code);
    expect(viaChannel[0]).toHaveProperty('uses');
    const viaGuild = await owner.api.guildInvites(guild.id);
    expect(viaGuild.map((i) => i.code).sort()).toEqual(viaChannel.map((i) => i.code).sort());

    expect(await apiError(member.api.rest.get(`/channels/${channelId}/invites`))).toMatchObject({
      status: 403,
      code: 50013,
    });
    expect(await apiError(member.api.guildInvites(guild.id))).toMatchObject({ status: 403, code: 50013 });
    const { user: manager } = await memberWithRole(server, setup, {
      name: 'managers',
      permissions: (Permission.MANAGE_GUILD | Permission.MANAGE_CHANNELS).toString(),
    });
    expect((await manager.api.guildInvites(guild.id)).length).toBeGreaterThanOrEqual(2);
    expect((await manager.api.rest.get<Invite[]>(`/channels/${channelId}/invites`)).length).toBeGreaterThanOrEqual(2);

    const outsider = await server.user();
    expect(await apiError(outsider.api.rest.get(`/channels/${channelId}/invites`))).toMatchObject({
      status: 404,
      code: 10003,
    });
    expect(await apiError(outsider.api.guildInvites(guild.id))).toMatchObject({ status: 404, code: 10004 });
    expect(await apiError(server.anonymous().guildInvites(guild.id))).toMatchObject({ status: 401 });
    expect(await apiError(server.anonymous().rest.get(`/channels/${channelId}/invites`))).toMatchObject({
      status: 401,
    });
  });
});

describe('DELETE /invites/:code', () => {
  it('lets the inviter or a manager revoke an invite, and nobody else', async () => {
    const setup = await setupGuild(server);
    const { guild, owner, channelId } = setup;
    const member = await server.user();
    const other = await server.user();
    await join(setup, member, other);
    const mine = await member.api.createInvite(channelId);
    const outsider = await server.user();

    expect(await apiError(other.api.deleteInvite(mine.code))).toMatchObject({ status: 403, code: 50013 });
    const hidden = await apiError(outsider.api.deleteInvite(mine.code));
    expect(hidden).toMatchObject({ status: 404, code: 10006 });
    expect(hidden.body).toEqual((await apiError(outsider.api.deleteInvite('ZZZZZZZZ'))).body);
    expect(await apiError(server.anonymous().deleteInvite(mine.code))).toMatchObject({ status: 401 });

    const events = mark(server);
    expect((await member.api.deleteInvite(mine.code)).code).toBe(mine.code);
    expect(expectEvent(events(), 'INVITE_DELETE', guildRoute(guild.id, channelId)).data).toMatchObject({
      code: mine.code,
    });
    expect(await apiError(server.anonymous().getInvite(mine.code))).toMatchObject({ status: 404, code: 10006 });

    const theirs = await other.api.createInvite(channelId);
    await owner.api.deleteInvite(theirs.code);
    const { user: channelManager } = await memberWithRole(server, setup, {
      name: 'channel managers',
      permissions: Permission.MANAGE_CHANNELS.toString(),
    });
    const third = await other.api.createInvite(channelId);
    await channelManager.api.deleteInvite(third.code);
    expect(await apiError(owner.api.deleteInvite(third.code))).toMatchObject({ status: 404, code: 10006 });
  });
});
