import {
  ALL_PERMISSIONS,
  ChannelType,
  DEFAULT_EVERYONE_PERMISSIONS,
  Permission,
  type Channel,
} from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer } from '../support/testServer';
import { expectEvent, guildRoute, join, mark, memberWithRole, raw, setupGuild, userRoute } from './guildsFixtures';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('POST /guilds', () => {
  it('creates the guild with @everyone, the owner, and #general inside "Text Channels"', async () => {
    const owner = await server.user();
    const events = mark(server);
    const guild = await owner.api.createGuild({ name: 'Hobbits', description: 'Second breakfast' });
    expect(guild).toMatchObject({ name: 'Hobbits', description: 'Second breakfast', owner_id: owner.id });
    expect(guild.permissions).toBe(ALL_PERMISSIONS.toString());
    expect(guild.roles).toEqual([
      expect.objectContaining({
        id: guild.id,
        name: '@everyone',
        position: 0,
        permissions: DEFAULT_EVERYONE_PERMISSIONS.toString(),
        managed: false,
      }),
    ]);

    // The creator's devices learn of the guild: channels, roles and the member list.
    const created = expectEvent(events(), 'GUILD_CREATE', userRoute(owner.id)).data as {
      id: string;
      channels: Channel[];
      members: Array<{ user: { id: string } }>;
      member_count: number;
      roles: unknown[];
    };
    expect(created.id).toBe(guild.id);
    expect(created.member_count).toBe(1);
    expect(created.members.map((m) => m.user.id)).toEqual([owner.id]);
    expect(created.roles).toHaveLength(1);
    const category = created.channels.find((c) => c.type === ChannelType.GUILD_CATEGORY);
    const general = created.channels.find((c) => c.type === ChannelType.GUILD_TEXT);
    expect(category).toMatchObject({ name: 'Text Channels', guild_id: guild.id });
    expect(general).toMatchObject({ id: guild.system_channel_id, name: 'general', parent_id: category?.id });
  });

  it('requires a token and a valid body', async () => {
    expect(await apiError(server.anonymous().createGuild({ name: 'Nope' }))).toMatchObject({
      status: 401,
      code: 40001,
    });
    const owner = await server.user();
    for (const body of [{}, { name: 'x' }, { name: 'y'.repeat(101) }, { name: 42 }, []]) {
      const response = await raw(server, 'POST', '/guilds', { token: owner.token, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.code).toBe(50035);
    }
    const missing = await raw(server, 'POST', '/guilds', { token: owner.token, body: {} });
    expect(missing.body).toHaveProperty('errors.name._errors');
    expect(await owner.api.myGuilds()).toEqual([]);
  });
});

describe('GET /guilds/:guild_id', () => {
  it('shows a member the guild with their own permissions, and counts on request', async () => {
    const setup = await setupGuild(server);
    const member = await server.user();
    await join(setup, member);
    const seen = await member.api.getGuild(setup.guild.id);
    expect(seen).toMatchObject({ id: setup.guild.id, owner_id: setup.owner.id });
    expect(seen.permissions).toBe(DEFAULT_EVERYONE_PERMISSIONS.toString());
    expect(seen).not.toHaveProperty('approximate_member_count');
    const counted = await member.api.rest.get<{ approximate_member_count: number }>(`/guilds/${setup.guild.id}`, {
      with_counts: true,
    });
    expect(counted.approximate_member_count).toBe(2);
  });

  it('answers a non-member exactly as it answers an unknown guild', async () => {
    const setup = await setupGuild(server);
    const outsider = await server.user();
    const hidden = await apiError(outsider.api.getGuild(setup.guild.id));
    const unknown = await apiError(outsider.api.getGuild('123456789012345678'));
    expect(hidden).toMatchObject({ status: 404, code: 10004 });
    expect(hidden.body).toEqual(unknown.body);
    expect(await apiError(server.anonymous().getGuild(setup.guild.id))).toMatchObject({ status: 401 });
    expect((await raw(server, 'GET', '/guilds/not-a-snowflake', { token: outsider.token })).status).toBe(400);
  });
});

describe('PATCH /guilds/:guild_id', () => {
  it('renames with MANAGE_GUILD and tells the guild', async () => {
    const setup = await setupGuild(server);
    const { user: manager } = await memberWithRole(server, setup, {
      name: 'managers',
      permissions: Permission.MANAGE_GUILD.toString(),
    });
    const events = mark(server);
    const renamed = await manager.api.modifyGuild(setup.guild.id, { name: 'Renamed', description: null });
    expect(renamed).toMatchObject({ name: 'Renamed', description: null });
    const update = expectEvent(events(), 'GUILD_UPDATE', guildRoute(setup.guild.id));
    expect(update.data).toMatchObject({ id: setup.guild.id, name: 'Renamed' });
    // A broadcast carries no one's personal permissions.
    expect(update.data).not.toHaveProperty('permissions');
  });

  it('refuses members without MANAGE_GUILD, non-members and bad bodies, changing nothing', async () => {
    const setup = await setupGuild(server, 'Original');
    const member = await server.user();
    const outsider = await server.user();
    await join(setup, member);
    expect(await apiError(member.api.modifyGuild(setup.guild.id, { name: 'Mine' }))).toMatchObject({
      status: 403,
      code: 50013,
    });
    expect(await apiError(outsider.api.modifyGuild(setup.guild.id, { name: 'Mine' }))).toMatchObject({
      status: 404,
      code: 10004,
    });
    expect(await apiError(server.anonymous().modifyGuild(setup.guild.id, { name: 'Mine' }))).toMatchObject({
      status: 401,
    });
    for (const body of [{ name: 'x' }, { name: null }, { system_channel_id: 'abc' }, { owner_id: 5 }]) {
      const response = await raw(server, 'PATCH', `/guilds/${setup.guild.id}`, { token: setup.owner.token, body });
      expect(response, JSON.stringify(body)).toMatchObject({ status: 400, body: { code: 50035 } });
    }
    const foreign = await setupGuild(server);
    const wrongChannel = await apiError(
      setup.owner.api.modifyGuild(setup.guild.id, { system_channel_id: foreign.channelId }),
    );
    expect(wrongChannel).toMatchObject({ status: 400, code: 50035 });
    expect(wrongChannel.body).toHaveProperty('errors.system_channel_id');
    expect((await setup.owner.api.getGuild(setup.guild.id)).name).toBe('Original');
  });

  it('transfers ownership only from the owner, only to a member', async () => {
    const setup = await setupGuild(server);
    const { user: manager } = await memberWithRole(server, setup, {
      name: 'managers',
      permissions: Permission.MANAGE_GUILD.toString(),
    });
    const heir = await server.user();
    const outsider = await server.user();
    await join(setup, heir);
    expect(await apiError(manager.api.modifyGuild(setup.guild.id, { owner_id: manager.id }))).toMatchObject({
      status: 403,
      code: 50013,
    });
    const notMember = await apiError(setup.owner.api.modifyGuild(setup.guild.id, { owner_id: outsider.id }));
    expect(notMember).toMatchObject({ status: 400, code: 50035 });
    expect(notMember.body).toHaveProperty('errors.owner_id');

    const transferred = await setup.owner.api.modifyGuild(setup.guild.id, { owner_id: heir.id });
    expect(transferred.owner_id).toBe(heir.id);
    expect(transferred.permissions).toBe(DEFAULT_EVERYONE_PERMISSIONS.toString());
    expect((await heir.api.getGuild(setup.guild.id)).permissions).toBe(ALL_PERMISSIONS.toString());
    // The former owner is now an ordinary member and may leave.
    await setup.owner.api.leaveGuild(setup.guild.id);
  });
});

describe('DELETE /guilds/:guild_id', () => {
  it('is for the owner only, even over administrators', async () => {
    const setup = await setupGuild(server);
    const { user: admin } = await memberWithRole(server, setup, {
      name: 'admins',
      permissions: Permission.ADMINISTRATOR.toString(),
    });
    const outsider = await server.user();
    expect(await apiError(admin.api.deleteGuild(setup.guild.id))).toMatchObject({ status: 403, code: 50013 });
    expect(await apiError(outsider.api.deleteGuild(setup.guild.id))).toMatchObject({ status: 404, code: 10004 });
    expect(await apiError(server.anonymous().deleteGuild(setup.guild.id))).toMatchObject({ status: 401 });

    const events = mark(server);
    await setup.owner.api.deleteGuild(setup.guild.id);
    expect(expectEvent(events(), 'GUILD_DELETE', guildRoute(setup.guild.id)).data).toEqual({ id: setup.guild.id });
    expect(await apiError(setup.owner.api.getGuild(setup.guild.id))).toMatchObject({ status: 404, code: 10004 });
    expect(await apiError(admin.api.getGuild(setup.guild.id))).toMatchObject({ status: 404, code: 10004 });
    expect(await setup.owner.api.myGuilds()).toEqual([]);
  });
});

describe('GET /users/@me/guilds', () => {
  it('lists my guilds with ownership and permissions, paged by id', async () => {
    const me = await server.user();
    const mine = await me.api.createGuild({ name: 'Mine' });
    const theirs = await setupGuild(server, 'Theirs');
    await join(theirs, me);
    const third = await me.api.createGuild({ name: 'Third' });

    const all = await me.api.myGuilds();
    expect(all.map((g) => g.id)).toEqual([mine.id, theirs.guild.id, third.id]);
    expect(all[0]).toEqual({
      id: mine.id,
      name: 'Mine',
      icon: null,
      owner: true,
      permissions: ALL_PERMISSIONS.toString(),
      features: [],
    });
    expect(all[1]).toMatchObject({ owner: false, permissions: DEFAULT_EVERYONE_PERMISSIONS.toString() });

    const page = (query: Record<string, string | number>) =>
      me.api.rest.get<Array<{ id: string }>>('/users/@me/guilds', query).then((list) => list.map((g) => g.id));
    expect(await page({ limit: 1 })).toEqual([mine.id]);
    expect(await page({ after: mine.id })).toEqual([theirs.guild.id, third.id]);
    expect(await page({ before: third.id, limit: 1 })).toEqual([theirs.guild.id]);
    expect(await page({ after: mine.id, before: third.id })).toEqual([theirs.guild.id]);

    for (const query of ['limit=0', 'limit=201', 'after=abc']) {
      expect((await raw(server, 'GET', `/users/@me/guilds?${query}`, { token: me.token })).status, query).toBe(400);
    }
    expect(await apiError(server.anonymous().myGuilds())).toMatchObject({ status: 401 });
  });
});

describe('DELETE /users/@me/guilds/:guild_id', () => {
  it('lets a member leave: the guild hears GUILD_MEMBER_REMOVE, their devices GUILD_DELETE', async () => {
    const setup = await setupGuild(server);
    const member = await server.user();
    await join(setup, member);
    const events = mark(server);
    await member.api.leaveGuild(setup.guild.id);
    const removed = expectEvent(events(), 'GUILD_MEMBER_REMOVE', guildRoute(setup.guild.id));
    expect(removed.data).toMatchObject({ guild_id: setup.guild.id, user: { id: member.id } });
    expect(expectEvent(events(), 'GUILD_DELETE', userRoute(member.id)).data).toEqual({ id: setup.guild.id });
    expect(await apiError(member.api.getGuild(setup.guild.id))).toMatchObject({ status: 404, code: 10004 });
    // Leaving again is leaving a guild I cannot see.
    expect(await apiError(member.api.leaveGuild(setup.guild.id))).toMatchObject({ status: 404, code: 10004 });
  });

  it('refuses the owner with a clear error, and anonymous callers', async () => {
    const setup = await setupGuild(server);
    const refused = await apiError(setup.owner.api.leaveGuild(setup.guild.id));
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/owner cannot leave/i);
    expect((await setup.owner.api.getGuild(setup.guild.id)).owner_id).toBe(setup.owner.id);
    expect(await apiError(server.anonymous().leaveGuild(setup.guild.id))).toMatchObject({ status: 401 });
  });
});

