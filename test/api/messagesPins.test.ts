import { Permission, type Message } from '@concord/protocol';
import type { ConcordApi } from '@concord/sdk';
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
let member: TestUser;
let moderator: TestUser;
let outsider: TestUser;
let guild: GuildFixture;

type Caller = { api: ConcordApi };
const pins = (user: Caller, channelId: string) => user.api.rest.get<Message[]>(`/channels/${channelId}/pins`);
const pin = (user: Caller, channelId: string, messageId: string) =>
  user.api.rest.put(`/channels/${channelId}/pins/${messageId}`);
const unpin = (user: Caller, channelId: string, messageId: string) =>
  user.api.rest.delete(`/channels/${channelId}/pins/${messageId}`);

beforeAll(async () => {
  server = await startServer();
  owner = await server.user();
  member = await server.user();
  moderator = await server.user();
  outsider = await server.user();
  guild = await guildWith(owner, [member, moderator]);
  await role(guild, { permissions: Permission.MANAGE_MESSAGES }, [moderator]);
});
afterAll(() => server.close());

describe('pins', () => {
  it('a moderator pins and unpins; the list is newest first and CHANNEL_PINS_UPDATE is published', async () => {
    const channelId = await textChannel(guild);
    const sent = await sendMany(member, channelId, 4);
    const from = server.events.length;
    expect(await pin(moderator, channelId, sent[1]!.id)).toBeUndefined();
    await pin(moderator, channelId, sent[3]!.id);
    const events = eventsSince(server, from, 'CHANNEL_PINS_UPDATE');
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      data: { channel_id: channelId, guild_id: guild.id },
      route: { kind: 'guild', guildId: guild.id, channelId },
    });
    expect(typeof (events[0]!.data as { last_pin_timestamp: unknown }).last_pin_timestamp).toBe('string');

    const listed = await pins(member, channelId);
    expect(listed.map((m) => m.id)).toEqual([sent[3]!.id, sent[1]!.id]);
    expect(listed.every((m) => m.pinned)).toBe(true);
    expect((await member.api.getMessage(channelId, sent[1]!.id)).pinned).toBe(true);

    // Pinning again changes nothing and announces nothing.
    const again = server.events.length;
    await pin(moderator, channelId, sent[1]!.id);
    expect(eventsSince(server, again)).toEqual([]);

    await unpin(moderator, channelId, sent[1]!.id);
    expect((await pins(member, channelId)).map((m) => m.id)).toEqual([sent[3]!.id]);
    expect(eventsSince(server, again, 'CHANNEL_PINS_UPDATE')).toHaveLength(1);
  });

  it('a deleted pinned message leaves the list', async () => {
    const channelId = await textChannel(guild);
    const [message] = await sendMany(member, channelId, 1);
    await pin(owner, channelId, message!.id);
    await member.api.deleteMessage(channelId, message!.id);
    expect(await pins(owner, channelId)).toEqual([]);
  });

  it('needs MANAGE_MESSAGES in a guild (50013); unknown messages are 10008; outsiders 404', async () => {
    const [message] = await sendMany(member, guild.channelId, 1);
    expect(await apiError(pin(member, guild.channelId, message!.id))).toMatchObject({ status: 403, code: 50013 });
    expect(await apiError(unpin(member, guild.channelId, message!.id))).toMatchObject({ status: 403, code: 50013 });
    expect(await apiError(pin(moderator, guild.channelId, UNKNOWN_ID))).toMatchObject({ status: 404, code: 10008 });
    expect(await apiError(pin(outsider, guild.channelId, message!.id))).toMatchObject({ status: 404, code: 10003 });
    expect(await apiError(pins(outsider, guild.channelId))).toMatchObject({ status: 404, code: 10003 });
    expect(await apiError(pins({ api: server.anonymous() }, guild.channelId))).toMatchObject({ status: 401 });
    expect(await apiError(pin(moderator, guild.channelId, 'x'))).toMatchObject({ status: 400, code: 50035 });
  });

  it('lists nothing without READ_MESSAGE_HISTORY', async () => {
    const channelId = await textChannel(guild);
    const [message] = await sendMany(owner, channelId, 1);
    await pin(owner, channelId, message!.id);
    await overwrite(guild, channelId, {
      id: member.id,
      type: 1,
      allow: 0n,
      deny: Permission.READ_MESSAGE_HISTORY,
    });
    expect(await pins(member, channelId)).toEqual([]);
  });

  it('any DM recipient may pin, and the event goes to the recipients', async () => {
    const channelId = await dm(member, moderator);
    const [message] = await sendMany(moderator, channelId, 1);
    const from = server.events.length;
    await pin(member, channelId, message!.id);
    expect(eventsSince(server, from, 'CHANNEL_PINS_UPDATE')[0]).toMatchObject({
      data: { channel_id: channelId },
      route: { kind: 'private', channelId },
    });
    expect((await pins(moderator, channelId)).map((m) => m.id)).toEqual([message!.id]);
  });
});
