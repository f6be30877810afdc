import { Limits, MessageType, Permission, type Message } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer, type TestUser } from '../support/testServer';
import {
  UNKNOWN_ID,
  category,
  dm,
  eventsSince,
  guildWith,
  overwrite,
  setEveryonePermissions,
  textChannel,
  type GuildFixture,
} from './messageFixtures';

let server: TestServer;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;
let guild: GuildFixture;

beforeAll(async () => {
  server = await startServer();
  owner = await server.user();
  member = await server.user();
  outsider = await server.user();
  guild = await guildWith(owner, [member]);
});
afterAll(() => server.close());

describe('POST /channels/:id/messages', () => {
  it('sends a message, answers it with its seq and publishes MESSAGE_CREATE to the channel', async () => {
    const channelId = await textChannel(guild);
    const from = server.events.length;
    const sent = await member.api.sendMessage(channelId, { content: '  hello world  ' });
    expect(sent).toMatchObject({
      channel_id: channelId,
      content: 'hello world',
      author: { id: member.id, username: member.username, discriminator: '0' },
      type: MessageType.DEFAULT,
      seq: 1,
      tts: false,
      pinned: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      edited_timestamp: null,
      flags: 0,
    });
    expect(Date.parse(sent.timestamp)).toBeGreaterThan(0);
    expect(sent).not.toHaveProperty('guild_id');
    expect(sent).not.toHaveProperty('nonce');

    const [event] = eventsSince(server, from, 'MESSAGE_CREATE');
    expect(event?.route).toEqual({ kind: 'guild', guildId: guild.id, channelId });
    expect(event?.data).toMatchObject({ ...sent, guild_id: guild.id, member: { roles: [], nick: null } });
    expect(event?.data).not.toHaveProperty('member.user');
    expect(await member.api.getMessage(channelId, sent.id)).toEqual(sent);
  });

  it('sends in a DM and routes the event to the recipients', async () => {
    const channelId = await dm(owner, member);
    const from = server.events.length;
    const sent = await owner.api.sendMessage(channelId, { content: 'psst' });
    expect(sent).toMatchObject({ channel_id: channelId, content: 'psst', author: { id: owner.id } });
    const [event] = eventsSince(server, from, 'MESSAGE_CREATE');
    expect(event?.route).toMatchObject({ kind: 'private', channelId });
    expect([...(event?.route as { recipientIds: readonly string[] }).recipientIds].sort()).toEqual(
      [owner.id, member.id].sort(),
    );
    expect(event?.data).not.toHaveProperty('guild_id');
    expect(event?.data).not.toHaveProperty('member');
    expect((await member.api.messages(channelId)).map((m) => m.id)).toEqual([sent.id]);
  });

  it('answers 401 to anonymous callers', async () => {
    expect(await apiError(server.anonymous().sendMessage(guild.channelId, { content: 'x' }))).toMatchObject({
      status: 401,
      code: 40001,
    });
  });

  it('answers the same 404 for a channel of a guild I am not in and a channel that does not exist', async () => {
    const hidden = await apiError(outsider.api.sendMessage(guild.channelId, { content: 'x' }));
    const missing = await apiError(outsider.api.sendMessage(UNKNOWN_ID, { content: 'x' }));
    expect(hidden).toMatchObject({ status: 404, code: 10003 });
    expect(missing.body).toEqual(hidden.body);
    // A DM I am not a recipient of, too.
    const channelId = await dm(owner, member);
    expect((await apiError(outsider.api.sendMessage(channelId, { content: 'x' }))).body).toEqual(hidden.body);
  });

  it('hides a channel whose VIEW_CHANNEL is denied behind the same 404', async () => {
    const channelId = await textChannel(guild);
    await overwrite(guild, channelId, { id: member.id, type: 1, allow: 0n, deny: Permission.VIEW_CHANNEL });
    expect(await apiError(member.api.sendMessage(channelId, { content: 'x' }))).toMatchObject({
      status: 404,
      code: 10003,
    });
    expect(await apiError(member.api.messages(channelId))).toMatchObject({ status: 404, code: 10003 });
  });

  it('refuses without SEND_MESSAGES (403 50013) and stores nothing', async () => {
    const channelId = await textChannel(guild);
    await overwrite(guild, channelId, { id: member.id, type: 1, allow: 0n, deny: Permission.SEND_MESSAGES });
    const from = server.events.length;
    expect(await apiError(member.api.sendMessage(channelId, { content: 'x' }))).toMatchObject({
      status: 403,
      code: 50013,
    });
    expect(await member.api.messages(channelId)).toEqual([]);
    expect(eventsSince(server, from, 'MESSAGE_CREATE')).toEqual([]);
  });

  it('refuses to send into a category (50008)', async () => {
    const categoryId = await category(guild);
    expect(await apiError(owner.api.sendMessage(categoryId, { content: 'x' }))).toMatchObject({
      status: 400,
      code: 50008,
    });
  });

  it('refuses empty and whitespace-only content (50006) and a missing content', async () => {
    for (const body of [{ content: '' }, { content: ' \n\t ' }, {}]) {
      expect(await apiError(member.api.sendMessage(guild.channelId, body))).toMatchObject({ status: 400, code: 50006 });
    }
  });

  it('validates the body: over-long content, bad types, bad nonce, bad flags (400 50035)', async () => {
    const channelId = await textChannel(guild);
    const tooLong = await apiError(
      member.api.sendMessage(channelId, { content: 'x'.repeat(Limits.messageContent + 1) }),
    );
    expect(tooLong).toMatchObject({ status: 400, code: 50035 });
    expect(tooLong.body).toHaveProperty('errors.content._errors');
    const cases: unknown[] = [
      { content: 42 },
      { content: 'x', nonce: 'n'.repeat(Limits.nonce + 1) },
      { content: 'x', nonce: 1.5 },
      { content: 'x', nonce: { a: 1 } },
      { content: 'x', tts: 'yes' },
      { content: 'x', flags: 1 },
      { content: 'x', allowed_mentions: { parse: ['nobody'] } },
      { content: 'x', allowed_mentions: { parse: ['users'], users: [member.id] } },
      { content: 'x', message_reference: { message_id: 'not-a-snowflake' } },
      { content: 'x', embeds: [{ title: 'no embeds here' }] },
    ];
    for (const body of cases) {
      const error = await apiError(member.api.rest.post(`/channels/${channelId}/messages`, body));
      expect(error, JSON.stringify(body)).toMatchObject({ status: 400, code: 50035 });
    }
    const exactly = await member.api.sendMessage(channelId, { content: 'y'.repeat(Limits.messageContent) });
    expect(exactly.seq).toBe(1);
    expect(await member.api.messages(channelId)).toHaveLength(1);
  });

  it('drops tts for senders without SEND_TTS_MESSAGES and keeps allowed flags', async () => {
    const sent = await member.api.sendMessage(guild.channelId, { content: 'loud', tts: true, flags: 4 | 4096 });
    expect(sent).toMatchObject({ tts: false, flags: 4 | 4096 });
    const ownerSent = await owner.api.sendMessage(guild.channelId, { content: 'loud', tts: true });
    expect(ownerSent.tts).toBe(true);
  });
});

