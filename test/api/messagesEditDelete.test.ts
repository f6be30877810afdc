import { Limits, MessageType, Permission } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer, type TestUser } from '../support/testServer';
import {
  UNKNOWN_ID,
  dm,
  eventsSince,
  guildWith,
  role,
  sendMany,
  textChannel,
  type GuildFixture,
} from './messageFixtures';

let server: TestServer;
let owner: TestUser;
let author: TestUser;
let other: TestUser;
let moderator: TestUser;
let outsider: TestUser;
let guild: GuildFixture;

beforeAll(async () => {
  server = await startServer();
  owner = await server.user();
  author = await server.user();
  other = await server.user();
  moderator = await server.user();
  outsider = await server.user();
  guild = await guildWith(owner, [author, other, moderator]);
  await role(guild, { permissions: Permission.MANAGE_MESSAGES }, [moderator]);
});
afterAll(() => server.close());

describe('PATCH /channels/:id/messages/:message_id', () => {
  it('the author edits content: edited_timestamp is set and MESSAGE_UPDATE goes to the channel', async () => {
    const sent = await author.api.sendMessage(guild.channelId, { content: 'draft' });
    const from = server.events.length;
    const edited = await author.api.editMessage(guild.channelId, sent.id, { content: '  final  ' });
    expect(edited).toMatchObject({ id: sent.id, seq: sent.seq, content: 'final', timestamp: sent.timestamp });
    expect(edited.edited_timestamp).not.toBeNull();
    const [event] = eventsSince(server, from, 'MESSAGE_UPDATE');
    expect(event?.route).toEqual({ kind: 'guild', guildId: guild.id, channelId: guild.channelId });
    expect(event?.data).toMatchObject({ id: sent.id, content: 'final', guild_id: guild.id, seq: sent.seq });
    expect((await other.api.getMessage(guild.channelId, sent.id)).content).toBe('final');
  });

  it('nobody else may edit the content (403 50005), not even the owner or a moderator', async () => {
    const sent = await author.api.sendMessage(guild.channelId, { content: 'mine' });
    for (const user of [other, moderator, owner]) {
      const error = await apiError(user.api.editMessage(guild.channelId, sent.id, { content: 'theirs' }));
      expect(error).toMatchObject({ status: 403, code: 50005 });
    }
    expect((await author.api.getMessage(guild.channelId, sent.id)).content).toBe('mine');
  });

  it('flags: the author or MANAGE_MESSAGES may suppress embeds; others get 50013', async () => {
    const sent = await author.api.sendMessage(guild.channelId, { content: 'link', flags: 4096 });
    expect(await apiError(other.api.editMessage(guild.channelId, sent.id, { flags: 4 }))).toMatchObject({
      status: 403,
      code: 50013,
    });
    const suppressed = await moderator.api.editMessage(guild.channelId, sent.id, { flags: 4 });
    // Only SUPPRESS_EMBEDS changes; SUPPRESS_NOTIFICATIONS set at send stays; a flag edit is no content edit.
    expect(suppressed).toMatchObject({ flags: 4 | 4096, content: 'link', edited_timestamp: null });
    expect((await author.api.editMessage(guild.channelId, sent.id, { flags: 0 })).flags).toBe(4096);
  });

  it('rejects empty content (50006), over-long content (50035), and unknown messages (10008)', async () => {
    const sent = await author.api.sendMessage(guild.channelId, { content: 'keep' });
    expect(await apiError(author.api.editMessage(guild.channelId, sent.id, { content: '  ' }))).toMatchObject({
      status: 400,
      code: 50006,
    });
    const long = await apiError(
      author.api.editMessage(guild.channelId, sent.id, { content: 'x'.repeat(Limits.messageContent + 1) }),
    );
    expect(long).toMatchObject({ status: 400, code: 50035 });
    expect(await apiError(author.api.editMessage(guild.channelId, UNKNOWN_ID, { content: 'x' }))).toMatchObject({
      status: 404,
      code: 10008,
    });
    expect(await apiError(outsider.api.editMessage(guild.channelId, sent.id, { content: 'x' }))).toMatchObject({
      status: 404,
      code: 10003,
    });
    expect(await apiError(server.anonymous().editMessage(guild.channelId, sent.id, { content: 'x' }))).toMatchObject({
      status: 401,
    });
    expect((await author.api.getMessage(guild.channelId, sent.id)).content).toBe('keep');
  });

  it('an empty edit changes nothing and announces nothing', async () => {
    const sent = await author.api.sendMessage(guild.channelId, { content: 'same' });
    const from = server.events.length;
    expect(await author.api.editMessage(guild.channelId, sent.id, {})).toEqual(sent);
    expect(eventsSince(server, from)).toEqual([]);
  });

  it('in a DM only the author edits', async () => {
    const channelId = await dm(author, other);
    const sent = await author.api.sendMessage(channelId, { content: 'dm' });
    expect(await apiError(other.api.editMessage(channelId, sent.id, { content: 'x' }))).toMatchObject({ code: 50005 });
    const from = server.events.length;
    await author.api.editMessage(channelId, sent.id, { content: 'dm edited' });
    expect(eventsSince(server, from, 'MESSAGE_UPDATE')[0]?.route).toMatchObject({ kind: 'private', channelId });
  });
});

