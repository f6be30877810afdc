import { GatewayIntent } from '@concord/protocol';
import { ConcordApi } from '@concord/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawGateway, type Frame } from '../support/rawGateway';
import { startServer, type TestServer, type TestUser } from '../support/testServer';
import { connectReady, flush, joinGuild, makeGuild, messageWith, type TestGuild } from './support/gateway';

/**
 * Intents decide what a session receives: guild messages, DMs, typing, reactions, members and
 * presences each need their bit; bots without MESSAGE_CONTENT get guild messages with the content
 * withheld (except their own, those mentioning them, and DMs); shards split guilds by Discord's
 * formula and DMs go to shard 0; bad intents and shards are refused with 4013 / 4010.
 *
 * Negatives are proven with a marker: a role created after the events under test reaches every
 * session (GUILDS) later than any of those events could have.
 */

const I = GatewayIntent;

let server: TestServer;
let setup: TestGuild;
let markerCount = 0;
beforeAll(async () => {
  server = await startServer({ gateway: { heartbeatIntervalMs: 60_000 } });
  setup = await makeGuild(server);
});
afterAll(() => server.close());

/** Creates a role (GUILD_ROLE_CREATE reaches every session with GUILDS) and waits for it on each socket. */
async function marker(...sockets: RawGateway[]): Promise<void> {
  const name = `marker-${++markerCount}`;
  await setup.owner.api.createRole(setup.guild.id, { name });
  const isMarker = (f: Frame) => f.t === 'GUILD_ROLE_CREATE' && (f.d as { role: { name: string } }).role.name === name;
  await Promise.all(sockets.map((gw) => gw.waitFor(isMarker)));
}

const types = (gw: RawGateway) => gw.dispatches().map((f) => f.t);

async function member(): Promise<TestUser> {
  const user = await server.user();
  await joinGuild(setup, user);
  return user;
}

describe('intents filter what a session receives', () => {
  it('without GUILD_MESSAGES: no guild message events, DMs still arrive', async () => {
    const [alice, friend] = [await member(), await member()];
    const gw = await connectReady(server, alice.token, { intents: I.GUILDS | I.DIRECT_MESSAGES });
    const dm = await friend.api.openDm(alice.id);
    const message = await setup.owner.api.sendMessage(setup.channelId, { content: 'guild chatter' });
    await setup.owner.api.editMessage(setup.channelId, message.id, { content: 'guild chatter edited' });
    await setup.owner.api.deleteMessage(setup.channelId, message.id);
    await friend.api.sendMessage(dm.id, { content: 'a direct message' });
    await gw.waitFor(messageWith('a direct message'));
    await marker(gw);
    expect(types(gw).filter((t) => t?.startsWith('MESSAGE_'))).toEqual(['MESSAGE_CREATE']);
    gw.close();
  });

  it('without DIRECT_MESSAGES: guild messages arrive, DM messages do not', async () => {
    const [alice, friend] = [await member(), await member()];
    const gw = await connectReady(server, alice.token, { intents: I.GUILDS | I.GUILD_MESSAGES });
    const dm = await friend.api.openDm(alice.id);
    await friend.api.sendMessage(dm.id, { content: 'dm you will not see' });
    await setup.owner.api.sendMessage(setup.channelId, { content: 'guild you will see' });
    await gw.waitFor(messageWith('guild you will see'));
    await marker(gw);
    expect(gw.frames.some(messageWith('dm you will not see'))).toBe(false);
    gw.close();
  });

  it('typing needs GUILD_MESSAGE_TYPING / DIRECT_MESSAGE_TYPING', async () => {
    const [alice, bob, friend] = [await member(), await member(), await member()];
    const without = await connectReady(server, alice.token, {
      intents: I.GUILDS | I.GUILD_MESSAGES | I.DIRECT_MESSAGES,
    });
    const withIt = await connectReady(server, bob.token, {
      intents: I.GUILDS | I.GUILD_MESSAGE_TYPING | I.DIRECT_MESSAGE_TYPING,
    });
    const dmA = await friend.api.openDm(alice.id);
    const dmB = await friend.api.openDm(bob.id);
    await setup.owner.api.typing(setup.channelId);
    await friend.api.typing(dmA.id);
    await friend.api.typing(dmB.id);
    await marker(without, withIt);
    expect(without.dispatches('TYPING_START')).toEqual([]);
    expect(withIt.dispatches('TYPING_START').map((f) => (f.d as { channel_id: string }).channel_id)).toEqual([
      setup.channelId,
      dmB.id,
    ]);
    without.close();
    withIt.close();
  });

  it('reactions need GUILD_MESSAGE_REACTIONS; member events need GUILD_MEMBERS; presences need GUILD_PRESENCES', async () => {
    const alice = await member();
    const bare = await connectReady(server, alice.token, { intents: I.GUILDS });
    const full = await connectReady(server, alice.token, {
      intents: I.GUILDS | I.GUILD_MESSAGE_REACTIONS | I.GUILD_MEMBERS | I.GUILD_PRESENCES,
    });
    const message = await setup.owner.api.sendMessage(setup.channelId, { content: 'react to me' });
    await setup.owner.api.react(setup.channelId, message.id, '👍');
    const newcomer = await member();
    const newcomerGw = await connectReady(server, newcomer.token);
    await marker(bare, full, newcomerGw);
    for (const t of ['MESSAGE_REACTION_ADD', 'GUILD_MEMBER_ADD', 'PRESENCE_UPDATE']) {
      expect(bare.dispatches(t), t).toEqual([]);
      expect(full.dispatches(t).length, t).toBeGreaterThan(0);
    }
    for (const gw of [bare, full, newcomerGw]) gw.close();
  });

  it('a user session that omits intents gets everything (intents are for bots)', async () => {
    const alice = await member();
    const gw = await connectReady(server, alice.token);
    await setup.owner.api.sendMessage(setup.channelId, { content: 'no intents given' });
    await gw.waitFor(messageWith('no intents given'));
    gw.close();
  });
});