describe('seq and ids', () => {
  it('gives 50 concurrent sends seq 1..50 without gaps, ids increasing with seq', async () => {
    const channelId = await textChannel(guild);
    const from = server.events.length;
    const sent = await Promise.all(
      Array.from({ length: 50 }, (_, i) => member.api.sendMessage(channelId, { content: `concurrent ${i}` })),
    );
    // One node publishes a channel's MESSAGE_CREATEs in the order the store committed them.
    const published = eventsSince(server, from, 'MESSAGE_CREATE').map((e) => (e.data as Message).seq);
    expect(published).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const bySeq = [...sent].sort((a, b) => a.seq - b.seq);
    expect(bySeq.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    for (let i = 1; i < bySeq.length; i++) expect(BigInt(bySeq[i]!.id)).toBeGreaterThan(BigInt(bySeq[i - 1]!.id));
    expect(new Set(sent.map((m) => m.id)).size).toBe(50);
    const stored = await member.api.messages(channelId, { after_seq: 0, limit: 100 });
    expect(stored.map((m) => [m.seq, m.id])).toEqual(bySeq.map((m) => [m.seq, m.id]));
  });
});

describe('nonce idempotence', () => {
  it('a retried nonce returns the original message and publishes nothing new', async () => {
    const channelId = await textChannel(guild);
    const first = await member.api.sendMessage(channelId, { content: 'once', nonce: 'abc-1' });
    expect(first.nonce).toBe('abc-1');
    const from = server.events.length;
    const retry = await member.api.sendMessage(channelId, { content: 'once (retry)', nonce: 'abc-1' });
    expect(retry).toEqual(first);
    expect(eventsSince(server, from)).toEqual([]);
    expect(await member.api.messages(channelId)).toHaveLength(1);
  });

  it('treats an integer nonce and its decimal string as the same nonce, and echoes what was sent', async () => {
    const channelId = await textChannel(guild);
    const first = await member.api.sendMessage(channelId, { content: 'int', nonce: 1234567 });
    expect(first.nonce).toBe(1234567);
    const retry = await member.api.sendMessage(channelId, { content: 'int', nonce: '1234567' });
    expect(retry).toMatchObject({ id: first.id, seq: first.seq, nonce: '1234567' });
    expect(await member.api.messages(channelId)).toHaveLength(1);
  });

  it('concurrent sends with one nonce make one message; everyone gets its id and seq', async () => {
    const channelId = await textChannel(guild);
    const from = server.events.length;
    const results = await Promise.all(
      Array.from({ length: 10 }, () => member.api.sendMessage(channelId, { content: 'same', nonce: 'race' })),
    );
    expect(new Set(results.map((m) => `${m.id}/${m.seq}`)).size).toBe(1);
    expect(results[0]!.seq).toBe(1);
    expect(eventsSince(server, from, 'MESSAGE_CREATE')).toHaveLength(1);
    expect(await member.api.messages(channelId)).toHaveLength(1);
  });

  it('a different author, or another channel, with the same nonce gets a message of its own', async () => {
    const channelId = await textChannel(guild);
    const mine = await member.api.sendMessage(channelId, { content: 'a', nonce: 'shared' });
    const theirs = await owner.api.sendMessage(channelId, { content: 'b', nonce: 'shared' });
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs).toMatchObject({ seq: 2, content: 'b', author: { id: owner.id } });
    const elsewhere = await member.api.sendMessage(guild.channelId, { content: 'c', nonce: 'shared' });
    expect(elsewhere.id).not.toBe(mine.id);
  });

  it('a retry of a message deleted since returns the tombstone, never a second message', async () => {
    const channelId = await textChannel(guild);
    const first = await member.api.sendMessage(channelId, { content: 'gone', nonce: 'deleted-later' });
    await member.api.deleteMessage(channelId, first.id);
    const retry = (await member.api.sendMessage(channelId, { content: 'gone', nonce: 'deleted-later' })) as Message & {
      deleted?: boolean;
    };
    expect(retry).toMatchObject({ id: first.id, seq: first.seq, deleted: true, content: '' });
    expect(await member.api.messages(channelId, { after_seq: 0 })).toHaveLength(1);
  });

  it('an empty-string nonce does not deduplicate', async () => {
    const channelId = await textChannel(guild);
    const a = await member.api.sendMessage(channelId, { content: 'a', nonce: '' });
    const b = await member.api.sendMessage(channelId, { content: 'b', nonce: '' });
    expect(b.id).not.toBe(a.id);
  });
});

