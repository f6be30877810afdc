import { Limits, MessageType, type Channel, type Message } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer, type TestUser } from '../support/testServer';
import {
  sendMessage,
  createGuild,
  eventsSince,
  join,
  privateRecipients,
  routeUser,
  leave,
  storeOf,
  type GuildFixture,
} from './channelsFixtures';

let server: TestServer;
let owner: TestUser;
let guild: GuildFixture;

beforeAll(async () => {
  server = await startServer();
  owner = await server.user();
  guild = await createGuild(server, owner, 'Friends');
});
afterAll(() => server.close());

const UNKNOWN_ID = '4242424242424242';

/** Fresh users who share the fixture guild. */
async function friends(count: number): Promise<TestUser[]> {
  const users = await Promise.all(Array.from({ length: count }, () => server.user()));
  for (const user of users) await join(server, guild, owner, user);
  return users;
}

const recipientIds = (channel: Channel) => (channel.recipients ?? []).map((u) => u.id).sort();

describe('POST /users/@me/channels with recipient_id (DMs)', () => {
  it('opens one DM per pair, the same from either side, announced once to both', async () => {
    const [a, b] = await friends(2);
    const before = server.events.length;
    const fromA = await a!.api.openDm(b!.id);
    expect(fromA).toMatchObject({ type: 1, last_message_id: null, last_seq: 0, flags: 0 });
    expect(fromA.recipients).toEqual([expect.objectContaining({ id: b!.id, username: b!.username })]);
    expect(fromA).not.toHaveProperty('guild_id');
    const fromB = await b!.api.openDm(a!.id);
    expect(fromB.id).toBe(fromA.id);
    expect(recipientIds(fromB)).toEqual([a!.id]);
    expect((await a!.api.openDm(b!.id)).id).toBe(fromA.id);

    const created = eventsSince(server, before, 'CHANNEL_CREATE');
    expect(created.map((e) => routeUser(e.route)).sort()).toEqual([a!.id, b!.id].sort());
    const forB = created.find((e) => routeUser(e.route) === b!.id);
    expect(recipientIds(forB!.data as Channel)).toEqual([a!.id]);
  });

  it('yields one channel when both sides open it concurrently', async () => {
    const [a, b] = await friends(2);
    const opens = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a!.api.openDm(b!.id) : b!.api.openDm(a!.id))),
    );
    expect(new Set(opens.map((c) => c.id)).size).toBe(1);
    expect((await a!.api.privateChannels()).filter((c) => c.type === 1)).toHaveLength(1);
    const created = server.events.filter((e) => e.type === 'CHANNEL_CREATE' && (e.data as Channel).id === opens[0]!.id);
    expect(created).toHaveLength(2);
  });

  it('needs a shared guild or an existing DM', async () => {
    const [a, b] = await friends(2);
    const stranger = await server.user();
    expect(await apiError(a!.api.openDm(stranger.id))).toMatchObject({ status: 403, code: 50007 });
    expect(await apiError(stranger.api.openDm(a!.id))).toMatchObject({ status: 403, code: 50007 });
    const dm = await a!.api.openDm(b!.id);
    await leave(server, guild.id, b!);
    expect((await a!.api.openDm(b!.id)).id).toBe(dm.id);
    expect((await b!.api.openDm(a!.id)).id).toBe(dm.id);
    expect((await a!.api.privateChannels()).filter((c) => c.type === 1)).toHaveLength(1);
  });

  it('rejects unknown users, oneself and bad bodies', async () => {
    const [a] = await friends(1);
    expect(await apiError(a!.api.openDm(UNKNOWN_ID))).toMatchObject({ status: 404, code: 10013 });
    const self = await apiError(a!.api.openDm(a!.id));
    expect(self).toMatchObject({ status: 400, code: 50035 });
    expect(JSON.stringify(self.body)).toContain('CANNOT_DM_SELF');
    for (const body of [
      {},
      { recipient_id: 'x' },
      { recipient_id: a!.id, recipients: [UNKNOWN_ID] },
      { recipients: [] },
    ]) {
      const error = await apiError(a!.api.rest.post('/users/@me/channels', body));
      expect(error, JSON.stringify(body)).toMatchObject({ status: 400, code: 50035 });
    }
    expect(await apiError(server.anonymous().openDm(a!.id))).toMatchObject({ status: 401 });
    expect(await a!.api.privateChannels()).toEqual([]);
  });
});

