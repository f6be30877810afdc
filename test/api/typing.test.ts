import { ConcordApi } from '@concord/sdk';
import { Permission } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startServer, type TestServer, type TestUser } from '../support/testServer';
import { createGuild, eventsSince, join, privateRecipients, type GuildFixture } from './channelsFixtures';

let server: TestServer;
let owner: TestUser;
let member: TestUser;
let outsider: TestUser;
let guild: GuildFixture;

beforeAll(async () => {
  server = await startServer();
  [owner, member, outsider] = await Promise.all([server.user(), server.user(), server.user()]);
  guild = await createGuild(server, owner, 'Typing');
  await join(server, guild, owner, member);
});
afterAll(() => server.close());

describe('POST /channels/:channel_id/typing', () => {
  it('announces TYPING_START with the member to those who may view a guild channel', async () => {
    const before = server.events.length;
    const started = Math.floor(Date.now() / 1000);
    await member.api.typing(guild.systemChannelId);
    const events = eventsSince(server, before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'TYPING_START',
      route: { kind: 'guild', guildId: guild.id, channelId: guild.systemChannelId },
      data: {
        channel_id: guild.systemChannelId,
        guild_id: guild.id,
        user_id: member.id,
        member: { user: { id: member.id }, roles: [], nick: null },
      },
    });
    const { timestamp } = events[0]!.data as { timestamp: number };
    expect(Number.isInteger(timestamp)).toBe(true);
    expect(timestamp).toBeGreaterThanOrEqual(started);
    expect(timestamp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    // Typing writes nothing: the channel head is where it was.
    expect((await member.api.getChannel(guild.systemChannelId)).last_seq).toBe(0);
  });

  it('announces typing once per window, and again right after the typist sent a message', async () => {
    const typist = await server.user();
    await join(server, guild, owner, typist);
    const typingEvents = (since: number) =>
      eventsSince(server, since).filter(
        (e) => e.type === 'TYPING_START' && (e.data as { user_id: string }).user_id === typist.id,
      );
    const before = server.events.length;
    await typist.api.typing(guild.systemChannelId);
    await typist.api.typing(guild.systemChannelId); // still typing: no second event
    expect(typingEvents(before)).toHaveLength(1);
    await typist.api.sendMessage(guild.systemChannelId, { content: 'done typing' });
    const afterSend = server.events.length;
    await typist.api.typing(guild.systemChannelId); // typing the next one: shown again at once
    expect(typingEvents(afterSend)).toHaveLength(1);
  });

  it('announces typing in a DM to its recipients only', async () => {
    const dm = await owner.api.openDm(member.id);
    const before = server.events.length;
    await owner.api.typing(dm.id);
    const [event] = eventsSince(server, before);
    expect(event!.type).toBe('TYPING_START');
    expect(event!.route).toMatchObject({ kind: 'private', channelId: dm.id });
    expect(privateRecipients(event!.route)).toEqual([owner.id, member.id].sort());
    expect(event!.data).toEqual({ channel_id: dm.id, user_id: owner.id, timestamp: expect.any(Number) });
  });

  it('answers 401, the same 404 for strangers and unknown ids, 403 without SEND_MESSAGES, 400 otherwise', async () => {
    const before = server.events.length;
    expect(await apiError(server.anonymous().typing(guild.systemChannelId))).toMatchObject({ status: 401 });
    const stranger = await apiError(outsider.api.typing(guild.systemChannelId));
    expect(stranger).toMatchObject({ status: 404, code: 10003 });
    expect((await apiError(outsider.api.typing('4242424242424242'))).body).toEqual(stranger.body);
    expect(await apiError(member.api.typing('not-an-id'))).toMatchObject({ status: 400, code: 50035 });

    const readOnly = await owner.api.createGuildChannel(guild.id, {
      name: 'read-only',
      permission_overwrites: [{ id: guild.id, type: 0, deny: String(Permission.SEND_MESSAGES) }],
    });
    expect(await apiError(member.api.typing(readOnly.id))).toMatchObject({ status: 403, code: 50013 });
    const category = await owner.api.createGuildChannel(guild.id, { name: 'Category', type: 4 });
    expect(await apiError(owner.api.typing(category.id))).toMatchObject({ status: 400, code: 50008 });
    expect(eventsSince(server, before, 'TYPING_START')).toEqual([]);
  });

  it("is limited by the 'typing' rate bucket, per channel", async () => {
    const limited = await startServer({ rateLimits: true });
    try {
      const boss = await limited.user();
      const typist = new ConcordApi({ baseUrl: limited.baseUrl, token: boss.token, maxRateLimitRetries: 0 });
      const own = await createGuild(limited, boss, 'Limited');
      const second = await boss.api.createGuildChannel(own.id, { name: 'second' });
      for (let i = 0; i < 10; i++) await typist.typing(own.systemChannelId);
      const limitedError = await apiError(typist.typing(own.systemChannelId));
      expect(limitedError).toMatchObject({ status: 429 });
      await typist.typing(second.id);
    } finally {
      await limited.close();
    }
  });
});
