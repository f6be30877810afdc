import { Permission } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer, type TestUser } from '../support/testServer';
import {
  sendMessage,
  createGuild,
  eventsSince,
  join,
  roleFor,
  storeOf,
  systemChannelOf,
  type GuildFixture,
} from './channelsFixtures';

let server: TestServer;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;
let guild: GuildFixture;

beforeAll(async () => {
  server = await startServer();
  [owner, member, outsider] = await Promise.all([server.user(), server.user(), server.user()]);
  guild = await createGuild(server, owner, 'Channel by id');
  await join(server, guild, owner, member);
});
afterAll(() => server.close());

const UNKNOWN_ID = '4242424242424242';

describe('GET /channels/:channel_id', () => {
  it('answers members, and the same 404 to strangers as for unknown ids', async () => {
    const channel = await member.api.getChannel(guild.systemChannelId);
    expect(channel).toMatchObject({ id: guild.systemChannelId, guild_id: guild.id, type: 0 });
    const stranger = await apiError(outsider.api.getChannel(guild.systemChannelId));
    expect(stranger).toMatchObject({ status: 404, code: 10003 });
    expect((await apiError(outsider.api.getChannel(UNKNOWN_ID))).body).toEqual(stranger.body);
    expect(await apiError(server.anonymous().getChannel(guild.systemChannelId))).toMatchObject({ status: 401 });
    expect(await apiError(member.api.getChannel('nope'))).toMatchObject({ status: 400, code: 50035 });
  });

  it('reports the channel head as last_seq and last_message_id', async () => {
    const channel = await owner.api.createGuildChannel(guild.id, { name: 'busy' });
    await sendMessage(channel.id, owner);
    const second = await sendMessage(channel.id, owner);
    expect(await member.api.getChannel(channel.id)).toMatchObject({ last_seq: 2, last_message_id: second.id });
  });
});

describe('PATCH /channels/:channel_id', () => {
  it('renames and edits a channel, announcing the new state', async () => {
    const channel = await owner.api.createGuildChannel(guild.id, { name: 'draft' });
    const category = await owner.api.createGuildChannel(guild.id, { name: 'Edited', type: 4 });
    const before = server.events.length;
    const updated = await owner.api.modifyChannel(channel.id, {
      name: 'final',
      topic: 'now with a topic',
      nsfw: true,
      parent_id: category.id,
      rate_limit_per_user: 10,
    });
    expect(updated).toMatchObject({
      id: channel.id,
      name: 'final',
      topic: 'now with a topic',
      nsfw: true,
      parent_id: category.id,
      rate_limit_per_user: 10,
    });
    const [event] = eventsSince(server, before, 'CHANNEL_UPDATE');
    expect(event).toEqual({
      type: 'CHANNEL_UPDATE',
      data: updated,
      route: { kind: 'guild', guildId: guild.id, channelId: channel.id },
    });
    expect(await member.api.getChannel(channel.id)).toEqual(updated);
  });

  it('sets overwrites only with MANAGE_ROLES, and rejects bad bodies', async () => {
    const channel = await owner.api.createGuildChannel(guild.id, { name: 'guarded' });
    const editor = await server.user();
    await join(server, guild, owner, editor);
    await roleFor(server, guild.id, owner, { name: 'editors', permissions: String(Permission.MANAGE_CHANNELS) }, [
      editor,
    ]);
    expect((await editor.api.modifyChannel(channel.id, { name: 'renamed' })).name).toBe('renamed');
    const overwrite = { id: guild.id, type: 0 as const, allow: '0', deny: String(Permission.ADD_REACTIONS) };
    expect(await apiError(editor.api.modifyChannel(channel.id, { permission_overwrites: [overwrite] }))).toMatchObject({
      status: 403,
      code: 50013,
    });
    const withOverwrite = await owner.api.modifyChannel(channel.id, { permission_overwrites: [overwrite] });
    expect(withOverwrite.permission_overwrites).toEqual([overwrite]);
    // Sending the overwrites back unchanged needs no MANAGE_ROLES.
    expect((await editor.api.modifyChannel(channel.id, { permission_overwrites: [overwrite], topic: 't' })).topic).toBe(
      't',
    );

    for (const body of [{ name: '' }, { topic: 5 }, { parent_id: channel.id }, { nsfw: 'yes' }]) {
      expect(await apiError(owner.api.rest.patch(`/channels/${channel.id}`, body)), JSON.stringify(body)).toMatchObject(
        { status: 400, code: 50035 },
      );
    }
    const category = await owner.api.createGuildChannel(guild.id, { name: 'Top', type: 4 });
    const other = await owner.api.createGuildChannel(guild.id, { name: 'Other', type: 4 });
    expect(await apiError(owner.api.modifyChannel(category.id, { parent_id: other.id }))).toMatchObject({
      status: 400,
      code: 50035,
    });
    expect((await owner.api.getChannel(channel.id)).name).toBe('renamed');
  });

  it('answers 401, 404 and 403', async () => {
    const id = guild.systemChannelId;
    expect(await apiError(server.anonymous().modifyChannel(id, { name: 'x' }))).toMatchObject({ status: 401 });
    expect(await apiError(outsider.api.modifyChannel(id, { name: 'x' }))).toMatchObject({ status: 404, code: 10003 });
    expect(await apiError(outsider.api.modifyChannel(UNKNOWN_ID, { name: 'x' }))).toMatchObject({
      status: 404,
      code: 10003,
    });
    expect(await apiError(member.api.modifyChannel(id, { name: 'x' }))).toMatchObject({ status: 403, code: 50013 });
  });
});