describe('GET /channels/:id/messages/:message_id', () => {
  it('reads one message; unknown, deleted and foreign ids are 10008', async () => {
    const channelId = await textChannel(guild);
    const sent = await member.api.sendMessage(channelId, { content: 'read me' });
    expect(await owner.api.getMessage(channelId, sent.id)).toMatchObject({ id: sent.id, content: 'read me' });
    expect(await apiError(owner.api.getMessage(channelId, UNKNOWN_ID))).toMatchObject({ status: 404, code: 10008 });
    // A message id of another channel is unknown here.
    const elsewhere = await member.api.sendMessage(guild.channelId, { content: 'other channel' });
    expect(await apiError(owner.api.getMessage(channelId, elsewhere.id))).toMatchObject({ status: 404, code: 10008 });
    await member.api.deleteMessage(channelId, sent.id);
    expect(await apiError(owner.api.getMessage(channelId, sent.id))).toMatchObject({ status: 404, code: 10008 });
  });

  it('is 404 10003 for outsiders, 401 for anonymous, 400 for a malformed id', async () => {
    const sent = await member.api.sendMessage(guild.channelId, { content: 'x' });
    expect(await apiError(outsider.api.getMessage(guild.channelId, sent.id))).toMatchObject({
      status: 404,
      code: 10003,
    });
    expect(await apiError(server.anonymous().getMessage(guild.channelId, sent.id))).toMatchObject({ status: 401 });
    expect(await apiError(member.api.getMessage(guild.channelId, 'abc'))).toMatchObject({ status: 400, code: 50035 });
  });

  it('needs READ_MESSAGE_HISTORY (403 50013); the list is empty without it', async () => {
    const channelId = await textChannel(guild);
    const sent = await owner.api.sendMessage(channelId, { content: 'history' });
    await overwrite(guild, channelId, {
      id: member.id,
      type: 1,
      allow: 0n,
      deny: Permission.READ_MESSAGE_HISTORY,
    });
    expect(await apiError(member.api.getMessage(channelId, sent.id))).toMatchObject({ status: 403, code: 50013 });
    expect(await member.api.messages(channelId)).toEqual([]);
    // Sending still works: history is about reading.
    expect((await member.api.sendMessage(channelId, { content: 'still here' })).seq).toBe(2);
  });
});

describe('guild-wide permissions', () => {
  it('a guild whose @everyone cannot send still lets the owner send', async () => {
    const other = await server.user();
    const g = await guildWith(owner, [other]);
    await setEveryonePermissions(g, Permission.VIEW_CHANNEL | Permission.READ_MESSAGE_HISTORY);
    expect(await apiError(other.api.sendMessage(g.channelId, { content: 'x' }))).toMatchObject({
      status: 403,
      code: 50013,
    });
    await owner.api.sendMessage(g.channelId, { content: 'owner speaks' });
    expect((await other.api.messages(g.channelId)).map((m) => m.content)).toEqual(['owner speaks']);
  });

  it('keeps the store untouched on rejected input', async () => {
    const channelId = await textChannel(guild);
    await apiError(member.api.sendMessage(channelId, { content: '   ' }));
    await apiError(member.api.rest.post(`/channels/${channelId}/messages`, { content: 'x', flags: 2 }));
    expect((await owner.api.getChannel(channelId)).last_seq).toBe(0);
  });
});
