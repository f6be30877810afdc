import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heartbeatTimeout } from '../../packages/server/src/gateway/GatewayServer';
import { RawGateway, type Frame } from '../support/rawGateway';
import { startServer, type TestServer, type TestUser } from '../support/testServer';
import { connectReady, joinGuild, makeGuild, resumeOn, sessionIdOf, sleep, type TestGuild } from './support/gateway';

/**
 * Liveness: HEARTBEAT is answered with HEARTBEAT_ACK; a session that stops heartbeating is closed
 * with 4009 and cannot be resumed; a socket that never identifies is closed with 4003; and a device
 * that vanishes — cleanly dropped TCP or a silent zombie that never answers the close — goes
 * offline for the people who can see it, at the latest after the heartbeat timeout.
 */

const HEARTBEAT_MS = 400;
const TIMEOUT_MS = heartbeatTimeout(HEARTBEAT_MS);

let server: TestServer;
let setup: TestGuild;
beforeAll(async () => {
  server = await startServer({ gateway: { heartbeatIntervalMs: HEARTBEAT_MS } });
  setup = await makeGuild(server);
});
afterAll(() => server.close());

async function member(): Promise<TestUser> {
  const user = await server.user();
  await joinGuild(setup, user);
  return user;
}

const presenceOf = (userId: string, status: string) => (f: Frame) =>
  f.t === 'PRESENCE_UPDATE' &&
  (f.d as { user: { id: string }; status: string }).user.id === userId &&
  (f.d as { status: string }).status === status;

describe('heartbeats', () => {
  it('HELLO announces the configured interval; HEARTBEAT gets HEARTBEAT_ACK before and after IDENTIFY', async () => {
    const alice = await member();
    const gw = await RawGateway.connect(server.baseUrl);
    expect((await gw.waitFor((f) => f.op === 10)).d).toEqual({ heartbeat_interval: HEARTBEAT_MS });
    gw.send({ op: 1, d: null });
    await gw.waitFor((f) => f.op === 11);
    await gw.ready(alice.token);
    gw.send({ op: 1, d: gw.lastSeq() });
    await gw.waitFor((f) => f.op === 11 && gw.frames.filter((g) => g.op === 11).length === 2);
    // A heartbeat without `d` is accepted as null.
    gw.send({ op: 1 });
    await gw.waitFor(() => gw.frames.filter((g) => g.op === 11).length === 3);
    gw.close();
  });

  it('a heartbeating session stays open well past the timeout', async () => {
    const alice = await member();
    const gw = await connectReady(server, alice.token);
    gw.startHeartbeats(HEARTBEAT_MS);
    await sleep(TIMEOUT_MS * 2);
    expect(gw.closeCode).toBeUndefined();
    await setup.owner.api.sendMessage(setup.channelId, { content: 'still here' });
    await gw.waitFor((f) => f.t === 'MESSAGE_CREATE');
    gw.close();
  });

  it('a session that stops heartbeating is closed with 4009 and cannot be resumed', async () => {
    const alice = await member();
    const gw = await connectReady(server, alice.token);
    const sessionId = sessionIdOf(gw.dispatches('READY')[0]!);
    expect(await gw.closed(TIMEOUT_MS + 3_000)).toBe(4009);
    const { gw: second, outcome } = await resumeOn(server, {
      token: alice.token,
      session_id: sessionId,
      seq: gw.lastSeq(),
    });
    expect(outcome).toBe('INVALID_SESSION');
    second.close();
  });

  it('a socket that never identifies (and never heartbeats) is closed with 4003', async () => {
    const gw = await RawGateway.connect(server.baseUrl);
    expect(await gw.closed(TIMEOUT_MS + 3_000)).toBe(4003);
  });
});

describe('a vanished device goes offline', () => {
  it('at once when its TCP connection is dropped without a close frame', async () => {
    const [alice, watcher] = [await member(), await member()];
    const observer = await connectReady(server, watcher.token);
    observer.startHeartbeats(HEARTBEAT_MS);
    const gw = await connectReady(server, alice.token);
    await observer.waitFor(presenceOf(alice.id, 'online'));
    gw.terminate();
    await observer.waitFor(presenceOf(alice.id, 'offline'), TIMEOUT_MS);
    observer.close();
  });

  it('after the heartbeat timeout when it goes silent and never completes the close handshake', async () => {
    const [alice, watcher] = [await member(), await member()];
    const observer = await connectReady(server, watcher.token);
    observer.startHeartbeats(HEARTBEAT_MS);
    const zombie = await connectReady(server, alice.token);
    await observer.waitFor(presenceOf(alice.id, 'online'));
    // Half-open connection: the peer neither reads (so never answers the server's close) nor heartbeats.
    zombie.pauseReading();
    try {
      // ws itself would give up on the close handshake only after 30 s; presence must not wait for that.
      await observer.waitFor(presenceOf(alice.id, 'offline'), TIMEOUT_MS + 3_000);
      // The zombie wakes up and speaks before it has read the close: its ended session must not come back.
      zombie.send({ op: 3, d: { since: null, activities: [], status: 'online', afk: false } });
      observer.send({ op: 8, d: { guild_id: setup.guild.id, user_ids: [alice.id], presences: true, nonce: 'z' } });
      const chunk = await observer.waitFor((f) => f.t === 'GUILD_MEMBERS_CHUNK');
      expect((chunk.d as { presences: unknown[] }).presences).toEqual([]);
      expect(observer.frames.filter(presenceOf(alice.id, 'online'))).toHaveLength(1);
    } finally {
      zombie.terminate();
      observer.close();
    }
  });
});
