import { DEFAULT_EVERYONE_PERMISSIONS, Permission, type Role } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer } from '../support/testServer';
import { expectEvent, guildRoute, join, mark, raw, setupGuild, type GuildSetup } from './guildsFixtures';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const names = (roles: Role[]) => roles.map((r) => `${r.position}:${r.name}`);
const bits = (...perms: bigint[]) => perms.reduce((a, b) => a | b, 0n).toString();

/**
 * A guild with roles, lowest first: @everyone(0) < low(1) < mod(2) < high(3). `moderator` holds
 * `mod`, which may manage roles and grant KICK_MEMBERS, but holds neither BAN_MEMBERS nor ADMINISTRATOR.
 */
async function hierarchy(): Promise<
  GuildSetup & { moderator: Awaited<ReturnType<typeof server.user>>; roles: Record<string, Role> }
> {
  const setup = await setupGuild(server);
  const moderator = await server.user();
  await join(setup, moderator);
  const api = setup.owner.api;
  await api.createRole(setup.guild.id, { name: 'high', permissions: bits(Permission.BAN_MEMBERS) });
  const mod = await api.createRole(setup.guild.id, {
    name: 'mod',
    permissions: bits(Permission.MANAGE_ROLES, Permission.KICK_MEMBERS),
  });
  await api.createRole(setup.guild.id, { name: 'low', permissions: '0' });
  await api.addMemberRole(setup.guild.id, moderator.id, mod.id);
  const roles = Object.fromEntries((await api.roles(setup.guild.id)).map((r) => [r.name, r]));
  return { ...setup, moderator, roles };
}

describe('roles: list and create', () => {
  it('creates new roles just above @everyone, moving the others up, and announces them', async () => {
    const setup = await setupGuild(server);
    const first = await setup.owner.api.createRole(setup.guild.id, { name: 'first', color: 0xff0000, hoist: true });
    expect(first).toMatchObject({ name: 'first', position: 1, color: 0xff0000, hoist: true, managed: false });
    // Without explicit permissions a role copies @everyone's, as on Discord.
    expect(first.permissions).toBe(DEFAULT_EVERYONE_PERMISSIONS.toString());

    const events = mark(server);
    const second = await setup.owner.api.createRole(setup.guild.id, { name: 'second', permissions: '0' });
    expect(second.position).toBe(1);
    expect(expectEvent(events(), 'GUILD_ROLE_CREATE', guildRoute(setup.guild.id)).data).toEqual({
      guild_id: setup.guild.id,
      role: second,
    });
    const moved = expectEvent(events(), 'GUILD_ROLE_UPDATE', guildRoute(setup.guild.id));
    expect(moved.data).toMatchObject({ role: { id: first.id, position: 2 } });

    // Any member may list roles.
    const member = await server.user();
    await join(setup, member);
    expect(names(await member.api.roles(setup.guild.id))).toEqual(['0:@everyone', '1:second', '2:first']);
    const unnamed = await setup.owner.api.createRole(setup.guild.id, {});
    expect(unnamed.name).toBe('new role');
  });

  it('requires MANAGE_ROLES, membership, a token and a valid body', async () => {
    const setup = await setupGuild(server);
    const member = await server.user();
    const outsider = await server.user();
    await join(setup, member);
    expect(await apiError(member.api.createRole(setup.guild.id, { name: 'mine' }))).toMatchObject({
      status: 403,
      code: 50013,
    });
    const hidden = await apiError(outsider.api.roles(setup.guild.id));
    expect(hidden).toMatchObject({ status: 404, code: 10004 });
    expect(hidden.body).toEqual((await apiError(outsider.api.roles('1234567890'))).body);
    expect(await apiError(outsider.api.createRole(setup.guild.id, { name: 'x' }))).toMatchObject({ status: 404 });
    expect(await apiError(server.anonymous().roles(setup.guild.id))).toMatchObject({ status: 401 });
    expect(await apiError(server.anonymous().createRole(setup.guild.id, { name: 'x' }))).toMatchObject({ status: 401 });
    for (const body of [
      { color: 0x1000000 },
      { color: -1 },
      { permissions: 'lots' },
      { permissions: 8 },
      { name: 'n'.repeat(101) },
      { hoist: 'yes' },
      { name: '   ' },
    ]) {
      const response = await raw(server, 'POST', `/guilds/${setup.guild.id}/roles`, { token: setup.owner.token, body });
      expect(response, JSON.stringify(body)).toMatchObject({ status: 400, body: { code: 50035 } });
    }
    expect(await setup.owner.api.roles(setup.guild.id)).toHaveLength(1);
  });

  it('lets a role manager grant only the permission bits they hold', async () => {
    const { guild, moderator } = await hierarchy();
    const kicker = await moderator.api.createRole(guild.id, {
      name: 'kickers',
      permissions: bits(Permission.KICK_MEMBERS),
    });
    expect(kicker.permissions).toBe(bits(Permission.KICK_MEMBERS));
    for (const permission of [Permission.BAN_MEMBERS, Permission.ADMINISTRATOR]) {
      const refused = await apiError(
        moderator.api.createRole(guild.id, { name: 'greedy', permissions: bits(permission) }),
      );
      expect(refused).toMatchObject({ status: 403, code: 50013 });
    }
    expect(
      await apiError(moderator.api.modifyRole(guild.id, kicker.id, { permissions: bits(Permission.BAN_MEMBERS) })),
    ).toMatchObject({ status: 403, code: 50013 });
  });

  it('drops permission bits Concord does not know', async () => {
    const setup = await setupGuild(server);
    const role = await setup.owner.api.createRole(setup.guild.id, {
      permissions: ((1n << 60n) | Permission.SPEAK).toString(),
    });
    expect(role.permissions).toBe(Permission.SPEAK.toString());
  });
});

