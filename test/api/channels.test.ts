import { ChannelType, Limits, Permission, type Channel } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer, type TestUser } from '../support/testServer';
import { createGuild, eventsSince, join, roleFor, storeOf, type GuildFixture } from './channelsFixtures';

let server: TestServer;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;
let guild: GuildFixture;

beforeAll(async () => {
  server = await startServer();
  [owner, member, outsider] = await Promise.all([server.user(), server.user(), server.user()]);
  guild = await createGuild(server, owner, 'Channels');
  await join(server, guild, owner, member);
});
afterAll(() => server.close());

const UNKNOWN_ID = '4242424242424242';

describe('GET/POST /guilds/:guild_id/channels', () => {
  it('creates a category and a text channel in it, announcing each to the guild', async () => {
    const before = server.events.length;
    const category = await owner.api.createGuildChannel(guild.id, {
      name: 'Projects',
      type: ChannelType.GUILD_CATEGORY,
    });
    expect(category).toMatchObject({
      type: 4,
      guild_id: guild.id,
      name: 'Projects',
      parent_id: null,
      permission_overwrites: [],
      last_seq: 0,
    });
    expect(category).not.toHaveProperty('topic');
    const text = await owner.api.createGuildChannel(guild.id, {
      name: 'roadmap',
      topic: 'what comes next',
      parent_id: category.id,
      rate_limit_per_user: 5,
    });
    expect(text).toMatchObject({
      type: 0,
      guild_id: guild.id,
      name: 'roadmap',
      topic: 'what comes next',
      parent_id: category.id,
      nsfw: false,
      rate_limit_per_user: 5,
      last_message_id: null,
      last_seq: 0,
      flags: 0,
    });
    expect(text.position).toBeGreaterThan(category.position!);
    const created = eventsSince(server, before, 'CHANNEL_CREATE');
    expect(created.map((e) => e.route)).toEqual([
      { kind: 'guild', guildId: guild.id, channelId: category.id },
      { kind: 'guild', guildId: guild.id, channelId: text.id },
    ]);
    expect(created[1]!.data).toEqual(text);

    const listed = await member.api.guildChannels(guild.id);
    expect(listed.map((c) => c.id)).toEqual(expect.arrayContaining([guild.systemChannelId, category.id, text.id]));
    expect(listed.find((c) => c.id === text.id)).toEqual(text);
  });

  it('copies the category overwrites into a channel created without its own', async () => {
    const deny = { id: guild.id, type: 0 as const, allow: '0', deny: String(Permission.SEND_MESSAGES) };
    const category = await owner.api.createGuildChannel(guild.id, {
      name: 'Announcements',
      type: 4,
      permission_overwrites: [deny],
    });
    expect(category.permission_overwrites).toEqual([deny]);
    const synced = await owner.api.createGuildChannel(guild.id, { name: 'news', parent_id: category.id });
    expect(synced.permission_overwrites).toEqual([deny]);
    const explicit = await owner.api.createGuildChannel(guild.id, {
      name: 'open-news',
      parent_id: category.id,
      permission_overwrites: [],
    });
    expect(explicit.permission_overwrites).toEqual([]);
  });

  it('rejects invalid bodies and parents with 50035 and creates nothing', async () => {
    const other = await createGuild(server, outsider, 'Elsewhere');
    const foreignCategory = await outsider.api.createGuildChannel(other.id, { name: 'theirs', type: 4 });
    const category = await owner.api.createGuildChannel(guild.id, { name: 'Cat', type: 4 });
    const before = (await owner.api.guildChannels(guild.id)).length;
    const eventsBefore = server.events.length;
    const bad: unknown[] = [
      { name: '' },
      { name: 'x'.repeat(101) },
      { name: 'voice', type: 2 },
      { name: 'no-type-string', type: '0' },
      { name: 'topic', topic: 'x'.repeat(Limits.channelTopic + 1) },
      { name: 'child', parent_id: guild.systemChannelId },
      { name: 'child', parent_id: foreignCategory.id },
      { name: 'child', parent_id: UNKNOWN_ID },
      { name: 'nested', type: 4, parent_id: category.id },
      { name: 'bad-overwrite', permission_overwrites: [{ id: UNKNOWN_ID, type: 0 }] },
      { name: 'bad-bits', permission_overwrites: [{ id: guild.id, type: 0, allow: 'lots' }] },
      {
        name: 'dup',
        permission_overwrites: [
          { id: guild.id, type: 0 },
          { id: guild.id, type: 0 },
        ],
      },
      { name: 'not-a-member', permission_overwrites: [{ id: outsider.id, type: 1 }] },
    ];
    for (const body of bad) {
      const error = await apiError(owner.api.rest.post(`/guilds/${guild.id}/channels`, body));
      expect(error, JSON.stringify(body)).toMatchObject({ status: 400, code: 50035 });
    }
    const overwriteError = await apiError(
      owner.api.createGuildChannel(guild.id, { name: 'x', permission_overwrites: [{ id: UNKNOWN_ID, type: 0 }] }),
    );
    expect(overwriteError.body).toHaveProperty('errors.permission_overwrites.0.id._errors');
    const parentError = await apiError(owner.api.createGuildChannel(guild.id, { name: 'x', parent_id: UNKNOWN_ID }));
    expect(parentError.body).toHaveProperty('errors.parent_id._errors');
    expect(await apiError(owner.api.rest.post('/guilds/not-an-id/channels', { name: 'x' }))).toMatchObject({
      status: 400,
      code: 50035,
    });
    expect((await owner.api.guildChannels(guild.id)).length).toBe(before);
    expect(eventsSince(server, eventsBefore, 'CHANNEL_CREATE')).toEqual([]);
  });

  it('answers 401, the same 404 for strangers and unknown guilds, and 403 without MANAGE_CHANNELS', async () => {
    expect(await apiError(server.anonymous().guildChannels(guild.id))).toMatchObject({ status: 401, code: 40001 });
    expect(await apiError(server.anonymous().createGuildChannel(guild.id, { name: 'x' }))).toMatchObject({
      status: 401,
    });
    const stranger = await apiError(outsider.api.guildChannels(guild.id));
    const unknown = await apiError(outsider.api.guildChannels(UNKNOWN_ID));
    expect(stranger).toMatchObject({ status: 404, code: 10004 });
    expect(unknown.body).toEqual(stranger.body);
    expect(await apiError(outsider.api.createGuildChannel(guild.id, { name: 'x' }))).toMatchObject({
      status: 404,
      code: 10004,
    });
    expect(await apiError(member.api.createGuildChannel(guild.id, { name: 'x' }))).toMatchObject({
      status: 403,
      code: 50013,
    });
  });

  it('needs MANAGE_ROLES to create overwrites and never grants bits the creator lacks', async () => {
    const builder = await server.user();
    await join(server, guild, owner, builder);
    const manageChannels = String(Permission.MANAGE_CHANNELS);
    await roleFor(server, guild.id, owner, { name: 'builders', permissions: manageChannels }, [builder]);
    expect((await builder.api.createGuildChannel(guild.id, { name: 'plain' })).name).toBe('plain');
    const hide = [{ id: guild.id, type: 0 as const, deny: String(Permission.VIEW_CHANNEL) }];
    expect(
      await apiError(builder.api.createGuildChannel(guild.id, { name: 'hidden', permission_overwrites: hide })),
    ).toMatchObject({ status: 403, code: 50013 });

    const moderator = await server.user();
    await join(server, guild, owner, moderator);
    const modBits = String(Permission.MANAGE_CHANNELS | Permission.MANAGE_ROLES);
    await roleFor(server, guild.id, owner, { name: 'mods', permissions: modBits }, [moderator]);
    const hidden = await moderator.api.createGuildChannel(guild.id, { name: 'hidden', permission_overwrites: hide });
    expect(hidden.permission_overwrites).toEqual([{ id: guild.id, type: 0, allow: '0', deny: hide[0]!.deny }]);
    const grantBan = [{ id: moderator.id, type: 1 as const, allow: String(Permission.BAN_MEMBERS) }];
    expect(
      await apiError(moderator.api.createGuildChannel(guild.id, { name: 'power', permission_overwrites: grantBan })),
    ).toMatchObject({ status: 403, code: 50013 });
    // The owner holds every bit, and unknown bits are dropped rather than stored.
    const all = await owner.api.createGuildChannel(guild.id, {
      name: 'power',
      permission_overwrites: [{ id: moderator.id, type: 1, allow: '18446744073709551615' }],
    });
    expect(BigInt(all.permission_overwrites![0]!.allow) & Permission.BAN_MEMBERS).toBe(Permission.BAN_MEMBERS);
    expect(BigInt(all.permission_overwrites![0]!.allow)).toBeLessThan(1n << 41n);
  });

  it('refuses a channel beyond Limits.channelsPerGuild with 30013', async () => {
    const full = await createGuild(server, owner, 'Full');
    const { store, ids } = storeOf(server);
    const existing = (await store.channels.listForGuild(full.id)).length;
    const template = await store.channels.get(full.systemChannelId);
    for (let i = existing; i < Limits.channelsPerGuild; i++) {
      await store.channels.create({ ...template!, id: ids(), name: `filler-${i}`, position: i });
    }
    expect(await apiError(owner.api.createGuildChannel(full.id, { name: 'one-too-many' }))).toMatchObject({
      status: 400,
      code: 30013,
    });
    expect((await store.channels.listForGuild(full.id)).length).toBe(Limits.channelsPerGuild);
  });
});