describe('DELETE /channels/:channel_id', () => {
  it('deletes a channel with its messages and returns it', async () => {
    const channel = await owner.api.createGuildChannel(guild.id, { name: 'doomed' });
    const message = await sendMessage(channel.id, owner);
    const before = server.events.length;
    const deleted = await owner.api.deleteChannel(channel.id);
    expect(deleted).toMatchObject({ id: channel.id, name: 'doomed', last_seq: 1 });
    expect(eventsSince(server, before, 'CHANNEL_DELETE')).toEqual([
      { type: 'CHANNEL_DELETE', data: deleted, route: { kind: 'guild', guildId: guild.id, channelId: channel.id } },
    ]);
    expect(await apiError(owner.api.getChannel(channel.id))).toMatchObject({ status: 404, code: 10003 });
    expect(await storeOf(server).store.messages.get(channel.id, message.id)).toBeUndefined();
    expect(await apiError(owner.api.deleteChannel(channel.id))).toMatchObject({ status: 404, code: 10003 });
  });

  it("detaches a deleted category's children and announces them", async () => {
    const category = await owner.api.createGuildChannel(guild.id, { name: 'Old', type: 4 });
    const child = await owner.api.createGuildChannel(guild.id, { name: 'kid', parent_id: category.id });
    const before = server.events.length;
    await owner.api.deleteChannel(category.id);
    expect((await owner.api.getChannel(child.id)).parent_id).toBeNull();
    const updates = eventsSince(server, before, 'CHANNEL_UPDATE');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.data).toMatchObject({ id: child.id, parent_id: null });
  });

  it("clears the guild's system channel when it is deleted", async () => {
    const own = await createGuild(server, owner, 'System');
    expect(await systemChannelOf(server, own.id, owner)).toBe(own.systemChannelId);
    const before = server.events.length;
    await owner.api.deleteChannel(own.systemChannelId);
    expect(await systemChannelOf(server, own.id, owner)).toBeNull();
    const [update] = eventsSince(server, before, 'GUILD_UPDATE');
    expect(update).toMatchObject({
      data: { id: own.id, system_channel_id: null },
      route: { kind: 'guild', guildId: own.id },
    });
  });

  it('answers 401, 404 and 403, deleting nothing', async () => {
    const channel = await owner.api.createGuildChannel(guild.id, { name: 'kept' });
    expect(await apiError(server.anonymous().deleteChannel(channel.id))).toMatchObject({ status: 401 });
    expect(await apiError(outsider.api.deleteChannel(channel.id))).toMatchObject({ status: 404, code: 10003 });
    expect(await apiError(member.api.deleteChannel(channel.id))).toMatchObject({ status: 403, code: 50013 });
    expect((await owner.api.getChannel(channel.id)).id).toBe(channel.id);
  });
});
