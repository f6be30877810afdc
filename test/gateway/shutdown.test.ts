import { describe, expect, it } from 'vitest';
import { RawGateway } from '../support/rawGateway';
import { startServer } from '../support/testServer';
import { connectReady, joinGuild, makeGuild } from './support/gateway';

/**
 * A node that shuts down asks its clients to move: every identified session gets RECONNECT (op 7),
 * then every socket is closed with 1012 (service restart), which clients treat as "reconnect".
 * A stalled client that never answers the close must not hold the shutdown hostage.
 */

describe('shutdown', () => {
  it('sends RECONNECT to every session, then closes all sockets with 1012', async () => {
    const server = await startServer({ gateway: { heartbeatIntervalMs: 60_000 } });
    const setup = await makeGuild(server);
    const [alice, bob] = [await server.user(), await server.user()];
    await joinGuild(setup, alice, bob);
    const sessions = await Promise.all([
      connectReady(server, alice.token),
      connectReady(server, bob.token),
      connectReady(server, bob.token),
    ]);
    const unidentified = await RawGateway.connect(server.baseUrl);
    await unidentified.waitFor((f) => f.op === 10);

    await server.close();
    for (const gw of sessions) {
      expect(await gw.closed()).toBe(1012);
      const reconnect = gw.frames.findIndex((f) => f.op === 7);
      expect(reconnect).toBeGreaterThan(0);
      expect(gw.frames[reconnect]!.d).toBeNull();
      // RECONNECT is the last thing the session says.
      expect(gw.frames.slice(reconnect + 1)).toEqual([]);
    }
    expect(await unidentified.closed()).toBe(1012);
    expect(unidentified.frames.some((f) => f.op === 7)).toBe(false);
  });

  it('does not wait for a stalled client to answer the close', async () => {
    const server = await startServer({ gateway: { heartbeatIntervalMs: 60_000 } });
    const alice = await server.user();
    const stalled = await connectReady(server, alice.token);
    stalled.pauseReading();
    const healthy = await connectReady(server, alice.token);
    const started = Date.now();
    try {
      await server.close();
      // ws would wait 30 s for the close handshake; a deploy should not.
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(await healthy.closed()).toBe(1012);
    } finally {
      stalled.terminate();
    }
  });
});
