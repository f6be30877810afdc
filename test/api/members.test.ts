import { DEFAULT_EVERYONE_PERMISSIONS, Permission, type GuildMember } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer, type TestUser } from '../support/testServer';
import {
  expectEvent,
  guildRoute,
  join,
  mark,
  memberWithRole,
  raw,
  setupGuild,
  userRoute,
  type GuildSetup,
} from './guildsFixtures';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const bits = (...perms: bigint[]) => perms.reduce((a, b) => a | b, 0n).toString();

/**
 * A guild where `moderator` holds `mod` (KICK_MEMBERS, MANAGE_NICKNAMES, MANAGE_ROLES), `senior`
 * holds `senior` above it, and `member` holds nothing.
 */
async function moderated(): Promise<
  GuildSetup & {
    moderator: TestUser;
    senior: TestUser;
    member: TestUser;
    modRole: string;
    seniorRole: string;
    lowRole: string;
  }
> {
  const setup = await setupGuild(server);
  const senior = await memberWithRole(server, setup, { name: 'senior', permissions: '0' });
  const moderator = await memberWithRole(server, setup, {
    name: 'mod',
    permissions: bits(Permission.KICK_MEMBERS, Permission.MANAGE_NICKNAMES, Permission.MANAGE_ROLES),
  });
  const low = await setup.owner.api.createRole(setup.guild.id, { name: 'low', permissions: '0' });
  const member = await server.user();
  await join(setup, member);
  return {
    ...setup,
    moderator: moderator.user,
    senior: senior.user,
    member,
    modRole: moderator.role.id,
    seniorRole: senior.role.id,
    lowRole: low.id,
  };
}

describe('GET /guilds/:guild_id/members', () => {
  it('pages members by user id: one by default, up to 1000', async () => {
    const setup = await setupGuild(server);
    const others = [await server.user(), await server.user(), await server.user()];
    await join(setup, ...others);
    const everyone = [setup.owner.id, ...others.map((u) => u.id)].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const member = others[0]!;
    expect((await member.api.members(setup.guild.id)).map((m) => m.user.id)).toEqual([everyone[0]]);
    const all = await member.api.members(setup.guild.id, { limit: 1000 });
    expect(all.map((m) => m.user.id)).toEqual(everyone);
    expect(all[0]).toMatchObject({ nick: null, roles: [], deaf: false, mute: false, pending: false });
    expect((await member.api.members(setup.guild.id, { limit: 2, after: everyone[1] })).map((m) => m.user.id)).toEqual(
      everyone.slice(2, 4),
    );
    for (const query of ['limit=0', 'limit=1001', 'after=x']) {
      const response = await raw(server, 'GET', `/guilds/${setup.guild.id}/members?${query}`, { token: member.token });
      expect(response, query).toMatchObject({ status: 400, body: { code: 50035 } });
    }
    const outsider = await server.user();
    expect(await apiError(outsider.api.members(setup.guild.id))).toMatchObject({ status: 404, code: 10004 });
    expect(await apiError(server.anonymous().members(setup.guild.id))).toMatchObject({ status: 401 });
  });
});

describe('GET /guilds/:guild_id/members/:user_id', () => {
  it('finds members; a non-member of the guild is Unknown Member, an outsider sees Unknown Guild', async () => {
    const setup = await setupGuild(server);
    const member = await server.user();
    const outsider = await server.user();
    await join(setup, member);
    expect(await member.api.member(setup.guild.id, setup.owner.id)).toMatchObject({ user: { id: setup.owner.id } });
    expect(await apiError(member.api.member(setup.guild.id, outsider.id))).toMatchObject({ status: 404, code: 10007 });
    const hidden = await apiError(outsider.api.member(setup.guild.id, member.id));
    expect(hidden).toMatchObject({ status: 404, code: 10004 });
    expect(hidden.body).toEqual((await apiError(outsider.api.member('77777777', member.id))).body);
    expect(await apiError(server.anonymous().member(setup.guild.id, member.id))).toMatchObject({ status: 401 });
  });
});

