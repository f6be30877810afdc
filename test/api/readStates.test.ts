import { Permission, type ReadState } from '@concord/protocol';
import { ConcordApi } from '@concord/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer, type TestUser } from '../support/testServer';
import {
  UNKNOWN_ID,
  dm,
  eventsSince,
  guildWith,
  overwrite,
  role,
  sendMany,
  textChannel,
  type GuildFixture,
} from './messageFixtures';

let server: TestServer;
let owner: TestUser;
let reader: TestUser;
let outsider: TestUser;
let guild: GuildFixture;

const ack = (api: ConcordApi, channelId: string, messageId: string, body: object = {}) =>
  api.rest.post<{ token: null }>(`/channels/${channelId}/messages/${messageId}/ack`, body);
const stateOf = async (user: TestUser, channelId: string): Promise<ReadState | undefined> =>
  (await user.api.readStates()).find((s) => s.id === channelId);

beforeAll(async () => {
  server = await startServer();
  owner = await server.user();
  reader = await server.user();
  outsider = await server.user();
  guild = await guildWith(owner, [reader]);
});
afterAll(() => server.close());

describe('POST /channels/:id/messages/:message_id/ack', () => {
  it('marks read up to the message and tells all of my devices with MESSAGE_ACK', async () => {
    const channelId = await textChannel(guild);
    const sent = await sendMany(owner, channelId, 3);
    const from = server.events.length;
    expect(await reader.api.ack(channelId, sent[1]!.id)).toEqual({ token: null });
    const [event] = eventsSince(server, from, 'MESSAGE_ACK');
    expect(event).toMatchObject({
      type: 'MESSAGE_ACK',
      data: { channel_id: channelId, message_id: sent[1]!.id, mention_count: 0, seq: 2 },
      route: { kind: 'users', userIds: [reader.id] },
    });
    expect(typeof (event!.data as { version: unknown }).version).toBe('number');
    expect(await stateOf(reader, channelId)).toEqual({
      id: channelId,
      last_message_id: sent[1]!.id,
      mention_count: 0,
      last_seq: 2,
    });

    // Another device of the same user sees the same state.
    const phone = new ConcordApi({ baseUrl: server.baseUrl });
    await phone.login(reader.username, reader.password, 'phone');
    expect((await phone.readStates()).find((s) => s.id === channelId)?.last_seq).toBe(2);
  });

  it('never moves backwards unless manual; a stale ack announces nothing', async () => {
    const channelId = await textChannel(guild);
    const sent = await sendMany(owner, channelId, 4);
    await reader.api.ack(channelId, sent[3]!.id);
    const from = server.events.length;
    await reader.api.ack(channelId, sent[1]!.id);
    expect((await stateOf(reader, channelId))?.last_seq).toBe(4);
    expect(eventsSince(server, from)).toEqual([]);

    await ack(reader.api, channelId, sent[1]!.id, { manual: true });
    expect(await stateOf(reader, channelId)).toMatchObject({ last_seq: 2, last_message_id: sent[1]!.id });
    const versions = eventsSince(server, from, 'MESSAGE_ACK').map((e) => (e.data as { version: number }).version);
    expect(versions).toHaveLength(1);
    await reader.api.ack(channelId, sent[2]!.id);
    const later = eventsSince(server, from, 'MESSAGE_ACK').map((e) => (e.data as { version: number }).version);
    expect(later[1]).toBeGreaterThan(later[0]!);
  });

  it('counts the mentions still unread after the marker (user, role and @everyone mentions)', async () => {
    const channelId = await textChannel(guild);
    const roleId = await role(guild, { mentionable: true }, [reader]);
    const first = await owner.api.sendMessage(channelId, { content: 'start' });
    await owner.api.sendMessage(channelId, { content: `<@${reader.id}>` });
    const middle = await owner.api.sendMessage(channelId, { content: `<@&${roleId}>` });
    await owner.api.sendMessage(channelId, { content: '@everyone' });
    await owner.api.sendMessage(channelId, { content: `<@${owner.id}> not for the reader` });
    const from = server.events.length;
    await reader.api.ack(channelId, first.id);
    expect(eventsSince(server, from, 'MESSAGE_ACK')[0]?.data).toMatchObject({ mention_count: 3, seq: 1 });
    await reader.api.ack(channelId, middle.id);
    expect((await stateOf(reader, channelId))?.mention_count).toBe(1);

    // A mention arriving after the ack shows in the listed state; reading everything clears it.
    const last = await owner.api.sendMessage(channelId, { content: `again <@${reader.id}>` });
    expect((await stateOf(reader, channelId))?.mention_count).toBe(2);
    await reader.api.ack(channelId, last.id);
    expect((await stateOf(reader, channelId))?.mention_count).toBe(0);
  });

  it('works in DMs', async () => {
    const channelId = await dm(owner, reader);
    const sent = await owner.api.sendMessage(channelId, { content: `<@${reader.id}> hi` });
    await owner.api.sendMessage(channelId, { content: 'and more' });
    await reader.api.ack(channelId, sent.id);
    expect(await stateOf(reader, channelId)).toMatchObject({ last_seq: 1, mention_count: 0 });
  });

  it('accepts acking a message deleted meanwhile (its seq still counts)', async () => {
    const channelId = await textChannel(guild);
    const [, b] = await sendMany(owner, channelId, 2);
    await owner.api.deleteMessage(channelId, b!.id);
    await reader.api.ack(channelId, b!.id);
    expect((await stateOf(reader, channelId))?.last_seq).toBe(2);
  });

  it('accepts an ack without any body', async () => {
    const channelId = await textChannel(guild);
    const [message] = await sendMany(owner, channelId, 1);
    expect(await reader.api.rest.post(`/channels/${channelId}/messages/${message!.id}/ack`)).toEqual({ token: null });
    expect((await stateOf(reader, channelId))?.last_seq).toBe(1);
  });

  it('is 404 for outsiders (10003) and unknown messages (10008), 401 anonymously, 400 for bad bodies', async () => {
    const [message] = await sendMany(owner, guild.channelId, 1);
    expect(await apiError(outsider.api.ack(guild.channelId, message!.id))).toMatchObject({ status: 404, code: 10003 });
    expect(await apiError(reader.api.ack(guild.channelId, UNKNOWN_ID))).toMatchObject({ status: 404, code: 10008 });
    expect(await apiError(server.anonymous().ack(guild.channelId, message!.id))).toMatchObject({ status: 401 });
    expect(await apiError(ack(reader.api, guild.channelId, message!.id, { manual: 'yes' }))).toMatchObject({
      status: 400,
      code: 50035,
    });
    expect(await apiError(ack(reader.api, guild.channelId, message!.id, { mention_count: -1 }))).toMatchObject({
      status: 400,
      code: 50035,
    });
  });
});

describe('GET /users/@me/read-states', () => {
  it('lists only channels I can still view', async () => {
    const visible = await textChannel(guild);
    const hidden = await textChannel(guild);
    const [v] = await sendMany(owner, visible, 1);
    const [h] = await sendMany(owner, hidden, 1);
    const fresh = await server.user();
    const g2 = await guildWith(owner, [fresh]);
    await sendMany(owner, g2.channelId, 1);
    await fresh.api.ack(g2.channelId, (await fresh.api.messages(g2.channelId))[0]!.id);
    expect((await fresh.api.readStates()).map((s) => s.id)).toEqual([g2.channelId]);

    await reader.api.ack(visible, v!.id);
    await reader.api.ack(hidden, h!.id);
    await overwrite(guild, hidden, { id: reader.id, type: 1, allow: 0n, deny: Permission.VIEW_CHANNEL });
    const ids = (await reader.api.readStates()).map((s) => s.id);
    expect(ids).toContain(visible);
    expect(ids).not.toContain(hidden);
    expect(await apiError(server.anonymous().readStates())).toMatchObject({ status: 401 });
  });
});
