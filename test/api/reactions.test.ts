import { DEFAULT_EVERYONE_PERMISSIONS, Limits, Permission, type Message, type User } from '@concord/protocol';
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
  setEveryonePermissions,
  textChannel,
  type GuildFixture,
} from './messageFixtures';

let server: TestServer;
let owner: TestUser;
let alice: TestUser;
let bob: TestUser;
let moderator: TestUser;
let outsider: TestUser;
let guild: GuildFixture;

const enc = encodeURIComponent;
const path = (channelId: string, messageId: string) => `/channels/${channelId}/messages/${messageId}/reactions`;
const removeUserReaction = (api: ConcordApi, channelId: string, messageId: string, emoji: string, userId: string) =>
  api.rest.delete(`${path(channelId, messageId)}/${enc(emoji)}/${userId}`);
const clearAll = (api: ConcordApi, channelId: string, messageId: string) => api.rest.delete(path(channelId, messageId));
const clearEmoji = (api: ConcordApi, channelId: string, messageId: string, emoji: string) =>
  api.rest.delete(`${path(channelId, messageId)}/${enc(emoji)}`);

async function freshMessage(channelId = guild.channelId): Promise<Message> {
  return owner.api.sendMessage(channelId, { content: 'react to me' });
}

beforeAll(async () => {
  server = await startServer();
  owner = await server.user();
  alice = await server.user();
  bob = await server.user();
  moderator = await server.user();
  outsider = await server.user();
  guild = await guildWith(owner, [alice, bob, moderator]);
  await role(guild, { permissions: Permission.MANAGE_MESSAGES }, [moderator]);
});
afterAll(() => server.close());