describe('nicknames', () => {
  it('lets a member set their own nickname with CHANGE_NICKNAME, and tells the guild', async () => {
    const { guild, member } = await moderated();
    const events = mark(server);
    const renamed = await member.api.rest.patch<GuildMember>(`/guilds/${guild.id}/members/@me`, { nick: 'Sam' });
    expect(renamed.nick).toBe('Sam');
    const update = expectEvent(events(), 'GUILD_MEMBER_UPDATE', guildRoute(guild.id));
    expect(update.data).toMatchObject({ guild_id: guild.id, nick: 'Sam', user: { id: member.id } });
    // Through the user id too, and an empty nickname clears it.
    expect((await member.api.modifyMember(guild.id, member.id, { nick: '' })).nick).toBeNull();
  });

  it('refuses my own nickname once @everyone loses CHANGE_NICKNAME', async () => {
    const { guild, owner, member } = await moderated();
    await owner.api.modifyRole(guild.id, guild.id, {
      permissions: (DEFAULT_EVERYONE_PERMISSIONS & ~Permission.CHANGE_NICKNAME).toString(),
    });
    expect(await apiError(member.api.rest.patch(`/guilds/${guild.id}/members/@me`, { nick: 'Sam' }))).toMatchObject({
      status: 403,
      code: 50013,
    });
    expect((await owner.api.member(guild.id, member.id)).nick).toBeNull();
  });

  it("needs MANAGE_NICKNAMES and a higher role for someone else's nickname", async () => {
    const { guild, owner, moderator, senior, member } = await moderated();
    expect((await moderator.api.modifyMember(guild.id, member.id, { nick: 'Renamed' })).nick).toBe('Renamed');
    expect(await apiError(member.api.modifyMember(guild.id, moderator.id, { nick: 'x' }))).toMatchObject({
      status: 403,
      code: 50013,
    });
    for (const target of [senior, owner]) {
      expect(await apiError(moderator.api.modifyMember(guild.id, target.id, { nick: 'x' }))).toMatchObject({
        status: 403,
        code: 50013,
      });
    }
    expect((await owner.api.modifyMember(guild.id, senior.id, { nick: 'Boss' })).nick).toBe('Boss');
  });

  it('validates bodies and hides the guild from outsiders', async () => {
    const { guild, owner, member } = await moderated();
    for (const body of [{ nick: 'n'.repeat(33) }, { nick: 5 }, { roles: 'all' }, { roles: ['x'] }]) {
      const response = await raw(server, 'PATCH', `/guilds/${guild.id}/members/${member.id}`, {
        token: owner.token,
        body,
      });
      expect(response, JSON.stringify(body)).toMatchObject({ status: 400, body: { code: 50035 } });
    }
    const me = await raw(server, 'PATCH', `/guilds/${guild.id}/members/@me`, { token: owner.token, body: { nick: 7 } });
    expect(me).toMatchObject({ status: 400, body: { code: 50035 } });
    const outsider = await server.user();
    expect(await apiError(outsider.api.modifyMember(guild.id, member.id, { nick: 'x' }))).toMatchObject({
      status: 404,
      code: 10004,
    });
    expect(await apiError(outsider.api.rest.patch(`/guilds/${guild.id}/members/@me`, { nick: 'x' }))).toMatchObject({
      status: 404,
      code: 10004,
    });
    expect(await apiError(server.anonymous().modifyMember(guild.id, member.id, { nick: 'x' }))).toMatchObject({
      status: 401,
    });
    expect(await apiError(owner.api.modifyMember(guild.id, outsider.id, { nick: 'x' }))).toMatchObject({
      status: 404,
      code: 10007,
    });
  });
});