describe('roles: edit and hierarchy', () => {
  it('edits roles below the editor only', async () => {
    const { guild, moderator, roles, owner } = await hierarchy();
    const events = mark(server);
    const edited = await moderator.api.modifyRole(guild.id, roles.low!.id, { name: 'lower', mentionable: true });
    expect(edited).toMatchObject({ name: 'lower', mentionable: true, position: 1 });
    expect(expectEvent(events(), 'GUILD_ROLE_UPDATE', guildRoute(guild.id)).data).toEqual({
      guild_id: guild.id,
      role: edited,
    });
    for (const target of [roles.mod!, roles.high!]) {
      expect(await apiError(moderator.api.modifyRole(guild.id, target.id, { name: 'taken' }))).toMatchObject({
        status: 403,
        code: 50013,
      });
    }
    // The owner is above every role.
    expect((await owner.api.modifyRole(guild.id, roles.high!.id, { color: 5 })).color).toBe(5);
    expect(await apiError(owner.api.modifyRole(guild.id, '4242', { name: 'ghost' }))).toMatchObject({
      status: 404,
      code: 10011,
    });
    const bad = await raw(server, 'PATCH', `/guilds/${guild.id}/roles/${roles.low!.id}`, {
      token: owner.token,
      body: { color: 'red' },
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 50035 } });
  });

  it('keeps @everyone named, in place and undeletable, but lets its permissions change', async () => {
    const setup = await setupGuild(server);
    const { guild, owner } = setup;
    const renamed = await apiError(owner.api.modifyRole(guild.id, guild.id, { name: 'everybody' }));
    expect(renamed).toMatchObject({ status: 400, code: 50035 });
    expect(renamed.body).toHaveProperty('errors.name');
    const everyone = await owner.api.modifyRole(guild.id, guild.id, { permissions: bits(Permission.VIEW_CHANNEL) });
    expect(everyone).toMatchObject({ name: '@everyone', position: 0, permissions: bits(Permission.VIEW_CHANNEL) });
    expect(await apiError(owner.api.deleteRole(guild.id, guild.id))).toMatchObject({ status: 400, code: 50035 });
    const moved = await raw(server, 'PATCH', `/guilds/${guild.id}/roles`, {
      token: owner.token,
      body: [{ id: guild.id, position: 3 }],
    });
    expect(moved).toMatchObject({ status: 400, body: { code: 50035 } });
  });
});

