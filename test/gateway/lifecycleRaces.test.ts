import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawGateway } from '../support/rawGateway';
import type { TestUser } from '../support/testServer';
import {
  connectReady,
  joinGuild,
  makeGuild,
  resumeOn,
  sessionIdOf,
  sleep,
  until,
  type TestGuild,
} from './support/gateway';
import { startSlowStoreServer, type SlowStoreServer } from './support/slowStoreServer';

/**
 * I8 bounded resources and honest presence when sockets die at the worst moment: a client that
 * closes or drops while its IDENTIFY or RESUME is still being handled must leave no session, bus
 * subscription, guild view or "online" presence behind. The node's own counters (GatewayServer
 * .stats()) must come back to where they started. The store answers through a timer, as a networked
 * database would, so socket events can land between a handshake's steps.
 */

const RESUME_WINDOW_MS = 1_000;

let server: SlowStoreServer;
let setup: TestGuild;
let alice: TestUser;
let watcher: TestUser;
beforeAll(async () => {
  server = await startSlowStoreServer(3, {
    gateway: { heartbeatIntervalMs: 60_000, resumeWindowMs: RESUME_WINDOW_MS },
  });
  setup = await makeGuild(server);
  [alice, watcher] = [await server.user(), await server.user()];
  await joinGuild(setup, alice, watcher);
});
afterAll(() => server.close());

/** Asks for Alice's presence through GUILD_MEMBERS_CHUNK, the on-request path. */
async function aliceLooksOnline(observer: RawGateway, nonce: string): Promise<boolean> {
  observer.send({ op: 8, d: { guild_id: setup.guild.id, user_ids: [alice.id], presences: true, nonce } });
  const chunk = await observer.waitFor(
    (f) => f.t === 'GUILD_MEMBERS_CHUNK' && (f.d as { nonce?: string }).nonce === nonce,
  );
  return (chunk.d as { presences: Array<{ user: { id: string } }> }).presences.some((p) => p.user.id === alice.id);
}

async function settled(): Promise<void> {
  // Detached sessions wait for a resume until the window ends; the sweep then ends them.
  await sleep(RESUME_WINDOW_MS + 1_200);
}