describe('GET /users/@me/guilds/:guild_id/member', () => {
  it('returns my own membership', async () => {
    const setup = await setupGuild(server);
    const me = await setup.owner.api.rest.get<{ user: { id: string }; roles: string[] }>(
      `/users/@me/guilds/${setup.guild.id}/member`,
    );
    expect(me).toMatchObject({ user: { id: setup.owner.id }, roles: [] });
    const outsider = await server.user();
    expect(await apiError(outsider.api.rest.get(`/users/@me/guilds/${setup.guild.id}/member`))).toMatchObject({
      status: 404,
      code: 10004,
    });
  });
});

describe('GUILD_CREATE payload', () => {
  it('carries only the channels the new member may view', async () => {
    const setup = await setupGuild(server);
    const secret = await setup.owner.api.createGuildChannel(setup.guild.id, {
      name: 'secret',
      permission_overwrites: [{ id: setup.guild.id, type: 0, deny: Permission.VIEW_CHANNEL.toString() }],
    });
    const member = await server.user();
    const events = mark(server);
    await join(setup, member);
    const created = expectEvent(events(), 'GUILD_CREATE', userRoute(member.id)).data as { channels: Channel[] };
    const ids = created.channels.map((c) => c.id);
    expect(ids).toContain(setup.channelId);
    expect(ids).not.toContain(secret.id);
  });

  it('leaves the member list out of a large guild', async () => {
    const setup = await setupGuild(server);
    const crowd = await Promise.all(Array.from({ length: 50 }, () => server.user()));
    await join(setup, ...crowd);
    const latecomer = await server.user();
    const events = mark(server);
    await join(setup, latecomer);
    const created = expectEvent(events(), 'GUILD_CREATE', userRoute(latecomer.id)).data as {
      large: boolean;
      member_count: number;
      members: Array<{ user: { id: string } }>;
    };
    expect(created).toMatchObject({ large: true, member_count: 52 });
    expect(created.members.map((m) => m.user.id)).toEqual([latecomer.id]);
  });
});

describe('guild limit', () => {
  it('refuses a 201st guild, by creation or by invite, with 30001', async () => {
    const me = await server.user();
    for (let i = 0; i < 200; i++) await me.api.createGuild({ name: `Guild ${i}` });
    expect(await apiError(me.api.createGuild({ name: 'One too many' }))).toMatchObject({ status: 400, code: 30001 });
    const other = await setupGuild(server);
    const invite = await other.owner.api.createInvite(other.channelId);
    expect(await apiError(me.api.acceptInvite(invite.code))).toMatchObject({ status: 400, code: 30001 });
    expect(await me.api.myGuilds()).toHaveLength(200);
  }, 120_000);
});
