import { Permission, type Role } from '@concord/protocol';
import { ConcordApi } from '@concord/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer, type TestUser } from '../support/testServer';
import { expectEvent, guildRoute, join, mark, memberWithRole, raw, setupGuild, userRoute } from './guildsFixtures';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ publicUrl: 'https://chat.example' });
});
afterAll(() => server.close());

const bits = (...perms: bigint[]) => perms.reduce((a, b) => a | b, 0n).toString();

async function makeBot(
  owner: TestUser,
  name = 'Helper',
): Promise<{ applicationId: string; botId: string; bot: ConcordApi }> {
  const app = await owner.api.createApplication(name);
  const { token } = await owner.api.botToken(app.id);
  return {
    applicationId: app.id,
    botId: app.bot!.id,
    bot: new ConcordApi({ baseUrl: server.baseUrl, token: `Bot ${token}` }),
  };
}

describe('POST /oauth2/authorize (scope bot)', () => {
  it('adds the bot with a managed role carrying the requested permissions', async () => {
    const { guild, owner } = await setupGuild(server);
    const { applicationId, botId, bot } = await makeBot(owner, 'Moderation Bot');
    const events = mark(server);
    const permissions = bits(Permission.KICK_MEMBERS, Permission.MANAGE_MESSAGES);
    expect(await owner.api.authorizeBot(applicationId, guild.id, permissions)).toEqual({
      location: 'https://chat.example/oauth2/authorized',
    });

    const roles = await owner.api.roles(guild.id);
    const managed = roles.find((r) => r.managed)!;
    expect(managed).toMatchObject({ name: 'Moderation Bot', permissions, position: 1 });
    const member = await owner.api.member(guild.id, botId);
    expect(member).toMatchObject({ user: { id: botId, bot: true }, roles: [managed.id] });

    expect(expectEvent(events(), 'GUILD_ROLE_CREATE', guildRoute(guild.id)).data).toMatchObject({
      guild_id: guild.id,
      role: { id: managed.id, managed: true },
    });
    expect(expectEvent(events(), 'GUILD_MEMBER_ADD', guildRoute(guild.id)).data).toMatchObject({
      user: { id: botId },
      roles: [managed.id],
    });
    expect((expectEvent(events(), 'GUILD_CREATE', userRoute(botId)).data as { id: string }).id).toBe(guild.id);

    // The bot now sees the guild with its role's permissions.
    const seen = await bot.getGuild(guild.id);
    expect(BigInt(seen.permissions!) & Permission.KICK_MEMBERS).toBe(Permission.KICK_MEMBERS);
    // Authorizing again changes nothing.
    const again = mark(server);
    await owner.api.authorizeBot(applicationId, guild.id, permissions);
    expect(again()).toEqual([]);
    expect((await owner.api.roles(guild.id)).filter((r) => r.managed)).toHaveLength(1);
  });

  it('adds a bot without a role when no permissions are asked for; authorize:false adds nothing', async () => {
    const { guild, owner } = await setupGuild(server);
    const { applicationId, botId } = await makeBot(owner);
    const declined = await owner.api.rest.request<{ location: string }>(
      'POST',
      '/oauth2/authorize',
      { guild_id: guild.id, authorize: false },
      { client_id: applicationId, scope: 'bot' },
    );
    expect(declined.location).toBe('https://chat.example/oauth2/authorized');
    expect(await apiError(owner.api.member(guild.id, botId))).toMatchObject({ status: 404, code: 10007 });

    await owner.api.authorizeBot(applicationId, guild.id);
    expect((await owner.api.member(guild.id, botId)).roles).toEqual([]);
    expect((await owner.api.roles(guild.id)).filter((r) => r.managed)).toEqual([]);
  });

  it('keeps managed roles out of human hands: not assigned, removed or deleted by hand', async () => {
    const setup = await setupGuild(server);
    const { guild, owner } = setup;
    const { applicationId, botId } = await makeBot(owner);
    await owner.api.authorizeBot(applicationId, guild.id, bits(Permission.SEND_MESSAGES));
    const managed = (await owner.api.roles(guild.id)).find((r) => r.managed)!;
    const human = await server.user();
    await join(setup, human);
    expect(await apiError(owner.api.addMemberRole(guild.id, human.id, managed.id))).toMatchObject({
      status: 403,
      code: 50013,
    });
    expect(await apiError(owner.api.removeMemberRole(guild.id, botId, managed.id))).toMatchObject({
      status: 403,
      code: 50013,
    });
    expect(await apiError(owner.api.modifyMember(guild.id, botId, { roles: [] }))).toMatchObject({
      status: 403,
      code: 50013,
    });
    expect(await apiError(owner.api.deleteRole(guild.id, managed.id))).toMatchObject({ status: 403, code: 50013 });
    expect((await owner.api.member(guild.id, botId)).roles).toEqual([managed.id]);
  });

  it("removes the bot's managed role when the bot is kicked", async () => {
    const { guild, owner } = await setupGuild(server);
    const { applicationId, botId } = await makeBot(owner);
    await owner.api.authorizeBot(applicationId, guild.id, bits(Permission.SEND_MESSAGES));
    const managed = (await owner.api.roles(guild.id)).find((r: Role) => r.managed)!;
    const events = mark(server);
    await owner.api.kick(guild.id, botId);
    expectEvent(events(), 'GUILD_MEMBER_REMOVE', guildRoute(guild.id));
    expect(expectEvent(events(), 'GUILD_ROLE_DELETE', guildRoute(guild.id)).data).toEqual({
      guild_id: guild.id,
      role_id: managed.id,
    });
    expect((await owner.api.roles(guild.id)).map((r) => r.id)).toEqual([guild.id]);
  });

  it('needs MANAGE_GUILD, and never grants the bot more than the person authorizing holds', async () => {
    const setup = await setupGuild(server);
    const { guild, owner } = setup;
    const { applicationId, botId } = await makeBot(owner);
    const member = await server.user();
    await join(setup, member);
    expect(await apiError(member.api.authorizeBot(applicationId, guild.id))).toMatchObject({
      status: 403,
      code: 50013,
    });
    const { user: manager } = await memberWithRole(server, setup, {
      name: 'managers',
      permissions: bits(Permission.MANAGE_GUILD, Permission.SEND_MESSAGES),
    });
    expect(
      await apiError(manager.api.authorizeBot(applicationId, guild.id, bits(Permission.ADMINISTRATOR))),
    ).toMatchObject({ status: 403, code: 50013 });
    expect(await apiError(owner.api.member(guild.id, botId))).toMatchObject({ status: 404, code: 10007 });
    await manager.api.authorizeBot(applicationId, guild.id, bits(Permission.SEND_MESSAGES));
    expect((await owner.api.member(guild.id, botId)).roles).toHaveLength(1);
  });

  it('refuses outsiders, unknown applications, other scopes, bots, anonymous callers and bad input', async () => {
    const setup = await setupGuild(server);
    const { guild, owner } = setup;
    const { applicationId, bot } = await makeBot(owner);
    const outsider = await server.user();
    const hidden = await apiError(outsider.api.authorizeBot(applicationId, guild.id));
    expect(hidden).toMatchObject({ status: 404, code: 10004 });
    expect(hidden.body).toEqual((await apiError(outsider.api.authorizeBot(applicationId, '31415926'))).body);
    expect(await apiError(owner.api.authorizeBot('27182818284', guild.id))).toMatchObject({ status: 404, code: 10002 });
    const wrongScope = await apiError(
      owner.api.rest.request(
        'POST',
        '/oauth2/authorize',
        { guild_id: guild.id, authorize: true },
        { client_id: applicationId, scope: 'identify email' },
      ),
    );
    expect(wrongScope).toMatchObject({ status: 400, code: 50035 });
    expect(await apiError(bot.authorizeBot(applicationId, guild.id))).toMatchObject({ status: 403, code: 20001 });
    expect(await apiError(server.anonymous().authorizeBot(applicationId, guild.id))).toMatchObject({ status: 401 });
    const query = `client_id=${applicationId}&scope=bot`;
    for (const body of [{ guild_id: guild.id }, { guild_id: guild.id, authorize: true, permissions: 'all' }, {}]) {
      const response = await raw(server, 'POST', `/oauth2/authorize?${query}`, { token: owner.token, body });
      expect(response, JSON.stringify(body)).toMatchObject({ status: 400, body: { code: 50035 } });
    }
    const noClient = await raw(server, 'POST', '/oauth2/authorize?scope=bot', {
      token: owner.token,
      body: { guild_id: guild.id, authorize: true },
    });
    expect(noClient).toMatchObject({ status: 400, body: { code: 50035 } });
    expect(await owner.api.members(guild.id, { limit: 10 })).toHaveLength(1);
  });

  it('lets a banned bot back only after the ban is lifted', async () => {
    const { guild, owner } = await setupGuild(server);
    const { applicationId, botId } = await makeBot(owner);
    await owner.api.ban(guild.id, botId);
    expect(await apiError(owner.api.authorizeBot(applicationId, guild.id))).toMatchObject({ status: 403, code: 40007 });
    await owner.api.unban(guild.id, botId);
    await owner.api.authorizeBot(applicationId, guild.id);
    expect((await owner.api.member(guild.id, botId)).user.id).toBe(botId);
  });
});
