import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/testServer';
import { connectReady, makeGuild, messageWith } from './support/gateway';
import { ScriptedBus } from './support/scriptedBus';

/** A bus may deliver an event twice (NATS after a reconnect); a client must still see it once. */
const bus = new ScriptedBus();
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ gateway: { heartbeatIntervalMs: 60_000 } }, { bus });
});
afterAll(() => server.close());

describe('an event the bus delivers twice', () => {
  it('is dispatched once, and the session numbering has no gap or repeat', async () => {
    const setup = await makeGuild(server);
    const gw = await connectReady(server, setup.owner.token);
    bus.doubling = true;
    for (const content of ['first', 'second', 'third']) await setup.owner.api.sendMessage(setup.channelId, { content });
    bus.doubling = false;
    await setup.owner.api.sendMessage(setup.channelId, { content: 'marker' });
    await gw.waitFor(messageWith('marker'));
    const created = gw.frames.filter((f) => f.t === 'MESSAGE_CREATE');
    expect(created.map((f) => (f.d as { content: string }).content)).toEqual(['first', 'second', 'third', 'marker']);
    const sequence = gw.frames.filter((f) => f.op === 0).map((f) => f.s as number);
    expect(sequence).toEqual(sequence.map((_, i) => sequence[0]! + i));
    gw.close();
  });
});