describe('sockets that go away mid-handshake', () => {
  it('closing or dropping right after IDENTIFY leaves nothing behind', async () => {
    const baseline = server.app.gateway.stats();
    for (let i = 0; i < 24; i++) {
      const gw = await RawGateway.connect(server.baseUrl);
      await gw.waitFor((f) => f.op === 10);
      gw.identify(alice.token);
      if (i % 6 > 0) await sleep(i * 2);
      if (i % 2 === 0) gw.close(1000);
      else gw.terminate();
    }
    await settled();
    expect(server.app.gateway.stats()).toEqual(baseline);
    const observer = await connectReady(server, watcher.token);
    expect(await aliceLooksOnline(observer, 'identify-race')).toBe(false);
    observer.close();
    await observer.closed();
  });

  it('dropping right after RESUME leaves nothing behind', async () => {
    const baseline = server.app.gateway.stats();
    const first = await connectReady(server, alice.token);
    const sessionId = sessionIdOf(first.dispatches('READY')[0]!);
    const seq = first.lastSeq();
    first.terminate();
    await first.closed();
    for (let i = 0; i < 8; i++) {
      const gw = await RawGateway.connect(server.baseUrl);
      await gw.waitFor((f) => f.op === 10);
      gw.send({ op: 6, d: { token: alice.token, session_id: sessionId, seq } });
      gw.terminate();
    }
    await settled();
    expect(server.app.gateway.stats()).toEqual(baseline);
    const observer = await connectReady(server, watcher.token);
    expect(await aliceLooksOnline(observer, 'resume-race')).toBe(false);
    // And the session that was raced over is gone rather than stuck on a dead socket.
    const late = await resumeOn(server, { token: alice.token, session_id: sessionId, seq });
    expect(late.outcome).toBe('INVALID_SESSION');
    late.gw.close();
    observer.close();
    await Promise.all([late.gw.closed(), observer.closed()]);
  });

  it('a burst of IDENTIFYs whose sockets drop while they wait in the identify queue leaves nothing behind', async () => {
    const baseline = server.app.gateway.stats();
    // More than the node assembles at once (16), so most of them wait in line while their socket dies.
    const sockets = await Promise.all(Array.from({ length: 40 }, () => RawGateway.connect(server.baseUrl)));
    await Promise.all(sockets.map((gw) => gw.waitFor((f) => f.op === 10)));
    for (const gw of sockets) gw.identify(alice.token);
    sockets.forEach((gw, i) => (i % 2 === 0 ? gw.terminate() : gw.close(1000)));
    await settled();
    expect(server.app.gateway.stats()).toEqual(baseline);
    const observer = await connectReady(server, watcher.token);
    expect(await aliceLooksOnline(observer, 'burst-race')).toBe(false);
    observer.close();
    await observer.closed();
  });

  it('a logout that lands while IDENTIFYs with that token are in flight closes all of them (4004)', async () => {
    const victim = await server.user();
    await joinGuild(setup, victim);
    const sockets = await Promise.all(Array.from({ length: 30 }, () => RawGateway.connect(server.baseUrl)));
    await Promise.all(sockets.map((gw) => gw.waitFor((f) => f.op === 10)));
    for (const gw of sockets) gw.identify(victim.token);
    await victim.api.logout();
    const codes = await Promise.all(sockets.map((gw) => gw.closed(10_000)));
    expect(new Set(codes)).toEqual(new Set([4004]));
    await until(() => server.app.gateway.stats().sessions === 0 && server.app.gateway.stats().connections === 0);
  });

  it('events committed while READY is being built are held back and follow it, with no gap', async () => {
    const reader = await server.user();
    await joinGuild(setup, reader);
    let sending = true;
    const sent: Array<{ id: string; seq: number }> = [];
    const sender = (async () => {
      for (let i = 0; sending && i < 200; i++) {
        const message = await setup.owner.api.sendMessage(setup.channelId, { content: `burst ${i}` });
        sent.push({ id: message.id, seq: message.seq });
      }
    })();
    // Let the burst get going, so messages commit before, during and after the snapshot.
    await until(() => sent.length >= 3);
    const gw = await connectReady(server, reader.token);
    await until(() => sent.length >= 3 + 10);
    sending = false;
    await sender;
    const last = sent.at(-1)!;
    await gw.waitFor((f) => f.t === 'MESSAGE_CREATE' && (f.d as { id: string }).id === last.id);

    const dispatches = gw.dispatches();
    expect(dispatches[0]).toMatchObject({ t: 'READY', s: 1 });
    expect(dispatches[1]).toMatchObject({ t: 'GUILD_CREATE', s: 2 });
    expect(dispatches.map((f) => f.s)).toEqual(dispatches.map((_, i) => i + 1));
    // Everything after the snapshot's head arrives live; nothing is missing in between.
    const guild = dispatches[1]!.d as { channels: Array<{ id: string; last_seq: number }> };
    const head = guild.channels.find((c) => c.id === setup.channelId)!.last_seq;
    const live = new Set(
      gw
        .dispatches('MESSAGE_CREATE')
        .map((f) => f.d as { channel_id: string; seq: number })
        .filter((m) => m.channel_id === setup.channelId)
        .map((m) => m.seq),
    );
    const needed = sent.filter((m) => m.seq > head).map((m) => m.seq);
    expect(needed.length).toBeGreaterThan(0);
    expect(needed.filter((seq) => !live.has(seq))).toEqual([]);
    gw.close(1000);
    await gw.closed();
  });

  it('a normal connect and clean close returns every counter to its baseline', async () => {
    const baseline = server.app.gateway.stats();
    const gw = await connectReady(server, alice.token);
    expect(server.app.gateway.stats().sessions).toBe(baseline.sessions + 1);
    gw.close(1000);
    await gw.closed();
    await sleep(100);
    expect(server.app.gateway.stats()).toEqual(baseline);
  });
});