describe('PUT /reactions/:emoji/@me', () => {
  it('adds a reaction: 204, MESSAGE_REACTION_ADD, counts with `me` per viewer', async () => {
    const message = await freshMessage();
    const from = server.events.length;
    expect(await alice.api.react(guild.channelId, message.id, '👍')).toBeUndefined();
    await bob.api.react(guild.channelId, message.id, '👍');
    await bob.api.react(guild.channelId, message.id, '🎉');

    const events = eventsSince(server, from, 'MESSAGE_REACTION_ADD');
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({
      data: {
        user_id: alice.id,
        channel_id: guild.channelId,
        message_id: message.id,
        guild_id: guild.id,
        emoji: { id: null, name: '👍' },
        message_author_id: owner.id,
        burst: false,
        type: 0,
        member: { roles: [] },
      },
      route: { kind: 'guild', guildId: guild.id, channelId: guild.channelId },
    });

    const seenByAlice = await alice.api.getMessage(guild.channelId, message.id);
    expect(seenByAlice.reactions).toEqual([
      {
        count: 2,
        count_details: { burst: 0, normal: 2 },
        me: true,
        me_burst: false,
        emoji: { id: null, name: '👍' },
        burst_colors: [],
      },
      {
        count: 1,
        count_details: { burst: 0, normal: 1 },
        me: false,
        me_burst: false,
        emoji: { id: null, name: '🎉' },
        burst_colors: [],
      },
    ]);
    const inList = (await owner.api.messages(guild.channelId, { limit: 1 }))[0]!;
    expect(inList.reactions?.map((r) => [r.emoji.name, r.count, r.me])).toEqual([
      ['👍', 2, false],
      ['🎉', 1, false],
    ]);
  });

  it('is idempotent: reacting twice counts once and announces once', async () => {
    const message = await freshMessage();
    await alice.api.react(guild.channelId, message.id, '🔥');
    const from = server.events.length;
    await alice.api.react(guild.channelId, message.id, '🔥');
    expect(eventsSince(server, from)).toEqual([]);
    expect((await alice.api.getMessage(guild.channelId, message.id)).reactions?.[0]?.count).toBe(1);
  });

  it('treats "❤" and "❤️" as one emoji and accepts sequences (skin tones, flags, keycaps, ZWJ)', async () => {
    const message = await freshMessage();
    await alice.api.react(guild.channelId, message.id, '❤');
    await bob.api.react(guild.channelId, message.id, '❤️');
    for (const emoji of ['👍🏽', '🇫🇷', '1️⃣', '👩‍💻']) await alice.api.react(guild.channelId, message.id, emoji);
    const reactions = (await alice.api.getMessage(guild.channelId, message.id)).reactions ?? [];
    expect(reactions.map((r) => [r.emoji.name, r.count])).toEqual([
      ['❤️', 2],
      ['👍🏽', 1],
      ['🇫🇷', 1],
      ['1️⃣', 1],
      ['👩‍💻', 1],
    ]);
  });

  it('answers 10014 for custom emoji and for things that are not emoji', async () => {
    const message = await freshMessage();
    for (const emoji of ['party:123456789012345678', 'a:dance:123456789012345678', 'x', 'hello', '👍👍', '1']) {
      const error = await apiError(alice.api.react(guild.channelId, message.id, emoji));
      expect(error, emoji).toMatchObject({ status: 404, code: 10014 });
    }
    expect((await alice.api.getMessage(guild.channelId, message.id)).reactions).toBeUndefined();
  });

  it('needs ADD_REACTIONS to add a new emoji but not to join an existing one', async () => {
    const channelId = await textChannel(guild);
    await overwrite(guild, channelId, { id: bob.id, type: 1, allow: 0n, deny: Permission.ADD_REACTIONS });
    const message = await freshMessage(channelId);
    expect(await apiError(bob.api.react(channelId, message.id, '🍕'))).toMatchObject({ status: 403, code: 50013 });
    await alice.api.react(channelId, message.id, '🍕');
    await bob.api.react(channelId, message.id, '🍕');
    expect((await bob.api.getMessage(channelId, message.id)).reactions?.[0]).toMatchObject({ count: 2, me: true });
  });

  it('needs READ_MESSAGE_HISTORY (50013)', async () => {
    const channelId = await textChannel(guild);
    await overwrite(guild, channelId, {
      id: bob.id,
      type: 1,
      allow: 0n,
      deny: Permission.READ_MESSAGE_HISTORY,
    });
    const message = await freshMessage(channelId);
    expect(await apiError(bob.api.react(channelId, message.id, '👀'))).toMatchObject({ status: 403, code: 50013 });
    expect(await apiError(bob.api.reactions(channelId, message.id, '👀'))).toMatchObject({ status: 403, code: 50013 });
  });

  it(`allows at most ${Limits.reactionsPerMessage} distinct emoji (30010); existing ones can still be joined`, async () => {
    const message = await freshMessage();
    const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗'];
    expect(emoji).toHaveLength(Limits.reactionsPerMessage);
    for (const e of emoji) await alice.api.react(guild.channelId, message.id, e);
    expect(await apiError(alice.api.react(guild.channelId, message.id, '🤩'))).toMatchObject({
      status: 400,
      code: 30010,
    });
    await bob.api.react(guild.channelId, message.id, emoji[0]!);
    expect((await bob.api.getMessage(guild.channelId, message.id)).reactions).toHaveLength(Limits.reactionsPerMessage);
  });

  it('is 404 for outsiders (10003), unknown or deleted messages (10008), and 401 anonymously', async () => {
    const message = await freshMessage();
    expect(await apiError(outsider.api.react(guild.channelId, message.id, '👍'))).toMatchObject({
      status: 404,
      code: 10003,
    });
    expect(await apiError(alice.api.react(guild.channelId, UNKNOWN_ID, '👍'))).toMatchObject({
      status: 404,
      code: 10008,
    });
    await owner.api.deleteMessage(guild.channelId, message.id);
    expect(await apiError(alice.api.react(guild.channelId, message.id, '👍'))).toMatchObject({
      status: 404,
      code: 10008,
    });
    expect(await apiError(server.anonymous().react(guild.channelId, message.id, '👍'))).toMatchObject({ status: 401 });
    expect(await apiError(alice.api.react(guild.channelId, 'nope', '👍'))).toMatchObject({ status: 400, code: 50035 });
  });

  it('works in DMs and routes the events to the recipients', async () => {
    const channelId = await dm(alice, bob);
    const message = await alice.api.sendMessage(channelId, { content: 'dm' });
    const from = server.events.length;
    await bob.api.react(channelId, message.id, '👋');
    const [event] = eventsSince(server, from, 'MESSAGE_REACTION_ADD');
    expect(event?.route).toMatchObject({ kind: 'private', channelId });
    expect(event?.data).not.toHaveProperty('guild_id');
    expect(event?.data).not.toHaveProperty('member');
    // Nobody moderates a DM: removing someone else's reaction is 50003 there.
    expect(await apiError(removeUserReaction(alice.api, channelId, message.id, '👋', bob.id))).toMatchObject({
      status: 400,
      code: 50003,
    });
  });
});