describe('PATCH /guilds/:guild_id/roles (positions)', () => {
  it('reorders roles and keeps positions dense', async () => {
    const { guild, owner, roles } = await hierarchy();
    const events = mark(server);
    const reordered = await owner.api.rest.patch<Role[]>(`/guilds/${guild.id}/roles`, [
      { id: roles.high!.id, position: 1 },
    ]);
    expect(names(reordered)).toEqual(['0:@everyone', '1:high', '2:low', '3:mod']);
    const updates = events().filter((e) => e.type === 'GUILD_ROLE_UPDATE');
    expect(updates).toHaveLength(3);
    // A full list, as Discord's client sends it, is taken exactly.
    const full = await owner.api.rest.patch<Role[]>(`/guilds/${guild.id}/roles`, [
      { id: roles.mod!.id, position: 1 },
      { id: roles.low!.id, position: 2 },
      { id: roles.high!.id, position: 3 },
    ]);
    expect(names(full)).toEqual(['0:@everyone', '1:mod', '2:low', '3:high']);
    expect(names(await owner.api.roles(guild.id))).toEqual(names(full));
  });

  it('lets a manager move only roles below their own, to places below their own', async () => {
    const { guild, moderator, roles, owner } = await hierarchy();
    const role = await owner.api.createRole(guild.id, { name: 'bottom', permissions: '0' });
    // Now: bottom(1) < low(2) < mod(3) < high(4).
    const moved = await moderator.api.rest.patch<Role[]>(`/guilds/${guild.id}/roles`, [{ id: role.id, position: 2 }]);
    expect(names(moved)).toEqual(['0:@everyone', '1:low', '2:bottom', '3:mod', '4:high']);
    for (const body of [
      [{ id: role.id, position: 3 }],
      [{ id: roles.low!.id, position: 4 }],
      [{ id: roles.high!.id, position: 1 }],
      [{ id: roles.mod!.id, position: 1 }],
    ]) {
      expect(
        await apiError(moderator.api.rest.patch(`/guilds/${guild.id}/roles`, body)),
        JSON.stringify(body),
      ).toMatchObject({
        status: 403,
        code: 50013,
      });
    }
    expect(names(await owner.api.roles(guild.id))).toEqual(['0:@everyone', '1:low', '2:bottom', '3:mod', '4:high']);
  });

  it('refuses unknown roles, bad bodies, members without MANAGE_ROLES and non-members', async () => {
    const { guild, owner, roles } = await hierarchy();
    const member = await server.user();
    const outsider = await server.user();
    await join({ owner, guild, channelId: guild.system_channel_id! }, member);
    const body = [{ id: roles.low!.id, position: 2 }];
    expect(await apiError(member.api.rest.patch(`/guilds/${guild.id}/roles`, body))).toMatchObject({ status: 403 });
    expect(await apiError(outsider.api.rest.patch(`/guilds/${guild.id}/roles`, body))).toMatchObject({
      status: 404,
      code: 10004,
    });
    expect(await apiError(server.anonymous().rest.patch(`/guilds/${guild.id}/roles`, body))).toMatchObject({
      status: 401,
    });
    for (const bad of [
      [{ id: '999', position: 1 }],
      [{ position: 1 }],
      { id: roles.low!.id },
      [{ id: roles.low!.id, position: -1 }],
    ]) {
      const response = await raw(server, 'PATCH', `/guilds/${guild.id}/roles`, { token: owner.token, body: bad });
      expect(response, JSON.stringify(bad)).toMatchObject({ status: 400, body: { code: 50035 } });
    }
  });
});

describe('DELETE /guilds/:guild_id/roles/:role_id', () => {
  it('deletes a role below the deleter, strips it from members and closes the gap', async () => {
    const { guild, moderator, roles, owner } = await hierarchy();
    const member = await server.user();
    await join({ owner, guild, channelId: guild.system_channel_id! }, member);
    await owner.api.addMemberRole(guild.id, member.id, roles.low!.id);
    expect(await apiError(moderator.api.deleteRole(guild.id, roles.high!.id))).toMatchObject({
      status: 403,
      code: 50013,
    });
    expect(await apiError(moderator.api.deleteRole(guild.id, roles.mod!.id))).toMatchObject({
      status: 403,
      code: 50013,
    });

    const events = mark(server);
    await moderator.api.deleteRole(guild.id, roles.low!.id);
    expect(expectEvent(events(), 'GUILD_ROLE_DELETE', guildRoute(guild.id)).data).toEqual({
      guild_id: guild.id,
      role_id: roles.low!.id,
    });
    expect(names(await owner.api.roles(guild.id))).toEqual(['0:@everyone', '1:mod', '2:high']);
    expect((await owner.api.member(guild.id, member.id)).roles).toEqual([]);
    expect(await apiError(owner.api.deleteRole(guild.id, roles.low!.id))).toMatchObject({ status: 404, code: 10011 });
  });

  it('refuses members without MANAGE_ROLES, non-members and anonymous callers', async () => {
    const { guild, owner, roles } = await hierarchy();
    const member = await server.user();
    const outsider = await server.user();
    await join({ owner, guild, channelId: guild.system_channel_id! }, member);
    expect(await apiError(member.api.deleteRole(guild.id, roles.low!.id))).toMatchObject({ status: 403, code: 50013 });
    expect(await apiError(outsider.api.deleteRole(guild.id, roles.low!.id))).toMatchObject({
      status: 404,
      code: 10004,
    });
    expect(await apiError(server.anonymous().deleteRole(guild.id, roles.low!.id))).toMatchObject({ status: 401 });
    expect(await owner.api.roles(guild.id)).toHaveLength(4);
  });
});

describe('role limit', () => {
  it('refuses the 251st role with 30005', async () => {
    const { guild, owner } = await setupGuild(server);
    // Filled through the API; 249 more roles besides @everyone.
    for (let i = 0; i < 249; i++) await owner.api.createRole(guild.id, { name: `r${i}`, permissions: '0' });
    expect(await apiError(owner.api.createRole(guild.id, { name: 'one too many' }))).toMatchObject({
      status: 400,
      code: 30005,
    });
    expect(await owner.api.roles(guild.id)).toHaveLength(250);
  }, 120_000);
});
