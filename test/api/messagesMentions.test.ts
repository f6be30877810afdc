import { DEFAULT_EVERYONE_PERMISSIONS, MessageType, Permission, type Message } from '@concord/protocol';
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
let stranger: TestUser;
let guild: GuildFixture;
let mentionable: string;
let secret: string;

const ids = (message: Message) => message.mentions.map((u) => u.id).sort();

beforeAll(async () => {
  server = await startServer();
  owner = await server.user();
  alice = await server.user();
  bob = await server.user();
  stranger = await server.user();
  guild = await guildWith(owner, [alice, bob]);
  mentionable = await role(guild, { name: 'pingable', mentionable: true });
  secret = await role(guild, { name: 'quiet', mentionable: false });
});
afterAll(() => server.close());

describe('user mentions', () => {
  it('mentions members who can view the channel, as User objects, in both syntaxes', async () => {
    const sent = await alice.api.sendMessage(guild.channelId, {
      content: `hi <@${bob.id}> and <@!${owner.id}> and <@${bob.id}>`,
    });
    expect(ids(sent)).toEqual([bob.id, owner.id].sort());
    expect(sent.mentions.find((u) => u.id === bob.id)).toMatchObject({ username: bob.username, discriminator: '0' });
  });

  it('ignores users who are not members, cannot view the channel, or do not exist', async () => {
    const channelId = await textChannel(guild);
    await overwrite(guild, channelId, { id: bob.id, type: 1, allow: 0n, deny: Permission.VIEW_CHANNEL });
    const sent = await alice.api.sendMessage(channelId, {
      content: `<@${stranger.id}> <@${bob.id}> <@${UNKNOWN_ID}> <@${owner.id}> <@99999999999999999999999>`,
    });
    expect(ids(sent)).toEqual([owner.id]);
  });

  it('in a DM mentions only recipients; never roles or @everyone', async () => {
    const channelId = await dm(alice, bob);
    const sent = await alice.api.sendMessage(channelId, {
      content: `@everyone <@${bob.id}> <@${owner.id}> <@&${mentionable}>`,
    });
    expect(ids(sent)).toEqual([bob.id]);
    expect(sent.mention_everyone).toBe(false);
    expect(sent.mention_roles).toEqual([]);
  });
});

describe('role and @everyone mentions', () => {
  it('mentions a mentionable role; an unmentionable one only with MENTION_EVERYONE', async () => {
    const other = await guildWith(stranger);
    const foreign = await role(other, { mentionable: true });
    const content = `<@&${mentionable}> <@&${secret}> <@&${foreign}> <@&${guild.id}>`;
    const byOwner = await owner.api.sendMessage(guild.channelId, { content });
    expect(byOwner.mention_roles.sort()).toEqual([mentionable, secret].sort());
    // Members hold MENTION_EVERYONE by default; take it away to see the difference.
    const g = await guildWith(owner, [alice]);
    const pingable = await role(g, { mentionable: true });
    const quiet = await role(g, { mentionable: false });
    await setEveryonePermissions(g, DEFAULT_EVERYONE_PERMISSIONS & ~Permission.MENTION_EVERYONE);
    const byAlice = await alice.api.sendMessage(g.channelId, { content: `<@&${pingable}> <@&${quiet}> @everyone` });
    expect(byAlice.mention_roles).toEqual([pingable]);
    expect(byAlice.mention_everyone).toBe(false);
  });

  it('@everyone and @here need MENTION_EVERYONE', async () => {
    expect((await alice.api.sendMessage(guild.channelId, { content: 'hey @everyone' })).mention_everyone).toBe(true);
    expect((await alice.api.sendMessage(guild.channelId, { content: 'hey @here!' })).mention_everyone).toBe(true);
    expect((await alice.api.sendMessage(guild.channelId, { content: 'mail me@everyonething' })).mention_everyone).toBe(
      false,
    );
    const channelId = await textChannel(guild);
    await overwrite(guild, channelId, { id: alice.id, type: 1, allow: 0n, deny: Permission.MENTION_EVERYONE });
    expect((await alice.api.sendMessage(channelId, { content: '@everyone' })).mention_everyone).toBe(false);
  });
});

describe('allowed_mentions', () => {
  const content = () => `<@${bob.id}> <@${owner.id}> <@&${mentionable}> @everyone`;

  it('parse [] pings nobody', async () => {
    const sent = await alice.api.sendMessage(guild.channelId, { content: content(), allowed_mentions: { parse: [] } });
    expect(sent).toMatchObject({ mentions: [], mention_roles: [], mention_everyone: false });
  });

  it('parse picks kinds; users/roles lists whitelist ids that appear in the content', async () => {
    const usersOnly = await alice.api.sendMessage(guild.channelId, {
      content: content(),
      allowed_mentions: { parse: ['users'] },
    });
    expect(ids(usersOnly)).toEqual([bob.id, owner.id].sort());
    expect(usersOnly).toMatchObject({ mention_roles: [], mention_everyone: false });

    const listed = await alice.api.sendMessage(guild.channelId, {
      content: content(),
      allowed_mentions: { users: [bob.id, stranger.id], roles: [mentionable], parse: ['everyone'] },
    });
    expect(ids(listed)).toEqual([bob.id]);
    expect(listed).toMatchObject({ mention_roles: [mentionable], mention_everyone: true });
  });

  it('rejects parse:users together with a users list (400 50035)', async () => {
    const error = await apiError(
      alice.api.sendMessage(guild.channelId, {
        content: 'x',
        allowed_mentions: { parse: ['roles'], roles: [mentionable] },
      }),
    );
    expect(error).toMatchObject({ status: 400, code: 50035 });
    expect(error.body).toHaveProperty('errors.allowed_mentions._errors');
  });
});