describe('removing reactions', () => {
  it('DELETE @me removes my own and publishes MESSAGE_REACTION_REMOVE; removing nothing is silent', async () => {
    const message = await freshMessage();
    await alice.api.react(guild.channelId, message.id, '👍');
    const from = server.events.length;
    await alice.api.unreact(guild.channelId, message.id, '👍');
    expect(eventsSince(server, from)).toEqual([
      {
        type: 'MESSAGE_REACTION_REMOVE',
        data: {
          user_id: alice.id,
          channel_id: guild.channelId,
          message_id: message.id,
          guild_id: guild.id,
          emoji: { id: null, name: '👍' },
          message_author_id: owner.id,
          burst: false,
          type: 0,
        },
        route: { kind: 'guild', guildId: guild.id, channelId: guild.channelId },
      },
    ]);
    await alice.api.unreact(guild.channelId, message.id, '👍');
    expect(eventsSince(server, from)).toHaveLength(1);
    expect((await alice.api.getMessage(guild.channelId, message.id)).reactions).toBeUndefined();
  });

  it("removing another user's reaction needs MANAGE_MESSAGES", async () => {
    const message = await freshMessage();
    await alice.api.react(guild.channelId, message.id, '👍');
    expect(await apiError(removeUserReaction(bob.api, guild.channelId, message.id, '👍', alice.id))).toMatchObject({
      status: 403,
      code: 50013,
    });
    const from = server.events.length;
    await removeUserReaction(moderator.api, guild.channelId, message.id, '👍', alice.id);
    expect(eventsSince(server, from, 'MESSAGE_REACTION_REMOVE')[0]?.data).toMatchObject({ user_id: alice.id });
    // Naming myself is the same as @me and needs nothing.
    await bob.api.react(guild.channelId, message.id, '👍');
    await removeUserReaction(bob.api, guild.channelId, message.id, '👍', bob.id);
    expect((await bob.api.getMessage(guild.channelId, message.id)).reactions).toBeUndefined();
  });

  it('DELETE /reactions clears all (REMOVE_ALL); DELETE /reactions/:emoji clears one (REMOVE_EMOJI)', async () => {
    const message = await freshMessage();
    await alice.api.react(guild.channelId, message.id, '👍');
    await bob.api.react(guild.channelId, message.id, '👍');
    await bob.api.react(guild.channelId, message.id, '🎉');
    expect(await apiError(clearEmoji(alice.api, guild.channelId, message.id, '👍'))).toMatchObject({
      status: 403,
      code: 50013,
    });
    expect(await apiError(clearAll(alice.api, guild.channelId, message.id))).toMatchObject({
      status: 403,
      code: 50013,
    });

    let from = server.events.length;
    await clearEmoji(moderator.api, guild.channelId, message.id, '👍');
    expect(eventsSince(server, from)).toEqual([
      {
        type: 'MESSAGE_REACTION_REMOVE_EMOJI',
        data: {
          channel_id: guild.channelId,
          message_id: message.id,
          guild_id: guild.id,
          emoji: { id: null, name: '👍' },
        },
        route: { kind: 'guild', guildId: guild.id, channelId: guild.channelId },
      },
    ]);
    expect((await alice.api.getMessage(guild.channelId, message.id)).reactions?.map((r) => r.emoji.name)).toEqual([
      '🎉',
    ]);

    from = server.events.length;
    await clearAll(moderator.api, guild.channelId, message.id);
    expect(eventsSince(server, from)).toEqual([
      {
        type: 'MESSAGE_REACTION_REMOVE_ALL',
        data: { channel_id: guild.channelId, message_id: message.id, guild_id: guild.id },
        route: { kind: 'guild', guildId: guild.id, channelId: guild.channelId },
      },
    ]);
    expect((await alice.api.getMessage(guild.channelId, message.id)).reactions).toBeUndefined();
    expect(await apiError(clearAll(moderator.api, guild.channelId, UNKNOWN_ID))).toMatchObject({
      status: 404,
      code: 10008,
    });
  });
});

describe('GET /reactions/:emoji', () => {
  it('lists users by id with after/limit (default 25, 1–100)', async () => {
    const message = await freshMessage();
    const reactors = [alice, bob, moderator, owner];
    for (const user of reactors) await user.api.react(guild.channelId, message.id, '⭐');
    const sortedIds = reactors.map((u) => u.id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));

    const all = await alice.api.reactions(guild.channelId, message.id, '⭐');
    expect(all.map((u: User) => u.id)).toEqual(sortedIds);
    expect(all[0]).toHaveProperty('username');
    const firstTwo = await alice.api.reactions(guild.channelId, message.id, '⭐', { limit: 2 });
    expect(firstTwo.map((u) => u.id)).toEqual(sortedIds.slice(0, 2));
    const rest = await alice.api.reactions(guild.channelId, message.id, '⭐', { after: sortedIds[1]!, limit: 100 });
    expect(rest.map((u) => u.id)).toEqual(sortedIds.slice(2));
    expect(await alice.api.reactions(guild.channelId, message.id, '🍩')).toEqual([]);
    // Burst (super) reactions do not exist here.
    expect(await alice.api.rest.get(`${path(guild.channelId, message.id)}/${enc('⭐')}`, { type: 1 })).toEqual([]);

    for (const limit of [0, 101]) {
      const error = await apiError(alice.api.reactions(guild.channelId, message.id, '⭐', { limit }));
      expect(error).toMatchObject({ status: 400, code: 50035 });
    }
    expect(await apiError(alice.api.reactions(guild.channelId, message.id, 'name:1'))).toMatchObject({ code: 10014 });
    expect(await apiError(outsider.api.reactions(guild.channelId, message.id, '⭐'))).toMatchObject({ code: 10003 });
  });

  it('a member of a guild whose @everyone lacks ADD_REACTIONS can still join', async () => {
    const g = await guildWith(owner, [alice]);
    await setEveryonePermissions(g, DEFAULT_EVERYONE_PERMISSIONS & ~Permission.ADD_REACTIONS);
    const message = await owner.api.sendMessage(g.channelId, { content: 'x' });
    expect(await apiError(alice.api.react(g.channelId, message.id, '🙂'))).toMatchObject({ code: 50013 });
    await owner.api.react(g.channelId, message.id, '🙂');
    await alice.api.react(g.channelId, message.id, '🙂');
  });
});