describe('DM channels', () => {
  it('closing a DM keeps it and its messages; re-opening returns the same channel', async () => {
    const [a, b] = await friends(2);
    const dm = await a!.api.openDm(b!.id);
    const message = await sendMessage(dm.id, a!);
    const before = server.events.length;
    const closed = await a!.api.deleteChannel(dm.id);
    expect(closed).toMatchObject({ id: dm.id, type: 1, last_seq: 1, last_message_id: message.id });
    expect(eventsSince(server, before)).toEqual([
      { type: 'CHANNEL_DELETE', data: closed, route: { kind: 'users', userIds: [a!.id] } },
    ]);
    const reopened = await a!.api.openDm(b!.id);
    expect(reopened).toMatchObject({ id: dm.id, last_seq: 1, last_message_id: message.id });
    expect((await b!.api.getChannel(dm.id)).id).toBe(dm.id);
  });

  it('cannot be modified (50003) and is invisible to others (10003)', async () => {
    const [a, b, c] = await friends(3);
    const dm = await a!.api.openDm(b!.id);
    expect(await apiError(a!.api.modifyChannel(dm.id, { name: 'renamed' }))).toMatchObject({
      status: 400,
      code: 50003,
    });
    const hidden = await apiError(c!.api.getChannel(dm.id));
    expect(hidden).toMatchObject({ status: 404, code: 10003 });
    expect(await apiError(c!.api.deleteChannel(dm.id))).toMatchObject({ status: 404, code: 10003 });
    expect(await apiError(a!.api.addRecipient(dm.id, c!.id))).toMatchObject({ status: 400, code: 50003 });
  });
});

