import { Permission } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join, setupGuild, type GuildSetup } from '../api/guildsFixtures';
import { apiError, startServer, type TestServer } from '../support/testServer';

/**
 * Access data (guilds, roles, memberships, channels) is cached per node: every change must take
 * effect on the very next request, however warm the cache was.
 */
let server: TestServer;
let setup: GuildSetup;
beforeAll(async () => {
  server = await startServer();
  setup = await setupGuild(server, 'Access changes');
});
afterAll(() => server.close());

const send = (api: { sendMessage(channelId: string, body: { content: string }): Promise<unknown> }, text: string) =>
  api.sendMessage(setup.channelId, { content: text });

describe('access changes take effect on the next request', () => {
  it('a role granting SEND_MESSAGES: given, edited away, given back, removed, deleted', async () => {
    const alice = await server.user();
    await join(setup, alice);
    const everyone = setup.guild.id; // @everyone's id is the guild's
    await setup.owner.api.modifyRole(setup.guild.id, everyone, {
      permissions: String(Permission.VIEW_CHANNEL | Permission.READ_MESSAGE_HISTORY),
    });
    expect(await apiError(send(alice.api, 'no role yet'))).toMatchObject({ status: 403, code: 50013 });
    const speaker = await setup.owner.api.createRole(setup.guild.id, {
      name: 'speaker',
      permissions: String(Permission.SEND_MESSAGES),
    });
    await setup.owner.api.addMemberRole(setup.guild.id, alice.id, speaker.id);
    await send(alice.api, 'with the role');
    await setup.owner.api.modifyRole(setup.guild.id, speaker.id, { permissions: '0' });
    expect(await apiError(send(alice.api, 'role edited'))).toMatchObject({ status: 403 });
    await setup.owner.api.modifyRole(setup.guild.id, speaker.id, { permissions: String(Permission.SEND_MESSAGES) });
    await send(alice.api, 'role restored');
    await setup.owner.api.removeMemberRole(setup.guild.id, alice.id, speaker.id);
    expect(await apiError(send(alice.api, 'role removed'))).toMatchObject({ status: 403 });
    await setup.owner.api.addMemberRole(setup.guild.id, alice.id, speaker.id);
    await send(alice.api, 'role back');
    await setup.owner.api.deleteRole(setup.guild.id, speaker.id);
    expect(await apiError(send(alice.api, 'role deleted'))).toMatchObject({ status: 403 });
    await setup.owner.api.modifyRole(setup.guild.id, everyone, {
      permissions: String(Permission.VIEW_CHANNEL | Permission.READ_MESSAGE_HISTORY | Permission.SEND_MESSAGES),
    });
    await send(alice.api, 'everyone may speak again');
  });

  it('kick, ban and unban + rejoin', async () => {
    const bob = await server.user();
    await join(setup, bob);
    await send(bob.api, 'hello');
    expect((await bob.api.getGuild(setup.guild.id)).id).toBe(setup.guild.id);
    await setup.owner.api.kick(setup.guild.id, bob.id);
    expect(await apiError(send(bob.api, 'kicked'))).toMatchObject({ status: 404, code: 10003 });
    expect(await apiError(bob.api.getGuild(setup.guild.id))).toMatchObject({ status: 404 });
    await join(setup, bob);
    await send(bob.api, 'back again');
    await setup.owner.api.ban(setup.guild.id, bob.id);
    expect(await apiError(send(bob.api, 'banned'))).toMatchObject({ status: 404 });
    await setup.owner.api.unban(setup.guild.id, bob.id);
    await join(setup, bob);
    await send(bob.api, 'unbanned and back');
  });

  it('ownership transfer: the old owner loses owner powers at once', async () => {
    const own = await setupGuild(server, 'Transfer');
    const carol = await server.user();
    await join(own, carol);
    await own.owner.api.modifyGuild(own.guild.id, { name: 'warm the cache' });
    await own.owner.api.modifyGuild(own.guild.id, { owner_id: carol.id });
    expect(await apiError(own.owner.api.modifyGuild(own.guild.id, { name: 'not mine now' }))).toMatchObject({
      status: 403,
    });
    expect((await carol.api.modifyGuild(own.guild.id, { name: 'mine now' })).name).toBe('mine now');
  });
  it("a channel's overwrites, visibility and deletion", async () => {
    const dave = await server.user();
    await join(setup, dave);
    const owner = setup.owner.api;
    const channel = await owner.createGuildChannel(setup.guild.id, { name: 'overwritten' });
    const sendHere = (text: string) => dave.api.sendMessage(channel.id, { content: text });
    await sendHere('warm the channel cache');
    const everyone = setup.guild.id;
    await owner.editChannelPermissions(channel.id, everyone, { type: 0, deny: String(Permission.SEND_MESSAGES) });
    expect(await apiError(sendHere('denied here'))).toMatchObject({ status: 403, code: 50013 });
    // The rest of the guild is untouched.
    await send(dave.api, 'still fine in general');
    await owner.deleteChannelPermission(channel.id, everyone);
    await sendHere('allowed again');
    await owner.editChannelPermissions(channel.id, dave.id, { type: 1, deny: String(Permission.VIEW_CHANNEL) });
    expect(await apiError(sendHere('hidden'))).toMatchObject({ status: 404, code: 10003 });
    expect(await apiError(dave.api.messages(channel.id))).toMatchObject({ status: 404, code: 10003 });
    await owner.deleteChannelPermission(channel.id, dave.id);
    expect((await dave.api.messages(channel.id)).map((m) => m.content)).toContain('allowed again');
    await owner.deleteChannel(channel.id);
    expect(await apiError(sendHere('deleted'))).toMatchObject({ status: 404, code: 10003 });
  });

  it('a group DM: a removed recipient can neither send nor read, and can again once added back', async () => {
    const [erin, frank] = [await server.user(), await server.user()];
    await join(setup, erin, frank);
    const group = await setup.owner.api.createGroupDm({ recipients: [erin.id, frank.id] });
    await frank.api.sendMessage(group.id, { content: 'warm the channel cache' });
    await setup.owner.api.removeRecipient(group.id, frank.id);
    expect(await apiError(frank.api.sendMessage(group.id, { content: 'removed' }))).toMatchObject({
      status: 404,
      code: 10003,
    });
    expect(await apiError(frank.api.messages(group.id))).toMatchObject({ status: 404, code: 10003 });
    // A recipient added after the channel was cached is let in at once.
    await setup.owner.api.addRecipient(group.id, frank.id);
    await frank.api.sendMessage(group.id, { content: 'back in' });
    expect((await erin.api.messages(group.id)).map((m) => m.content)).toContain('back in');
  });
});
