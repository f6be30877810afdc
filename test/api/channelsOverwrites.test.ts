import { Permission, type Channel } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer, type TestUser } from '../support/testServer';
import { createGuild, eventsSince, join, roleFor, type GuildFixture } from './channelsFixtures';

let server: TestServer;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;
let guild: GuildFixture;

beforeAll(async () => {
  server = await startServer();
  [owner, member, outsider] = await Promise.all([server.user(), server.user(), server.user()]);
  guild = await createGuild(server, owner, 'Overwrites');
  await join(server, guild, owner, member);
});
afterAll(() => server.close());

const VIEW = String(Permission.VIEW_CHANNEL);
const SEND = String(Permission.SEND_MESSAGES);
const UNKNOWN_ID = '4242424242424242';
const putOverwrite = (api: TestUser['api'], channelId: string, id: string, body: unknown) =>
  api.rest.put<void>(`/channels/${channelId}/permissions/${id}`, body);
const deleteOverwrite = (api: TestUser['api'], channelId: string, id: string) =>
  api.rest.delete<void>(`/channels/${channelId}/permissions/${id}`);

describe('permission overwrites decide who sees and sends', () => {
  it('denying VIEW_CHANNEL to @everyone hides the channel from members but not from the owner', async () => {
    const secret = await owner.api.createGuildChannel(guild.id, { name: 'secret' });
    expect((await member.api.guildChannels(guild.id)).map((c) => c.id)).toContain(secret.id);
    const before = server.events.length;
    await putOverwrite(owner.api, secret.id, guild.id, { type: 0, deny: VIEW });
    const [event] = eventsSince(server, before, 'CHANNEL_UPDATE');
    expect(event!.route).toEqual({ kind: 'guild', guildId: guild.id, channelId: secret.id });
    expect((event!.data as Channel).permission_overwrites).toEqual([{ id: guild.id, type: 0, allow: '0', deny: VIEW }]);

    expect((await member.api.guildChannels(guild.id)).map((c) => c.id)).not.toContain(secret.id);
    const hidden = await apiError(member.api.getChannel(secret.id));
    expect(hidden).toMatchObject({ status: 404, code: 10003 });
    expect((await apiError(member.api.getChannel(UNKNOWN_ID))).body).toEqual(hidden.body);
    expect((await owner.api.guildChannels(guild.id)).map((c) => c.id)).toContain(secret.id);
    expect((await owner.api.getChannel(secret.id)).id).toBe(secret.id);

    // A member-level allow beats the @everyone deny.
    await putOverwrite(owner.api, secret.id, member.id, { type: 1, allow: VIEW });
    expect((await member.api.getChannel(secret.id)).id).toBe(secret.id);
    await deleteOverwrite(owner.api, secret.id, member.id);
    expect(await apiError(member.api.getChannel(secret.id))).toMatchObject({ status: 404 });
  });

  it('a member-level allow overrides a role deny', async () => {
    const quiet = await owner.api.createGuildChannel(guild.id, { name: 'quiet' });
    const muted = await roleFor(server, guild.id, owner, { name: 'muted' }, [member]);
    await putOverwrite(owner.api, quiet.id, muted, { type: 0, deny: SEND });
    expect(await apiError(member.api.typing(quiet.id))).toMatchObject({ status: 403, code: 50013 });
    await putOverwrite(owner.api, quiet.id, member.id, { type: 1, allow: SEND });
    await member.api.typing(quiet.id);
    // Replacing an overwrite keeps one entry per id.
    await putOverwrite(owner.api, quiet.id, member.id, { type: 1, allow: '0', deny: SEND });
    const channel = await owner.api.getChannel(quiet.id);
    expect(channel.permission_overwrites!.filter((o) => o.id === member.id)).toEqual([
      { id: member.id, type: 1, allow: '0', deny: SEND },
    ]);
    expect(await apiError(member.api.typing(quiet.id))).toMatchObject({ status: 403 });
  });
});

