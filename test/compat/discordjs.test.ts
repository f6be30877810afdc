import { Client, Events, GatewayIntentBits, Partials, type Message } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcordApi, GatewayClient } from '@concord/sdk';
import WebSocket from 'ws';
import { startServer, type TestServer, type TestUser } from '../support/testServer';

/**
 * An unmodified discord.js 14 bot, pointed at Concord with only `rest.api` changed, logs in,
 * receives messages in a guild channel and in a DM, and replies; the human user sees the replies.
 */
let server: TestServer;
let human: TestUser;
let client: Client;
let botId: string;
let guildChannelId: string;
let dmChannelId: string;
/** The human's own client: the Concord SDK over the gateway. */
let humanClient: GatewayClient;

beforeAll(async () => {
  server = await startServer({ rateLimits: true });
  human = await server.user('human_of_the_bot');
  const guild = await human.api.createGuild({ name: 'Bot test' });
  guildChannelId = guild.system_channel_id!;
  const application = await human.api.createApplication('Echo Bot');
  botId = application.bot!.id;
  const { token } = await human.api.botToken(application.id);
  await human.api.authorizeBot(application.id, guild.id, '0');
  dmChannelId = (await human.api.openDm(botId)).id;

  client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
      GatewayIntentBits.MessageContent,
    ],
    partials: [Partials.Channel],
    rest: { api: `${server.baseUrl}/api` },
  });
  client.on(Events.MessageCreate, (message: Message) => {
    if (message.author.bot) return;
    message.reply(`echo: ${message.content}`).catch((error: unknown) => console.error('bot reply failed', error));
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(token);
  await ready;
  humanClient = new GatewayClient({
    api: new ConcordApi({ baseUrl: server.baseUrl, token: human.token }),
    token: human.token,
    WebSocket,
  });
  await humanClient.connect();
}, 60_000);

afterAll(async () => {
  await humanClient?.close();
  await client?.destroy();
  await server?.close();
});

describe('discord.js 14 compatibility', () => {
  it('becomes ready with its guild and application', () => {
    expect(client.user?.id).toBe(botId);
    expect(client.guilds.cache.size).toBe(1);
    expect(client.channels.cache.has(guildChannelId)).toBe(true);
    expect(client.application?.id).toBeDefined();
  });

  it('receives a guild message and replies; the human sees the reply', async () => {
    const replied = humanClient.waitFor(
      'MESSAGE_CREATE',
      (m) => m.author.id === botId && m.channel_id === guildChannelId,
      10_000,
    );
    const sent = await human.api.sendMessage(guildChannelId, { content: 'ping in guild' });
    expect(await replied).toMatchObject({
      channel_id: guildChannelId,
      content: 'echo: ping in guild',
      type: 19,
      message_reference: { message_id: sent.id },
    });
  });

  it('receives a DM and replies in the DM', async () => {
    const replied = humanClient.waitFor(
      'MESSAGE_CREATE',
      (m) => m.author.id === botId && m.channel_id === dmChannelId,
      10_000,
    );
    await human.api.sendMessage(dmChannelId, { content: 'ping in DM' });
    expect(await replied).toMatchObject({ channel_id: dmChannelId, content: 'echo: ping in DM' });
  });
});
