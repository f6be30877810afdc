import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawGateway } from '../support/rawGateway';
import { startServer, type TestServer } from '../support/testServer';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ gateway: { heartbeatIntervalMs: 1_000 } });
});
afterAll(() => server.close());

describe('gateway basics', () => {
  it('answers GET /gateway and /gateway/bot with this node’s URL', async () => {
    const user = await server.user();
    const info = await user.api.rest.get<{ url: string }>('/gateway');
    expect(info.url).toBe(server.baseUrl.replace('http', 'ws') + '/gateway');
    const bot = await user.api.rest.get<{
      url: string;
      shards: number;
      session_start_limit: { max_concurrency: number };
    }>('/gateway/bot');
    expect(bot).toMatchObject({ shards: 1, session_start_limit: { max_concurrency: 1 } });
  });

  it('HELLO → IDENTIFY → READY → GUILD_CREATE → live MESSAGE_CREATE with increasing s', async () => {
    const alice = await server.user();
    const guild = await alice.api.createGuild({ name: 'Gateway' });
    const gw = await RawGateway.connect(server.baseUrl);
    const hello = await gw.waitFor((f) => f.op === 10);
    expect(hello.d).toEqual({ heartbeat_interval: 1_000 });
    const ready = await gw.ready(alice.token);
    expect(ready.s).toBe(1);
    const d = ready.d as {
      user: { id: string };
      session_id: string;
      guilds: Array<{ id: string }>;
      resume_gateway_url: string;
    };
    expect(d.user.id).toBe(alice.id);
    expect(d.guilds).toEqual([{ id: guild.id, unavailable: true }]);
    expect(d.resume_gateway_url).toContain('/gateway');
    const guildCreate = gw.dispatches('GUILD_CREATE')[0]!;
    const channels = (guildCreate.d as { channels: Array<{ id: string; last_seq: number }> }).channels;
    expect(channels.find((c) => c.id === guild.system_channel_id)?.last_seq).toBe(0);

    const sent = await alice.api.sendMessage(guild.system_channel_id!, { content: 'hello gateway' });
    const created = await gw.waitFor((f) => f.t === 'MESSAGE_CREATE');
    expect(created.d).toMatchObject({ id: sent.id, seq: 1, content: 'hello gateway', guild_id: guild.id });
    const seqs = gw.dispatches().map((f) => f.s);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    gw.send({ op: 1, d: created.s });
    await gw.waitFor((f) => f.op === 11);
    gw.close();
  });
});
