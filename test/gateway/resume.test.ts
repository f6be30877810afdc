import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../support/rawGateway';
import { startServer, type TestServer, type TestUser } from '../support/testServer';
import {
  connectReady,
  flush,
  joinGuild,
  makeGuild,
  messageWith,
  resumeOn,
  sessionIdOf,
  sleep,
  type TestGuild,
} from './support/gateway';

/**
 * RESUME: a session outlives its socket for the resume window, numbers its dispatches with `s`, and
 * a client resuming with the last `s` it saw gets exactly the dispatches it missed, then RESUMED.
 * When the session cannot serve that (unknown, ended, expired, not yours, buffer overflowed, seq
 * from the future) the answer is INVALID_SESSION and the socket stays usable for IDENTIFY.
 */

const HEARTBEAT_MS = 1_000;
const RESUME_WINDOW_MS = 1_500;

let server: TestServer;
let setup: TestGuild;
beforeAll(async () => {
  server = await startServer({ gateway: { heartbeatIntervalMs: HEARTBEAT_MS, resumeWindowMs: RESUME_WINDOW_MS } });
  setup = await makeGuild(server);
});
afterAll(() => server.close());

async function member(): Promise<TestUser> {
  const user = await server.user();
  await joinGuild(setup, user);
  return user;
}

const messageEvents = (frames: Frame[]) =>
  frames
    .filter((f) => f.op === 0 && (f.t ?? '').startsWith('MESSAGE_'))
    .map((f) => ({ t: f.t, id: (f.d as { id: string }).id, content: (f.d as { content?: string }).content }));