describe('group DMs', () => {
  it('creates a group DM owned by the caller and announces it to every recipient', async () => {
    const [a, b, c] = await friends(3);
    const before = server.events.length;
    const group = await a!.api.createGroupDm({ recipients: [b!.id, c!.id, b!.id], name: 'plans' });
    expect(group).toMatchObject({ type: 3, name: 'plans', owner_id: a!.id, icon: null, last_seq: 0 });
    expect(recipientIds(group)).toEqual([b!.id, c!.id].sort());
    const created = eventsSince(server, before, 'CHANNEL_CREATE');
    expect(created.map((e) => routeUser(e.route)).sort()).toEqual([a!.id, b!.id, c!.id].sort());
    expect(recipientIds((await b!.api.getChannel(group.id)) as Channel)).toEqual([a!.id, c!.id].sort());

    const listed = await b!.api.privateChannels();
    expect(listed.map((ch) => ch.id)).toContain(group.id);
  });

  it('lists DMs and group DMs with the other recipients', async () => {
    const [a, b, c] = await friends(3);
    const dm = await a!.api.openDm(b!.id);
    const group = await a!.api.createGroupDm({ recipients: [b!.id, c!.id] });
    const listed = await a!.api.privateChannels();
    expect(listed.map((ch) => ch.id).sort()).toEqual([dm.id, group.id].sort());
    expect(recipientIds(listed.find((ch) => ch.id === dm.id)!)).toEqual([b!.id]);
    expect(listed.find((ch) => ch.id === group.id)).toMatchObject({ name: null, owner_id: a!.id });
    expect(await apiError(server.anonymous().privateChannels())).toMatchObject({ status: 401 });
  });

  it('refuses recipients who share no guild, unknown users, and a group of one', async () => {
    const [a, b] = await friends(2);
    const stranger = await server.user();
    expect(await apiError(a!.api.createGroupDm({ recipients: [b!.id, stranger.id] }))).toMatchObject({
      status: 403,
      code: 50007,
    });
    expect(await apiError(a!.api.createGroupDm({ recipients: [b!.id, UNKNOWN_ID] }))).toMatchObject({
      status: 404,
      code: 10013,
    });
    expect(await apiError(a!.api.createGroupDm({ recipients: [a!.id] }))).toMatchObject({ status: 400, code: 50035 });
    const tooMany = Array.from({ length: Limits.groupDmRecipients }, (_, i) => String(1000 + i));
    expect(await apiError(a!.api.createGroupDm({ recipients: tooMany }))).toMatchObject({ status: 400, code: 50035 });
    expect(await a!.api.privateChannels()).toEqual([]);
  });

  it('lets any recipient add a friend, posting a RECIPIENT_ADD message and the events', async () => {
    const [a, b, c] = await friends(3);
    const group = await a!.api.createGroupDm({ recipients: [b!.id] });
    const before = server.events.length;
    await b!.api.addRecipient(group.id, c!.id);
    const events = eventsSince(server, before);
    expect(events.map((e) => e.type)).toEqual(['CHANNEL_CREATE', 'CHANNEL_RECIPIENT_ADD', 'MESSAGE_CREATE']);
    const all = [a!.id, b!.id, c!.id].sort();
    expect(events[0]!.route).toEqual({ kind: 'users', userIds: [c!.id] });
    expect(recipientIds(events[0]!.data as Channel)).toEqual([a!.id, b!.id].sort());
    expect(events[1]!.data).toMatchObject({ channel_id: group.id, user: { id: c!.id } });
    expect(events[1]!.route).toMatchObject({ kind: 'private', channelId: group.id });
    expect(privateRecipients(events[1]!.route)).toEqual(all);
    const message = events[2]!.data as Message;
    expect(message).toMatchObject({
      channel_id: group.id,
      type: MessageType.RECIPIENT_ADD,
      author: { id: b!.id },
      mentions: [expect.objectContaining({ id: c!.id })],
      seq: 1,
    });
    expect(privateRecipients(events[2]!.route)).toEqual(all);
    expect((await c!.api.getChannel(group.id)).last_seq).toBe(1);

    // Adding someone already there changes nothing.
    const again = server.events.length;
    await a!.api.addRecipient(group.id, c!.id);
    expect(eventsSince(server, again)).toEqual([]);
  });

  it('refuses adds that are not allowed', async () => {
    const [a, b, c] = await friends(3);
    const stranger = await server.user();
    const group = await a!.api.createGroupDm({ recipients: [b!.id] });
    expect(await apiError(a!.api.addRecipient(group.id, stranger.id))).toMatchObject({ status: 403, code: 50007 });
    expect(await apiError(a!.api.addRecipient(group.id, UNKNOWN_ID))).toMatchObject({ status: 404, code: 10013 });
    expect(await apiError(c!.api.addRecipient(group.id, c!.id))).toMatchObject({ status: 404, code: 10003 });
    expect(await apiError(server.anonymous().addRecipient(group.id, c!.id))).toMatchObject({ status: 401 });
    expect(await apiError(a!.api.addRecipient(group.id, 'bad'))).toMatchObject({ status: 400, code: 50035 });
    expect(await apiError(a!.api.addRecipient(guild.systemChannelId, c!.id))).toMatchObject({
      status: 400,
      code: 50003,
    });
    expect(recipientIds(await a!.api.getChannel(group.id))).toEqual([b!.id]);
  });

  it(`holds at most ${Limits.groupDmRecipients} recipients, the owner included (30002)`, async () => {
    const [a, ...others] = await friends(Limits.groupDmRecipients + 1);
    const group = await a!.api.createGroupDm({ recipients: [others[0]!.id] });
    for (const user of others.slice(1, Limits.groupDmRecipients - 1)) await a!.api.addRecipient(group.id, user.id);
    expect((await a!.api.getChannel(group.id)).recipients).toHaveLength(Limits.groupDmRecipients - 1);
    const last = others[Limits.groupDmRecipients - 1]!;
    expect(await apiError(a!.api.addRecipient(group.id, last.id))).toMatchObject({ status: 400, code: 30002 });
    expect(await apiError(last.api.getChannel(group.id))).toMatchObject({ status: 404 });
  });

  it('lets the owner remove anyone and others only themselves', async () => {
    const [a, b, c] = await friends(3);
    const group = await a!.api.createGroupDm({ recipients: [b!.id, c!.id] });
    expect(await apiError(b!.api.removeRecipient(group.id, c!.id))).toMatchObject({ status: 403, code: 50013 });
    expect(await apiError(a!.api.removeRecipient(group.id, UNKNOWN_ID))).toMatchObject({ status: 404, code: 10013 });
    expect(await apiError(server.anonymous().removeRecipient(group.id, c!.id))).toMatchObject({ status: 401 });

    const before = server.events.length;
    await a!.api.removeRecipient(group.id, c!.id);
    const events = eventsSince(server, before);
    expect(events.map((e) => e.type)).toEqual(['CHANNEL_DELETE', 'CHANNEL_RECIPIENT_REMOVE', 'MESSAGE_CREATE']);
    expect(events[0]!.route).toEqual({ kind: 'users', userIds: [c!.id] });
    expect(events[1]!.data).toMatchObject({ channel_id: group.id, user: { id: c!.id } });
    expect(privateRecipients(events[1]!.route)).toEqual([a!.id, b!.id, c!.id].sort());
    expect(events[2]!.data).toMatchObject({
      type: MessageType.RECIPIENT_REMOVE,
      author: { id: a!.id },
      mentions: [expect.objectContaining({ id: c!.id })],
    });
    // The removed user is not told about messages after their removal.
    expect(privateRecipients(events[2]!.route)).toEqual([a!.id, b!.id].sort());
    expect(await apiError(c!.api.getChannel(group.id))).toMatchObject({ status: 404, code: 10003 });

    await b!.api.removeRecipient(group.id, b!.id);
    expect(recipientIds(await a!.api.getChannel(group.id))).toEqual([]);
  });

  it('passes ownership on when the owner leaves, and deletes the group when the last one leaves', async () => {
    const [a, b, c] = await friends(3);
    const group = await a!.api.createGroupDm({ recipients: [b!.id, c!.id] });
    const before = server.events.length;
    const left = await a!.api.deleteChannel(group.id);
    expect(left).toMatchObject({ id: group.id, owner_id: a!.id });
    const heir = (await b!.api.getChannel(group.id)).owner_id;
    expect([b!.id, c!.id]).toContain(heir);
    const update = eventsSince(server, before, 'CHANNEL_UPDATE');
    expect(update.map((e) => routeUser(e.route)).sort()).toEqual([b!.id, c!.id].sort());
    expect(update.every((e) => (e.data as Channel).owner_id === heir)).toBe(true);
    expect(eventsSince(server, before, 'MESSAGE_CREATE')[0]!.data).toMatchObject({
      type: MessageType.RECIPIENT_REMOVE,
      author: { id: a!.id },
      mentions: [expect.objectContaining({ id: a!.id })],
    });
    expect(await apiError(a!.api.getChannel(group.id))).toMatchObject({ status: 404 });

    await b!.api.deleteChannel(group.id);
    await c!.api.deleteChannel(group.id);
    const { store } = storeOf(server);
    expect(await store.channels.get(group.id)).toBeUndefined();
  });

  it('lets any recipient rename the group, with an update for each and a name-change message', async () => {
    const [a, b] = await friends(2);
    const group = await a!.api.createGroupDm({ recipients: [b!.id], name: 'old' });
    const before = server.events.length;
    const renamed = await b!.api.modifyChannel(group.id, { name: 'new' });
    expect(renamed).toMatchObject({ id: group.id, name: 'new', owner_id: a!.id });
    const updates = eventsSince(server, before, 'CHANNEL_UPDATE');
    expect(updates.map((e) => routeUser(e.route)).sort()).toEqual([a!.id, b!.id].sort());
    expect(eventsSince(server, before, 'MESSAGE_CREATE')[0]!.data).toMatchObject({
      type: MessageType.CHANNEL_NAME_CHANGE,
      content: 'new',
      author: { id: b!.id },
    });
    expect((await a!.api.getChannel(group.id)).name).toBe('new');
    expect(await apiError(b!.api.rest.patch(`/channels/${group.id}`, { name: '' }))).toMatchObject({
      status: 400,
      code: 50035,
    });
    expect(await apiError(server.anonymous().modifyChannel(group.id, { name: 'x' }))).toMatchObject({ status: 401 });
  });
});