describe('PATCH /guilds/:guild_id/channels', () => {
  it('moves channels into a category, sets positions, syncs permissions on request, and announces each', async () => {
    const deny = { id: guild.id, type: 0 as const, allow: '0', deny: String(Permission.ADD_REACTIONS) };
    const category = await owner.api.createGuildChannel(guild.id, {
      name: 'Moved',
      type: 4,
      permission_overwrites: [deny],
    });
    const a = await owner.api.createGuildChannel(guild.id, { name: 'a' });
    const b = await owner.api.createGuildChannel(guild.id, { name: 'b' });
    const before = server.events.length;
    await owner.api.rest.patch(`/guilds/${guild.id}/channels`, [
      { id: a.id, parent_id: category.id, position: 7 },
      { id: b.id, parent_id: category.id, lock_permissions: true },
    ]);
    const movedA = await owner.api.getChannel(a.id);
    const movedB = await owner.api.getChannel(b.id);
    expect(movedA).toMatchObject({ parent_id: category.id, position: 7, permission_overwrites: [] });
    expect(movedB).toMatchObject({ parent_id: category.id, permission_overwrites: [deny] });
    const updates = eventsSince(server, before, 'CHANNEL_UPDATE');
    expect(updates.map((e) => (e.data as Channel).id).sort()).toEqual([a.id, b.id].sort());
    expect(updates.every((e) => e.route.kind === 'guild' && e.route.guildId === guild.id)).toBe(true);

    await owner.api.rest.patch(`/guilds/${guild.id}/channels`, [{ id: a.id, parent_id: null }]);
    expect((await owner.api.getChannel(a.id)).parent_id).toBeNull();
  });

  it('rejects foreign or unknown channels, bad parents and bad bodies without changing anything', async () => {
    const other = await createGuild(server, outsider, 'Other');
    const mine = await owner.api.createGuildChannel(guild.id, { name: 'mine' });
    const category = await owner.api.createGuildChannel(guild.id, { name: 'Cat2', type: 4 });
    const bad: unknown[] = [
      [{ id: other.systemChannelId, position: 1 }],
      [{ id: UNKNOWN_ID, position: 1 }],
      [{ id: mine.id, position: 3 }, { id: UNKNOWN_ID }],
      [{ id: mine.id, parent_id: mine.id }],
      [{ id: category.id, parent_id: category.id }],
      [{ id: mine.id, position: -1 }],
      { id: mine.id },
      [{ position: 1 }],
    ];
    for (const body of bad) {
      const error = await apiError(owner.api.rest.patch(`/guilds/${guild.id}/channels`, body));
      expect(error, JSON.stringify(body)).toMatchObject({ status: 400, code: 50035 });
    }
    expect((await owner.api.getChannel(mine.id)).position).toBe(mine.position);
    expect((await owner.api.getChannel(mine.id)).parent_id).toBeNull();
  });

  it('answers 401, 404 to strangers and 403 without MANAGE_CHANNELS', async () => {
    const body = [{ id: guild.systemChannelId, position: 0 }];
    expect(await apiError(server.anonymous().rest.patch(`/guilds/${guild.id}/channels`, body))).toMatchObject({
      status: 401,
    });
    expect(await apiError(outsider.api.rest.patch(`/guilds/${guild.id}/channels`, body))).toMatchObject({
      status: 404,
      code: 10004,
    });
    expect(await apiError(member.api.rest.patch(`/guilds/${guild.id}/channels`, body))).toMatchObject({
      status: 403,
      code: 50013,
    });
  });
});