describe('RESUME replays what was missed', () => {
  it('replays exactly the missed dispatches in order with contiguous s, then RESUMED, then live events', async () => {
    const bob = await member();
    const first = await connectReady(server, bob.token);
    const ready = first.dispatches('READY')[0]!;
    const m1 = await setup.owner.api.sendMessage(setup.channelId, { content: 'before the drop' });
    await first.waitFor(messageWith('before the drop'));
    const lastSeen = first.lastSeq()!;
    first.terminate();
    await first.closed();

    const m2 = await setup.owner.api.sendMessage(setup.channelId, { content: 'missed one' });
    const m3 = await setup.owner.api.sendMessage(setup.channelId, { content: 'missed two' });
    await setup.owner.api.editMessage(setup.channelId, m1.id, { content: 'edited while away' });
    await setup.owner.api.deleteMessage(setup.channelId, m2.id);
    // Bus delivery is asynchronous: let the fan-out reach the detached session's buffer.
    await sleep(100);

    const { gw, outcome } = await resumeOn(server, { token: bob.token, session_id: sessionIdOf(ready), seq: lastSeen });
    expect(outcome).toBe('RESUMED');
    const resumed = gw.dispatches('RESUMED')[0]!;
    const replayed = gw.dispatches().filter((f) => (f.s as number) < (resumed.s as number));
    // Nothing the client already had is sent again, and nothing is skipped.
    expect(replayed.map((f) => f.s)).toEqual(replayed.map((_, i) => lastSeen + 1 + i));
    expect(resumed.s).toBe(lastSeen + replayed.length + 1);
    expect(messageEvents(replayed)).toEqual([
      { t: 'MESSAGE_CREATE', id: m2.id, content: 'missed one' },
      { t: 'MESSAGE_CREATE', id: m3.id, content: 'missed two' },
      { t: 'MESSAGE_UPDATE', id: m1.id, content: 'edited while away' },
      { t: 'MESSAGE_DELETE', id: m2.id, content: undefined },
    ]);
    // No READY or GUILD_CREATE: a resume is not a new session.
    expect(gw.dispatches('READY')).toEqual([]);
    expect(gw.dispatches('GUILD_CREATE')).toEqual([]);

    await setup.owner.api.sendMessage(setup.channelId, { content: 'live after resume' });
    const live = await gw.waitFor(messageWith('live after resume'));
    expect(live.s).toBeGreaterThan(resumed.s as number);
    // Across both sockets the client saw every s once, in order.
    const all = [...first.dispatches(), ...gw.dispatches()].map((f) => f.s as number);
    expect(all).toEqual(all.map((_, i) => i + 1));
    gw.close();
  });

  it('the snapshot is not replayed: a RESUME from inside READY/GUILD_CREATE is refused', async () => {
    for (const seq of [null, 1]) {
      const bob = await member();
      const first = await connectReady(server, bob.token);
      const ready = first.dispatches('READY')[0]!;
      expect(first.lastSeq()).toBeGreaterThan(1); // READY + at least one GUILD_CREATE
      first.terminate();
      await first.closed();
      // Missed part of the snapshot (or all of it: seq null): the client must identify again.
      const { gw, outcome } = await resumeOn(server, { token: bob.token, session_id: sessionIdOf(ready), seq });
      expect(outcome).toBe('INVALID_SESSION');
      expect(gw.dispatches('READY')).toHaveLength(0);
      await gw.ready(bob.token);
      expect(gw.dispatches('READY')).toHaveLength(1);
      gw.close();
    }
  });

  it('a RESUME from the end of the snapshot replays only what came after it', async () => {
    const bob = await member();
    const first = await connectReady(server, bob.token);
    const ready = first.dispatches('READY')[0]!;
    const snapshotEnd = first.lastSeq()!;
    first.terminate();
    await first.closed();
    await setup.owner.api.sendMessage(setup.channelId, { content: 'after the snapshot' });
    const { gw, outcome } = await resumeOn(server, {
      token: bob.token,
      session_id: sessionIdOf(ready),
      seq: snapshotEnd,
    });
    expect(outcome).toBe('RESUMED');
    const replayed = gw.dispatches().filter((f) => f.t !== 'RESUMED');
    expect(replayed.map((f) => f.t)).not.toContain('GUILD_CREATE');
    expect(messageEvents(replayed).map((e) => e.content)).toEqual(['after the snapshot']);
    expect(replayed[0]!.s).toBe(snapshotEnd + 1);
    gw.close();
  });

  it('a RESUME while the old socket is still open moves the session and closes the old socket (4000)', async () => {
    const bob = await member();
    const first = await connectReady(server, bob.token);
    const ready = first.dispatches('READY')[0]!;
    const { gw, outcome } = await resumeOn(server, {
      token: bob.token,
      session_id: sessionIdOf(ready),
      seq: first.lastSeq(),
    });
    expect(outcome).toBe('RESUMED');
    expect(await first.closed()).toBe(4000);
    await setup.owner.api.sendMessage(setup.channelId, { content: 'to the new socket' });
    await gw.waitFor(messageWith('to the new socket'));
    expect(first.frames.some(messageWith('to the new socket'))).toBe(false);
    gw.close();
  });

  it('a stale socket that never completes its close does not kill the session that moved away from it', async () => {
    const bob = await member();
    const first = await connectReady(server, bob.token);
    const ready = first.dispatches('READY')[0]!;
    // The old connection goes silent: no reads (so no close handshake), no heartbeats.
    first.pauseReading();
    const { gw, outcome } = await resumeOn(server, {
      token: bob.token,
      session_id: sessionIdOf(ready),
      seq: first.lastSeq(),
    });
    expect(outcome).toBe('RESUMED');
    try {
      gw.startHeartbeats(HEARTBEAT_MS / 2);
      // Well past the old socket's heartbeat timeout (1.5 × interval + 1 s).
      await sleep(HEARTBEAT_MS * 3 + 500);
      await setup.owner.api.sendMessage(setup.channelId, { content: 'still delivered' });
      await gw.waitFor(messageWith('still delivered'));
      expect(gw.closeCode).toBeUndefined();
    } finally {
      gw.close();
      first.terminate();
    }
  });
});