describe('PUT /channels/:channel_id/permissions/:overwrite_id', () => {
  it('validates the target and the body', async () => {
    const channel = await owner.api.createGuildChannel(guild.id, { name: 'put-errors' });
    expect(await apiError(putOverwrite(owner.api, channel.id, UNKNOWN_ID, { type: 0, allow: VIEW }))).toMatchObject({
      status: 404,
      code: 10011,
    });
    expect(await apiError(putOverwrite(owner.api, channel.id, outsider.id, { type: 1, allow: VIEW }))).toMatchObject({
      status: 404,
      code: 10007,
    });
    for (const body of [{ type: 2 }, { allow: VIEW }, { type: 0, allow: 'all' }, { type: 0, deny: -1 }]) {
      const error = await apiError(putOverwrite(owner.api, channel.id, guild.id, body));
      expect(error, JSON.stringify(body)).toMatchObject({ status: 400, code: 50035 });
    }
    expect(await apiError(putOverwrite(owner.api, channel.id, 'abc', { type: 0 }))).toMatchObject({
      status: 400,
      code: 50035,
    });
    expect((await owner.api.getChannel(channel.id)).permission_overwrites).toEqual([]);
  });

  it('answers 401, 404 to strangers, 403 without MANAGE_ROLES, and 50003 on a DM', async () => {
    const channel = await owner.api.createGuildChannel(guild.id, { name: 'put-auth' });
    const body = { type: 0, deny: VIEW };
    expect(await apiError(putOverwrite(server.anonymous(), channel.id, guild.id, body))).toMatchObject({
      status: 401,
    });
    expect(await apiError(putOverwrite(outsider.api, channel.id, guild.id, body))).toMatchObject({
      status: 404,
      code: 10003,
    });
    expect(await apiError(putOverwrite(outsider.api, UNKNOWN_ID, guild.id, body))).toMatchObject({
      status: 404,
      code: 10003,
    });
    expect(await apiError(putOverwrite(member.api, channel.id, guild.id, body))).toMatchObject({
      status: 403,
      code: 50013,
    });
    const dm = await owner.api.openDm(member.id);
    expect(await apiError(putOverwrite(owner.api, dm.id, member.id, { type: 1, allow: VIEW }))).toMatchObject({
      status: 400,
      code: 50003,
    });
  });

  it('lets a channel-level MANAGE_ROLES holder edit overwrites, but only with bits they hold', async () => {
    const channel = await owner.api.createGuildChannel(guild.id, { name: 'delegated' });
    const keeper = await server.user();
    await join(server, guild, owner, keeper);
    await putOverwrite(owner.api, channel.id, keeper.id, { type: 1, allow: String(Permission.MANAGE_ROLES) });
    await putOverwrite(keeper.api, channel.id, guild.id, { type: 0, deny: SEND });
    expect(
      await apiError(
        putOverwrite(keeper.api, channel.id, member.id, { type: 1, allow: String(Permission.BAN_MEMBERS) }),
      ),
    ).toMatchObject({ status: 403, code: 50013 });
    // Elsewhere, without the overwrite, the same member has no MANAGE_ROLES.
    expect(
      await apiError(putOverwrite(keeper.api, guild.systemChannelId, guild.id, { type: 0, deny: SEND })),
    ).toMatchObject({ status: 403, code: 50013 });
  });
});

describe('DELETE /channels/:channel_id/permissions/:overwrite_id', () => {
  it('removes an overwrite and announces the channel', async () => {
    const channel = await owner.api.createGuildChannel(guild.id, {
      name: 'unlock',
      permission_overwrites: [{ id: guild.id, type: 0, deny: VIEW }],
    });
    expect(await apiError(member.api.getChannel(channel.id))).toMatchObject({ status: 404 });
    const before = server.events.length;
    await deleteOverwrite(owner.api, channel.id, guild.id);
    const [event] = eventsSince(server, before, 'CHANNEL_UPDATE');
    expect(event).toMatchObject({
      data: { id: channel.id, permission_overwrites: [] },
      route: { kind: 'guild', guildId: guild.id, channelId: channel.id },
    });
    expect((await member.api.getChannel(channel.id)).id).toBe(channel.id);
    expect(await apiError(deleteOverwrite(owner.api, channel.id, guild.id))).toMatchObject({
      status: 404,
      code: 10009,
    });
  });

  it('answers 401, 404 and 403', async () => {
    const channel = await owner.api.createGuildChannel(guild.id, {
      name: 'locked',
      permission_overwrites: [{ id: guild.id, type: 0, deny: SEND }],
    });
    expect(await apiError(deleteOverwrite(server.anonymous(), channel.id, guild.id))).toMatchObject({ status: 401 });
    expect(await apiError(deleteOverwrite(outsider.api, channel.id, guild.id))).toMatchObject({
      status: 404,
      code: 10003,
    });
    expect(await apiError(deleteOverwrite(member.api, channel.id, guild.id))).toMatchObject({
      status: 403,
      code: 50013,
    });
    expect((await owner.api.getChannel(channel.id)).permission_overwrites).toHaveLength(1);
  });
});