describe('system messages', () => {
  it('nobody edits the text of a system message, not even its author (50005)', async () => {
    const group = await author.api.createGroupDm({ recipients: [other.id] });
    await author.api.addRecipient(group.id, moderator.id);
    const system = (await author.api.messages(group.id)).find((m) => m.type === MessageType.RECIPIENT_ADD);
    expect(system?.author.id).toBe(author.id);
    expect(await apiError(author.api.editMessage(group.id, system!.id, { content: 'rewritten' }))).toMatchObject({
      status: 403,
      code: 50005,
    });
    // A group DM is a messaging channel like any other.
    const sent = await moderator.api.sendMessage(group.id, { content: 'hi all' });
    expect(sent.seq).toBe(system!.seq + 1);
  });
});

describe('DELETE /channels/:id/messages/:message_id', () => {
  it('the author deletes: 204, MESSAGE_DELETE with the seq, and the message is gone', async () => {
    const sent = await author.api.sendMessage(guild.channelId, { content: 'oops' });
    const from = server.events.length;
    await author.api.deleteMessage(guild.channelId, sent.id);
    const [event] = eventsSince(server, from, 'MESSAGE_DELETE');
    expect(event).toEqual({
      type: 'MESSAGE_DELETE',
      data: { id: sent.id, channel_id: guild.channelId, guild_id: guild.id, seq: sent.seq },
      route: { kind: 'guild', guildId: guild.id, channelId: guild.channelId },
    });
    expect(await apiError(author.api.getMessage(guild.channelId, sent.id))).toMatchObject({ code: 10008 });
    expect(await apiError(author.api.deleteMessage(guild.channelId, sent.id))).toMatchObject({
      status: 404,
      code: 10008,
    });
  });

  it("others need MANAGE_MESSAGES (50013); a moderator may delete anyone's message", async () => {
    const sent = await author.api.sendMessage(guild.channelId, { content: 'moderate me' });
    expect(await apiError(other.api.deleteMessage(guild.channelId, sent.id))).toMatchObject({
      status: 403,
      code: 50013,
    });
    await moderator.api.deleteMessage(guild.channelId, sent.id);
    expect(await apiError(other.api.getMessage(guild.channelId, sent.id))).toMatchObject({ code: 10008 });
  });

  it("in a DM nobody deletes another's message; unknown ids and outsiders are 404", async () => {
    const channelId = await dm(author, other);
    const sent = await author.api.sendMessage(channelId, { content: 'dm' });
    expect(await apiError(other.api.deleteMessage(channelId, sent.id))).toMatchObject({ status: 403, code: 50013 });
    expect(await apiError(outsider.api.deleteMessage(channelId, sent.id))).toMatchObject({ status: 404, code: 10003 });
    expect(await apiError(author.api.deleteMessage(channelId, UNKNOWN_ID))).toMatchObject({ status: 404, code: 10008 });
    const from = server.events.length;
    await author.api.deleteMessage(channelId, sent.id);
    expect(eventsSince(server, from, 'MESSAGE_DELETE')[0]).toMatchObject({
      data: { id: sent.id, channel_id: channelId, seq: sent.seq },
      route: { kind: 'private', channelId },
    });
    expect(eventsSince(server, from, 'MESSAGE_DELETE')[0]?.data).not.toHaveProperty('guild_id');
  });
});

describe('POST /channels/:id/messages/bulk-delete', () => {
  const bulk = (user: TestUser, channelId: string, messages: unknown) =>
    user.api.rest.post(`/channels/${channelId}/messages/bulk-delete`, { messages });

  it('deletes 2–100 messages with MANAGE_MESSAGES and publishes one MESSAGE_DELETE_BULK', async () => {
    const channelId = await textChannel(guild);
    const sent = await sendMany(author, channelId, 5);
    const from = server.events.length;
    await bulk(moderator, channelId, [sent[1]!.id, sent[3]!.id, sent[3]!.id, UNKNOWN_ID]);
    const events = eventsSince(server, from);
    expect(events).toEqual([
      {
        type: 'MESSAGE_DELETE_BULK',
        data: { ids: [sent[1]!.id, sent[3]!.id], seqs: [2, 4], channel_id: channelId, guild_id: guild.id },
        route: { kind: 'guild', guildId: guild.id, channelId },
      },
    ]);
    expect((await author.api.messages(channelId)).map((m) => m.content)).toEqual(['m4', 'm2', 'm0']);
  });

  it('refuses without MANAGE_MESSAGES, in DMs, and with fewer than 2 or more than 100 ids', async () => {
    const channelId = await textChannel(guild);
    const sent = await sendMany(author, channelId, 2);
    const pair = sent.map((m) => m.id);
    expect(
      await apiError(author.api.rest.post(`/channels/${channelId}/messages/bulk-delete`, { messages: pair })),
    ).toMatchObject({
      status: 403,
      code: 50013,
    });
    const dmId = await dm(author, other);
    const dmSent = await sendMany(author, dmId, 2);
    expect(
      await apiError(
        bulk(
          author,
          dmId,
          dmSent.map((m) => m.id),
        ),
      ),
    ).toMatchObject({ status: 400, code: 50003 });
    expect(await apiError(bulk(moderator, channelId, [pair[0]]))).toMatchObject({ status: 400, code: 50035 });
    expect(await apiError(bulk(moderator, channelId, [pair[0], pair[0]]))).toMatchObject({ status: 400, code: 50035 });
    const tooMany = Array.from({ length: 101 }, (_, i) => String(1000 + i));
    expect(await apiError(bulk(moderator, channelId, tooMany))).toMatchObject({ status: 400, code: 50035 });
    expect(await apiError(bulk(moderator, channelId, 'nope'))).toMatchObject({ status: 400, code: 50035 });
    expect(await apiError(bulk(outsider, channelId, pair))).toMatchObject({ status: 404, code: 10003 });
    expect(await author.api.messages(channelId)).toHaveLength(2);
  });
});