describe('RESUME that cannot be served answers INVALID_SESSION', () => {
  async function detachedSession(): Promise<{ bob: TestUser; sessionId: string; seq: number }> {
    const bob = await member();
    const gw = await connectReady(server, bob.token);
    const sessionId = sessionIdOf(gw.dispatches('READY')[0]!);
    const seq = gw.lastSeq()!;
    gw.terminate();
    await gw.closed();
    return { bob, sessionId, seq };
  }

  it('for an unknown session id, and the socket can still IDENTIFY', async () => {
    const bob = await member();
    const { gw, outcome } = await resumeOn(server, { token: bob.token, session_id: 'f'.repeat(32), seq: 1 });
    expect(outcome).toBe('INVALID_SESSION');
    expect(gw.frames.find((f) => f.op === 9)?.d).toBe(false);
    await gw.ready(bob.token);
    expect(gw.dispatches('READY')).toHaveLength(1);
    gw.close();
  });

  it('for someone else’s session, without harming it', async () => {
    const { bob, sessionId, seq } = await detachedSession();
    const mallory = await member();
    const attempt = await resumeOn(server, { token: mallory.token, session_id: sessionId, seq });
    expect(attempt.outcome).toBe('INVALID_SESSION');
    attempt.gw.close();
    const real = await resumeOn(server, { token: bob.token, session_id: sessionId, seq });
    expect(real.outcome).toBe('RESUMED');
    real.gw.close();
  });

  it('for an invalid token', async () => {
    const { sessionId, seq } = await detachedSession();
    const { gw, outcome } = await resumeOn(server, { token: 'not-a-token', session_id: sessionId, seq });
    expect(outcome).toBe('INVALID_SESSION');
    gw.close();
  });

  it('for a seq the server never sent, and the session is ended', async () => {
    const { bob, sessionId, seq } = await detachedSession();
    const ahead = await resumeOn(server, { token: bob.token, session_id: sessionId, seq: seq + 5 });
    expect(ahead.outcome).toBe('INVALID_SESSION');
    ahead.gw.close();
    const again = await resumeOn(server, { token: bob.token, session_id: sessionId, seq });
    expect(again.outcome).toBe('INVALID_SESSION');
    again.gw.close();
  });

  it('after the client closed with 1000 (a clean close ends the session, as on Discord)', async () => {
    const bob = await member();
    const gw = await connectReady(server, bob.token);
    const sessionId = sessionIdOf(gw.dispatches('READY')[0]!);
    const seq = gw.lastSeq()!;
    gw.close(1000);
    await gw.closed();
    await sleep(50);
    const { gw: second, outcome } = await resumeOn(server, { token: bob.token, session_id: sessionId, seq });
    expect(outcome).toBe('INVALID_SESSION');
    second.close();
  });

  it('after the resume window has passed', async () => {
    const { bob, sessionId, seq } = await detachedSession();
    // The sweep runs every min(1 s, interval/4); give it the window plus two sweeps.
    await sleep(RESUME_WINDOW_MS + 700);
    const { gw, outcome } = await resumeOn(server, { token: bob.token, session_id: sessionId, seq });
    expect(outcome).toBe('INVALID_SESSION');
    gw.close();
  });

  it('twice in a row: a session resumes once per socket, and the second RESUME on a bound socket is 4005', async () => {
    const { bob, sessionId, seq } = await detachedSession();
    const { gw, outcome } = await resumeOn(server, { token: bob.token, session_id: sessionId, seq });
    expect(outcome).toBe('RESUMED');
    gw.send({ op: 6, d: { token: bob.token, session_id: sessionId, seq } });
    expect(await gw.closed()).toBe(4005);
  });
});