describe('replies', () => {
  it('a reply is type 19 with message_reference and referenced_message, and pings the replied author', async () => {
    const channelId = await textChannel(guild);
    const original = await bob.api.sendMessage(channelId, { content: 'question?' });
    const from = server.events.length;
    const reply = await alice.api.sendMessage(channelId, {
      content: 'answer',
      message_reference: { message_id: original.id },
    });
    expect(reply).toMatchObject({
      type: MessageType.REPLY,
      message_reference: { message_id: original.id, channel_id: channelId },
      referenced_message: { id: original.id, content: 'question?', author: { id: bob.id } },
    });
    expect(ids(reply)).toEqual([bob.id]);
    const [event] = eventsSince(server, from, 'MESSAGE_CREATE');
    expect(event?.data).toMatchObject({
      referenced_message: { id: original.id },
      message_reference: { message_id: original.id, guild_id: guild.id },
    });
    expect((await bob.api.getMessage(channelId, reply.id)).referenced_message?.id).toBe(original.id);
  });

  it('does not ping the replied author when allowed_mentions says so', async () => {
    const original = await bob.api.sendMessage(guild.channelId, { content: 'q' });
    const quiet = await alice.api.sendMessage(guild.channelId, {
      content: 'a',
      message_reference: { message_id: original.id },
      allowed_mentions: { parse: [] },
    });
    expect(quiet.mentions).toEqual([]);
    const loud = await alice.api.sendMessage(guild.channelId, {
      content: 'a',
      message_reference: { message_id: original.id },
      allowed_mentions: { parse: [], replied_user: true },
    });
    expect(ids(loud)).toEqual([bob.id]);
  });

  it('an unknown, deleted or foreign reference is 400 50035 unless fail_if_not_exists is false', async () => {
    const channelId = await textChannel(guild);
    const elsewhere = await bob.api.sendMessage(guild.channelId, { content: 'other channel' });
    const deleted = await bob.api.sendMessage(channelId, { content: 'soon gone' });
    await bob.api.deleteMessage(channelId, deleted.id);
    for (const reference of [
      { message_id: UNKNOWN_ID },
      { message_id: deleted.id },
      { message_id: elsewhere.id },
      { message_id: elsewhere.id, channel_id: guild.channelId },
    ]) {
      const error = await apiError(alice.api.sendMessage(channelId, { content: 'x', message_reference: reference }));
      expect(error, JSON.stringify(reference)).toMatchObject({ status: 400, code: 50035 });
      expect(JSON.stringify(error.body)).toContain('message_reference');
    }
    const lenient = await alice.api.sendMessage(channelId, {
      content: 'plain',
      message_reference: { message_id: UNKNOWN_ID, fail_if_not_exists: false },
    });
    expect(lenient.type).toBe(MessageType.DEFAULT);
    expect(lenient).not.toHaveProperty('message_reference');
    expect(lenient).not.toHaveProperty('referenced_message');
    // Only the lenient one (and bob's tombstone) reached the channel.
    expect((await alice.api.messages(channelId)).map((m) => m.content)).toEqual(['plain']);
  });

  it('rejects forwards (reference type 1) and a reference without message_id', async () => {
    const original = await bob.api.sendMessage(guild.channelId, { content: 'q' });
    const forward = await apiError(
      alice.api.sendMessage(guild.channelId, { content: 'x', message_reference: { type: 1, message_id: original.id } }),
    );
    expect(forward).toMatchObject({ status: 400, code: 50035 });
    const bare = await apiError(alice.api.sendMessage(guild.channelId, { content: 'x', message_reference: {} }));
    expect(bare).toMatchObject({ status: 400, code: 50035 });
  });

  it('shows referenced_message null once the replied message is deleted', async () => {
    const original = await bob.api.sendMessage(guild.channelId, { content: 'short-lived' });
    const reply = await alice.api.sendMessage(guild.channelId, {
      content: 're',
      message_reference: { message_id: original.id },
    });
    await bob.api.deleteMessage(guild.channelId, original.id);
    const fetched = await alice.api.getMessage(guild.channelId, reply.id);
    expect(fetched.referenced_message).toBeNull();
    expect(fetched.message_reference?.message_id).toBe(original.id);
    // The reply's own tombstone keeps its seq but not what it answered.
    await alice.api.deleteMessage(guild.channelId, reply.id);
    const [tombstone] = await alice.api.messages(guild.channelId, { after_seq: reply.seq - 1, limit: 1 });
    expect(tombstone).toMatchObject({ id: reply.id, seq: reply.seq, deleted: true, content: '', mentions: [] });
    expect(tombstone).not.toHaveProperty('message_reference');
    expect(tombstone).not.toHaveProperty('referenced_message');
  });
});

describe('mentions on edit', () => {
  it('re-parses mentions from the new content and keeps pinging a replied author', async () => {
    const original = await bob.api.sendMessage(guild.channelId, { content: 'q' });
    const reply = await alice.api.sendMessage(guild.channelId, {
      content: 'a',
      message_reference: { message_id: original.id },
    });
    const edited = await alice.api.editMessage(guild.channelId, reply.id, {
      content: `a, and <@${owner.id}> @everyone`,
    });
    expect(ids(edited)).toEqual([bob.id, owner.id].sort());
    expect(edited.mention_everyone).toBe(true);
    const plain = await alice.api.sendMessage(guild.channelId, { content: `<@${owner.id}>` });
    const cleared = await alice.api.editMessage(guild.channelId, plain.id, { content: 'nobody' });
    expect(cleared.mentions).toEqual([]);
  });
});