describe('member roles', () => {
  it('sets roles with MANAGE_ROLES, only roles below the actor', async () => {
    const { guild, moderator, member, lowRole, modRole, seniorRole } = await moderated();
    const events = mark(server);
    const updated = await moderator.api.modifyMember(guild.id, member.id, { roles: [lowRole] });
    expect(updated.roles).toEqual([lowRole]);
    expect(expectEvent(events(), 'GUILD_MEMBER_UPDATE', guildRoute(guild.id)).data).toMatchObject({
      guild_id: guild.id,
      roles: [lowRole],
    });
    for (const roles of [
      [lowRole, modRole],
      [lowRole, seniorRole],
    ]) {
      expect(await apiError(moderator.api.modifyMember(guild.id, member.id, { roles }))).toMatchObject({
        status: 403,
        code: 50013,
      });
    }
    // Unknown roles and @everyone are not roles one can hold.
    for (const roles of [['123456'], [guild.id]]) {
      expect(await apiError(moderator.api.modifyMember(guild.id, member.id, { roles }))).toMatchObject({
        status: 400,
        code: 50035,
      });
    }
    expect(await apiError(member.api.modifyMember(guild.id, member.id, { roles: [] }))).toMatchObject({
      status: 403,
      code: 50013,
    });
    expect((await moderator.api.member(guild.id, member.id)).roles).toEqual([lowRole]);
  });

  it('adds and removes single roles with PUT/DELETE, idempotently', async () => {
    const { guild, moderator, member, lowRole, seniorRole, owner } = await moderated();
    const events = mark(server);
    await moderator.api.addMemberRole(guild.id, member.id, lowRole);
    await moderator.api.addMemberRole(guild.id, member.id, lowRole);
    expect(events().filter((e) => e.type === 'GUILD_MEMBER_UPDATE')).toHaveLength(1);
    expect((await owner.api.member(guild.id, member.id)).roles).toEqual([lowRole]);
    expect(await apiError(moderator.api.addMemberRole(guild.id, member.id, seniorRole))).toMatchObject({
      status: 403,
      code: 50013,
    });
    expect(await apiError(member.api.addMemberRole(guild.id, member.id, lowRole))).toMatchObject({ status: 403 });
    expect(await apiError(owner.api.addMemberRole(guild.id, member.id, '424242'))).toMatchObject({
      status: 404,
      code: 10011,
    });
    const outsider = await server.user();
    expect(await apiError(owner.api.addMemberRole(guild.id, outsider.id, lowRole))).toMatchObject({
      status: 404,
      code: 10007,
    });
    expect(await apiError(outsider.api.addMemberRole(guild.id, member.id, lowRole))).toMatchObject({
      status: 404,
      code: 10004,
    });
    expect(await apiError(server.anonymous().addMemberRole(guild.id, member.id, lowRole))).toMatchObject({
      status: 401,
    });

    await moderator.api.removeMemberRole(guild.id, member.id, lowRole);
    await moderator.api.removeMemberRole(guild.id, member.id, lowRole);
    expect((await owner.api.member(guild.id, member.id)).roles).toEqual([]);
    expect(await apiError(server.anonymous().removeMemberRole(guild.id, member.id, lowRole))).toMatchObject({
      status: 401,
    });
  });
});

describe('DELETE /guilds/:guild_id/members/:user_id (kick)', () => {
  it('kicks a lower member: the guild hears GUILD_MEMBER_REMOVE and the member GUILD_DELETE', async () => {
    const { guild, moderator, member, owner } = await moderated();
    const events = mark(server);
    await moderator.api.kick(guild.id, member.id);
    expect(expectEvent(events(), 'GUILD_MEMBER_REMOVE', guildRoute(guild.id)).data).toMatchObject({
      guild_id: guild.id,
      user: { id: member.id },
    });
    expect(expectEvent(events(), 'GUILD_DELETE', userRoute(member.id)).data).toEqual({ id: guild.id });
    expect(await apiError(member.api.getGuild(guild.id))).toMatchObject({ status: 404, code: 10004 });
    expect(await apiError(owner.api.kick(guild.id, member.id))).toMatchObject({ status: 404, code: 10007 });
  });

  it('never lets a moderator kick someone at or above them, nor anyone the owner', async () => {
    const { guild, moderator, senior, member, owner } = await moderated();
    expect(await apiError(moderator.api.kick(guild.id, senior.id))).toMatchObject({ status: 403, code: 50013 });
    expect(await apiError(moderator.api.kick(guild.id, owner.id))).toMatchObject({ status: 403, code: 50013 });
    expect(await apiError(moderator.api.kick(guild.id, moderator.id))).toMatchObject({ status: 403, code: 50013 });
    expect(await apiError(member.api.kick(guild.id, moderator.id))).toMatchObject({ status: 403, code: 50013 });
    expect(await apiError(owner.api.kick(guild.id, owner.id))).toMatchObject({ status: 403, code: 50013 });
    const outsider = await server.user();
    expect(await apiError(outsider.api.kick(guild.id, member.id))).toMatchObject({ status: 404, code: 10004 });
    expect(await apiError(server.anonymous().kick(guild.id, member.id))).toMatchObject({ status: 401 });
    // The owner outranks everyone.
    await owner.api.kick(guild.id, senior.id);
    expect((await owner.api.members(guild.id, { limit: 10 })).map((m) => m.user.id)).not.toContain(senior.id);
  });
});