describe('bots and MESSAGE_CONTENT', () => {
  let botId: string;
  let botToken: string;
  let botApi: ConcordApi;
  beforeAll(async () => {
    const app = await setup.owner.api.createApplication('Content Bot');
    botId = app.bot!.id;
    botToken = (await setup.owner.api.botToken(app.id)).token;
    botApi = new ConcordApi({ baseUrl: server.baseUrl, token: `Bot ${botToken}` });
    await setup.owner.api.authorizeBot(app.id, setup.guild.id);
  });

  const botIntents = I.GUILDS | I.GUILD_MESSAGES | I.DIRECT_MESSAGES;
  const contentOf = (gw: RawGateway, id: string) =>
    (gw.dispatches('MESSAGE_CREATE').find((f) => (f.d as { id: string }).id === id)?.d as { content: string })?.content;

  it('without MESSAGE_CONTENT a bot sees guild messages with content withheld, except its own, mentions and DMs', async () => {
    const gw = await connectReady(server, botToken, { intents: botIntents });
    const plain = await setup.owner.api.sendMessage(setup.channelId, { content: 'secret plans' });
    const mention = await setup.owner.api.sendMessage(setup.channelId, { content: `hey <@${botId}> look` });
    const own = await botApi.sendMessage(setup.channelId, { content: 'bot speaking' });
    const dm = await setup.owner.api.openDm(botId);
    const direct = await setup.owner.api.sendMessage(dm.id, { content: 'just for the bot' });
    await gw.waitFor(messageWith('just for the bot'));
    expect(contentOf(gw, plain.id)).toBe('');
    const withheld = gw.dispatches('MESSAGE_CREATE').find((f) => (f.d as { id: string }).id === plain.id)!.d;
    expect(withheld).toMatchObject({ id: plain.id, embeds: [], attachments: [], author: { id: setup.owner.id } });
    expect(contentOf(gw, mention.id)).toBe(`hey <@${botId}> look`);
    expect(contentOf(gw, own.id)).toBe('bot speaking');
    expect(contentOf(gw, direct.id)).toBe('just for the bot');
    gw.close();
  });

  it('with MESSAGE_CONTENT the bot sees content; a user session sees it regardless', async () => {
    const bot = await connectReady(server, `Bot ${botToken}`, { intents: botIntents | I.MESSAGE_CONTENT });
    const user = await member();
    const userGw = await connectReady(server, user.token, { intents: I.GUILDS | I.GUILD_MESSAGES });
    const sent = await setup.owner.api.sendMessage(setup.channelId, { content: 'for everyone' });
    await bot.waitFor(messageWith('for everyone'));
    await userGw.waitFor(messageWith('for everyone'));
    expect(contentOf(bot, sent.id)).toBe('for everyone');
    bot.close();
    userGw.close();
  });

  it('a bot must give intents, and only defined bits (4013)', async () => {
    const missing = await RawGateway.connect(server.baseUrl);
    missing.identify(botToken);
    expect(await missing.closed()).toBe(4013);
    const undefinedBit = await RawGateway.connect(server.baseUrl);
    undefinedBit.identify(botToken, { intents: 1 << 17 });
    expect(await undefinedBit.closed()).toBe(4013);
  });

  it('shards split guild events by (guild_id >> 22) % count; DMs go to shard 0 only', async () => {
    const shardOf = BigInt(setup.guild.id) >> 22n;
    const home = Number(shardOf % 2n);
    const [mine, other] = await Promise.all([
      connectReady(server, botToken, { intents: botIntents | I.MESSAGE_CONTENT, shard: [home, 2] }),
      connectReady(server, botToken, { intents: botIntents | I.MESSAGE_CONTENT, shard: [1 - home, 2] }),
    ]);
    expect((mine.dispatches('READY')[0]!.d as { guilds: Array<{ id: string }> }).guilds.map((g) => g.id)).toContain(
      setup.guild.id,
    );
    expect(
      (other.dispatches('READY')[0]!.d as { guilds: Array<{ id: string }> }).guilds.map((g) => g.id),
    ).not.toContain(setup.guild.id);
    await setup.owner.api.sendMessage(setup.channelId, { content: 'sharded' });
    const dm = await setup.owner.api.openDm(botId);
    await setup.owner.api.sendMessage(dm.id, { content: 'sharded dm' });
    const [zero, one] = home === 0 ? [mine, other] : [other, mine];
    await zero.waitFor(messageWith('sharded dm'));
    await mine.waitFor(messageWith('sharded'));
    // Everything above has been fanned out; a heartbeat round trip drains what was written to each socket.
    await Promise.all([flush(mine), flush(other)]);
    expect(other.frames.some(messageWith('sharded'))).toBe(false);
    expect(one.frames.some(messageWith('sharded dm'))).toBe(false);
    mine.close();
    other.close();
  });

  it('a bot without GUILDS that is removed and added back hears the guild again', async () => {
    const app = await setup.owner.api.createApplication('Quiet Bot');
    const token = (await setup.owner.api.botToken(app.id)).token;
    await setup.owner.api.authorizeBot(app.id, setup.guild.id);
    const gw = await connectReady(server, token, { intents: I.GUILD_MESSAGES | I.MESSAGE_CONTENT });
    await setup.owner.api.sendMessage(setup.channelId, { content: 'quiet before' });
    await gw.waitFor(messageWith('quiet before'));
    await setup.owner.api.kick(setup.guild.id, app.bot!.id);
    await setup.owner.api.sendMessage(setup.channelId, { content: 'quiet while out' });
    await setup.owner.api.authorizeBot(app.id, setup.guild.id);
    await setup.owner.api.sendMessage(setup.channelId, { content: 'quiet after' });
    await gw.waitFor(messageWith('quiet after'));
    expect(gw.frames.some(messageWith('quiet while out'))).toBe(false);
    gw.close();
  });

  it('a shard id not below the shard count is refused (4010)', async () => {
    const gw = await RawGateway.connect(server.baseUrl);
    gw.identify(botToken, { intents: botIntents, shard: [2, 2] });
    expect(await gw.closed()).toBe(4010);
  });
});