describe('a bounded resume buffer', () => {
  let small: TestServer;
  let smallGuild: TestGuild;
  beforeAll(async () => {
    small = await startServer({ gateway: { heartbeatIntervalMs: HEARTBEAT_MS, resumeBufferEvents: 10 } });
    smallGuild = await makeGuild(small);
  });
  afterAll(() => small.close());

  it('serves a resume whose missed dispatches are all still buffered, though older ones were evicted', async () => {
    const bob = await small.user();
    await joinGuild(smallGuild, bob);
    const gw = await connectReady(small, bob.token);
    const sessionId = sessionIdOf(gw.dispatches('READY')[0]!);
    // Twelve live messages push READY and the early dispatches out of the 10-entry buffer.
    for (let i = 0; i < 12; i++) await smallGuild.owner.api.sendMessage(smallGuild.channelId, { content: `live${i}` });
    await gw.waitFor(messageWith('live11'));
    const seq = gw.lastSeq()!;
    gw.terminate();
    await gw.closed();
    for (let i = 0; i < 3; i++) await smallGuild.owner.api.sendMessage(smallGuild.channelId, { content: `gone${i}` });
    await sleep(100);
    const { gw: second, outcome } = await resumeOn(small, { token: bob.token, session_id: sessionId, seq });
    expect(outcome).toBe('RESUMED');
    expect(messageEvents(second.dispatches()).map((m) => m.content)).toEqual(['gone0', 'gone1', 'gone2']);
    expect(second.dispatches()[0]!.s).toBe(seq + 1);
    second.close();
  });

  it('answers INVALID_SESSION once a dispatch the client needs was evicted', async () => {
    const bob = await small.user();
    await joinGuild(smallGuild, bob);
    const gw = await connectReady(small, bob.token);
    const sessionId = sessionIdOf(gw.dispatches('READY')[0]!);
    const seq = gw.lastSeq()!;
    gw.terminate();
    await gw.closed();
    for (let i = 0; i < 12; i++) await smallGuild.owner.api.sendMessage(smallGuild.channelId, { content: `over${i}` });
    await sleep(100);
    const { gw: second, outcome } = await resumeOn(small, { token: bob.token, session_id: sessionId, seq });
    expect(outcome).toBe('INVALID_SESSION');
    // The socket is still good for a fresh session.
    await second.ready(bob.token);
    second.close();
  });

  it('lets go of what a heartbeat acknowledged: a resume from there works, from before it does not', async () => {
    const bob = await small.user();
    await joinGuild(smallGuild, bob);
    const gw = await connectReady(small, bob.token);
    const sessionId = sessionIdOf(gw.dispatches('READY')[0]!);
    for (let i = 0; i < 3; i++) await smallGuild.owner.api.sendMessage(smallGuild.channelId, { content: `acked${i}` });
    await gw.waitFor(messageWith('acked2'));
    const acknowledged = gw.lastSeq()!;
    await flush(gw); // a heartbeat carrying the last s it has
    gw.terminate();
    await gw.closed();
    await smallGuild.owner.api.sendMessage(smallGuild.channelId, { content: 'after the ack' });
    await sleep(100);
    // A client that claims to have less than it acknowledged cannot be served: the buffer let it go.
    const refused = await resumeOn(small, { token: bob.token, session_id: sessionId, seq: acknowledged - 1 });
    expect(refused.outcome).toBe('INVALID_SESSION');
    refused.gw.close();
  });

  it('a heartbeat acknowledging its last s still resumes from that s with what came after', async () => {
    const bob = await small.user();
    await joinGuild(smallGuild, bob);
    const gw = await connectReady(small, bob.token);
    const sessionId = sessionIdOf(gw.dispatches('READY')[0]!);
    await smallGuild.owner.api.sendMessage(smallGuild.channelId, { content: 'seen' });
    await gw.waitFor(messageWith('seen'));
    const acknowledged = gw.lastSeq()!;
    await flush(gw);
    gw.terminate();
    await gw.closed();
    await smallGuild.owner.api.sendMessage(smallGuild.channelId, { content: 'missed after the ack' });
    await sleep(100);
    const { gw: second, outcome } = await resumeOn(small, {
      token: bob.token,
      session_id: sessionId,
      seq: acknowledged,
    });
    expect(outcome).toBe('RESUMED');
    expect(messageEvents(second.dispatches()).map((m) => m.content)).toEqual(['missed after the ack']);
    expect(second.dispatches()[0]!.s).toBe(acknowledged + 1);
    second.close();
  });
});
