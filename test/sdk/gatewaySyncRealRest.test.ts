import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { GatewayClient, MemoryCursorStore } from '@concord/sdk';
import type { Message } from '@concord/protocol';
import { startServer, type TestServer } from '../support/testServer';
import { FakeGateway } from './fakeGateway';
import { acceptIdentify, collectMessages, guild, guildChannel, ready } from './fixtures';

/**
 * The gap-fill against the real REST API (`after_seq` paging with tombstones), with a scripted
 * gateway: proves the client and the server agree on the sync contract, not just the fakes.
 */
let server: TestServer;
let gateway: FakeGateway;
beforeAll(async () => {
  [server, gateway] = await Promise.all([startServer(), FakeGateway.start()]);
});
afterAll(async () => {
  await Promise.all([server.close(), gateway.close()]);
});

describe('gap-fill over the real REST API', () => {
  it('catches up a guild channel from its stored cursor, skipping deleted messages', async () => {
    const owner = await server.user();
    const created = await owner.api.createGuild({ name: 'Sync' });
    const channel = await owner.api.createGuildChannel(created.id, { name: 'sync' });
    const sent: Message[] = [];
    for (let i = 1; i <= 5; i++) sent.push(await owner.api.sendMessage(channel.id, { content: `m${i}` }));
    await owner.api.deleteMessage(channel.id, sent[2]?.id ?? '');
    const firstSeq = sent[0]?.seq ?? 1;
    const head = sent[4]?.seq ?? 5;

    const cursors = new MemoryCursorStore();
    cursors.set(channel.id, firstSeq - 1);
    const gw = new GatewayClient({ api: owner.api, token: owner.token, WebSocket, url: gateway.url, cursors });
    const seen = collectMessages(gw);
    const contents: string[] = [];
    gw.on('message', (m) => contents.push(m.content));
    try {
      const connected = gw.connect();
      const connection = await gateway.nextConnection();
      const g = guild(created.id, [guildChannel(channel.id, created.id, head)]);
      await acceptIdentify(connection, ready({ guilds: [{ id: created.id, unavailable: true }] }), [g]);
      await connected;
      const deadline = Date.now() + 5000;
      while (cursors.get(channel.id) !== head && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await gw.sync?.idle();
      expect(contents).toEqual(['m1', 'm2', 'm4', 'm5']);
      expect(seen.get(channel.id)).toEqual([0, 1, 3, 4].map((i) => sent[i]?.seq));
      expect(cursors.get(channel.id)).toBe(head);
    } finally {
      await gw.close();
    }
  });
});
