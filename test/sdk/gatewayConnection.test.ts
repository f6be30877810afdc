import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayClient, GatewayError, type ReconnectInfo } from '@concord/sdk';
import { GatewayCloseCode, GatewayOpcode } from '@concord/protocol';
import { withTimeout } from './fakeGateway';
import { acceptIdentify, dmChannel, guild, guildChannel, Harness, ready } from './fixtures';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.stop();
});

/** Connects a client and completes a fresh session on the next fake connection. */
async function connectReady(gw: GatewayClient, heartbeatIntervalMs = 45_000) {
  const connected = gw.connect();
  const connection = await h.gateway.nextConnection();
  const resumeUrl = `${h.gateway.url}/resume`;
  await acceptIdentify(connection, ready({ resume_gateway_url: resumeUrl }), [], heartbeatIntervalMs);
  await connected;
  return connection;
}

describe('identify → READY', () => {
  it('connects to the URL from GET /gateway and identifies with token, intents, device id and presence', async () => {
    const gw = h.client({ token: 'Bot abc.def', intents: 513, deviceId: 'device-1', presence: { status: 'idle' } });
    const guildCreated = gw.waitFor('GUILD_CREATE', undefined, 5000);
    const connected = gw.connect();
    const connection = await h.gateway.nextConnection();
    const url = new URL(connection.path, 'ws://x');
    expect(url.searchParams.get('v')).toBe('10');
    expect(url.searchParams.get('encoding')).toBe('json');
    const readyData = ready({
      private_channels: [dmChannel('7', 3)],
      guilds: [{ id: '50', unavailable: true }],
      read_state: {
        version: 1,
        partial: false,
        entries: [{ id: '7', last_message_id: null, mention_count: 2, last_seq: 1 }],
      },
    });
    const identify = await acceptIdentify(connection, readyData, [guild('50', [guildChannel('51', '50', 2)])]);

    // Bot tokens go without the "Bot " prefix, as on Discord; op 3 fields get their defaults.
    expect(identify).toEqual({
      token: 'abc.def',
      properties: { os: process.platform, browser: 'concord-sdk', device: 'concord-sdk' },
      intents: 513,
      device_id: 'device-1',
      presence: { since: null, activities: [], status: 'idle', afk: false },
    });
    expect((await connected).session_id).toBe('session-1');
    await guildCreated;
    expect(gw.state).toBe('ready');
    expect(gw.session).toEqual({ id: 'session-1', seq: 2 });
    expect([...gw.cache.channels.keys()].sort()).toEqual(['51', '7']);
    expect(gw.cache.guilds.get('50')?.name).toBe('guild 50');
    expect(gw.cache.unavailableGuilds.size).toBe(0);
    expect(gw.cache.readStates.get('7')?.mention_count).toBe(2);
  });

  it('sends a user token as is, and a presence set before connecting with IDENTIFY', async () => {
    const gw = h.client({ token: 'raw-user-token' });
    expect(gw.setPresence({ status: 'dnd' })).toBe(false);
    gw.connect().catch(() => {});
    const connection = await h.gateway.nextConnection();
    connection.hello();
    const identify = await connection.next(GatewayOpcode.IDENTIFY);
    expect(identify.d).toMatchObject({ token: 'raw-user-token', presence: { status: 'dnd' } });
  });

  it('ignores frames that are not gateway JSON and keeps the connection', async () => {
    const gw = h.client();
    const connection = await connectReady(gw);
    const debug = gw.waitFor('debug', (line) => line.includes('not gateway JSON'), 2000);
    connection.send('this is not json');
    await debug;
    const typing = gw.waitFor('TYPING_START', undefined, 2000);
    connection.dispatch('TYPING_START', { channel_id: '7', user_id: '9', timestamp: 1 });
    expect((await typing).user_id).toBe('9');
    expect(gw.state).toBe('ready');
  });

  it('rejects connect() with NO_WEBSOCKET when there is no WebSocket (Node 20 without `ws`)', async () => {
    expect((globalThis as { WebSocket?: unknown }).WebSocket).toBeUndefined();
    const gw = new GatewayClient({ api: h.rest.api(), token: 't' });
    await expect(gw.connect()).rejects.toMatchObject({ code: 'NO_WEBSOCKET' });
  });
});

describe('heartbeats', () => {
  it('heartbeats with the last seq every interval, and measures latency from the ack', async () => {
    const gw = h.client();
    const connection = await connectReady(gw, 100);
    connection.dispatch('TYPING_START', { channel_id: '7', user_id: '9', timestamp: 1 });
    for (;;) {
      const beat = await connection.next(GatewayOpcode.HEARTBEAT, 2000);
      if (beat.d === 2) break;
    }
    await withTimeout(
      (async () => {
        while (gw.latencyMs === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
      })(),
      2000,
      'latency',
    );
    expect(gw.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('answers a server heartbeat request (op 1) at once', async () => {
    const gw = h.client();
    // A 60 s interval: any heartbeat within the test is the answer to the request.
    const connection = await connectReady(gw, 60_000);
    connection.send({ op: GatewayOpcode.HEARTBEAT, d: null });
    const beat = await connection.next(GatewayOpcode.HEARTBEAT, 2000);
    expect(beat.d).toBe(1);
  });

  it('treats a missing ack as a zombie: closes with a resumable code and RESUMEs with the last seq', async () => {
    const gw = h.client();
    const reconnecting: ReconnectInfo[] = [];
    gw.on('reconnecting', (info) => reconnecting.push(info));
    const first = await connectReady(gw, 100);
    first.dispatch('TYPING_START', { channel_id: '7', user_id: '9', timestamp: 1 });
    first.autoAck = false;

    const second = await h.gateway.nextConnection();
    expect((await first.closed).code).toBe(4000);
    expect(second.path.startsWith('/resume')).toBe(true);
    second.hello(45_000);
    const resume = await second.next(GatewayOpcode.RESUME);
    expect(resume.d).toEqual({ token: 'user-token', session_id: 'session-1', seq: 2 });
    expect(reconnecting[0]).toMatchObject({ reason: 'zombie', resume: true, attempt: 0 });

    // The server replays what was missed, then RESUMED.
    const replayed = gw.waitFor('TYPING_START', (t) => t.user_id === 'replayed', 2000);
    const resumed = gw.waitFor('resumed', undefined, 2000);
    second.seq = 2;
    second.dispatch('TYPING_START', { channel_id: '7', user_id: 'replayed', timestamp: 2 });
    second.dispatch('RESUMED', {});
    await Promise.all([replayed, resumed]);
    expect(gw.state).toBe('ready');
    expect(gw.session).toEqual({ id: 'session-1', seq: 4 });
  });
});

describe('server-driven reconnects', () => {
  it('RECONNECT (op 7): closes and resumes at once', async () => {
    const gw = h.client();
    const first = await connectReady(gw);
    first.send({ op: GatewayOpcode.RECONNECT, d: null });
    const second = await h.gateway.nextConnection();
    expect((await first.closed).code).toBe(4000);
    second.hello();
    expect((await second.next(GatewayOpcode.RESUME)).d).toMatchObject({ session_id: 'session-1', seq: 1 });
  });

  it('connect() called while reconnecting resolves once the session is resumed', async () => {
    const gw = h.client();
    const first = await connectReady(gw);
    first.terminate();
    await gw.waitFor('reconnecting', undefined, 2000);
    const again = gw.connect();
    const second = await h.gateway.nextConnection();
    second.hello();
    await second.next(GatewayOpcode.RESUME);
    second.seq = 1;
    second.dispatch('RESUMED', {});
    expect((await again).session_id).toBe('session-1');
    expect(h.gateway.connections).toHaveLength(2);
  });

  it('INVALID_SESSION (d: false): waits, then IDENTIFYs again on the same socket', async () => {
    const gw = h.client();
    const first = await connectReady(gw);
    first.terminate();
    const second = await h.gateway.nextConnection();
    second.hello();
    await second.next(GatewayOpcode.RESUME);
    const sentAt = Date.now();
    second.send({ op: GatewayOpcode.INVALID_SESSION, d: false });
    await second.next(GatewayOpcode.IDENTIFY);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(9);
    const readyAgain = gw.waitFor('ready', undefined, 2000);
    second.seq = 0;
    second.dispatch('READY', ready({ session_id: 'session-2' }));
    await readyAgain;
    expect(gw.session).toEqual({ id: 'session-2', seq: 1 });
    expect(h.gateway.connections).toHaveLength(2);
  });

  it('INVALID_SESSION followed by a close: reconnects and IDENTIFYs', async () => {
    const gw = h.client();
    const first = await connectReady(gw);
    first.send({ op: GatewayOpcode.INVALID_SESSION, d: false });
    first.close(GatewayCloseCode.UNKNOWN_ERROR);
    const second = await h.gateway.nextConnection();
    second.hello();
    await second.next(GatewayOpcode.IDENTIFY);
    expect(second.received.some((frame) => frame.op === GatewayOpcode.RESUME)).toBe(false);
  });

  it.each([
    [GatewayCloseCode.SESSION_TIMED_OUT, GatewayOpcode.IDENTIFY],
    [GatewayCloseCode.INVALID_SEQ, GatewayOpcode.IDENTIFY],
    [GatewayCloseCode.SLOW_CONSUMER, GatewayOpcode.RESUME],
    [GatewayCloseCode.UNKNOWN_ERROR, GatewayOpcode.RESUME],
    [1006, GatewayOpcode.RESUME],
  ])('close %i → reconnects with op %i', async (code, expectedOp) => {
    const gw = h.client();
    const first = await connectReady(gw);
    if (code === 1006) first.terminate();
    else first.close(code);
    const second = await h.gateway.nextConnection();
    second.hello();
    const frame = await second.next([GatewayOpcode.IDENTIFY, GatewayOpcode.RESUME]);
    expect(frame.op).toBe(expectedOp);
  });

  it('a non-reconnectable close before READY rejects connect() and stops', async () => {
    const gw = h.client();
    const connected = gw.connect();
    const connection = await h.gateway.nextConnection();
    connection.hello();
    await connection.next(GatewayOpcode.IDENTIFY);
    connection.close(GatewayCloseCode.AUTHENTICATION_FAILED, 'Authentication failed.');
    const error = await connected.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'FATAL_CLOSE', closeCode: 4004 });
    expect(gw.state).toBe('closed');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(h.gateway.connections).toHaveLength(1);
  });

  it('a non-reconnectable close after READY reports FATAL_CLOSE and stops', async () => {
    const gw = h.client();
    const connection = await connectReady(gw);
    const failed = gw.waitFor('error', (e) => e.code === 'FATAL_CLOSE', 2000);
    connection.close(GatewayCloseCode.DISALLOWED_INTENTS);
    expect((await failed).closeCode).toBe(4014);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(h.gateway.connections).toHaveLength(1);
    expect(gw.state).toBe('closed');
  });

  it('drops a connection that never says HELLO and tries again', async () => {
    const gw = h.client({ handshakeTimeoutMs: 80 });
    gw.connect().catch(() => {});
    const silent = await h.gateway.nextConnection();
    const second = await h.gateway.nextConnection();
    expect((await silent.closed).code).toBe(4000);
    second.hello();
    await second.next(GatewayOpcode.IDENTIFY);
  });

  it('backs off with growing, capped, jittered delays while the gateway keeps refusing', async () => {
    const gw = h.client({ reconnectBackoff: { baseMs: 8, maxMs: 64 } });
    const delays: number[] = [];
    gw.on('reconnecting', (info) => delays.push(info.delayMs));
    const refuse = (): void => {
      void h.gateway.nextConnection().then((c) => {
        c.close(GatewayCloseCode.UNKNOWN_ERROR);
        if (delays.length < 7) refuse();
      });
    };
    refuse();
    gw.connect().catch(() => {});
    await withTimeout(
      (async () => {
        while (delays.length < 7) await new Promise((resolve) => setTimeout(resolve, 5));
      })(),
      5000,
      '7 reconnects',
    );
    // random = 0.5: half the ceiling plus a quarter; ceilings 8, 16, 32, 64, 64…
    expect(delays.slice(0, 7)).toEqual([6, 12, 24, 48, 48, 48, 48]);
  });
});

describe('client commands', () => {
  it('setPresence sends op 3 with every field', async () => {
    const gw = h.client();
    const connection = await connectReady(gw);
    expect(gw.setPresence({ status: 'dnd', activities: [{ name: 'testing', type: 0 }] })).toBe(true);
    const frame = await connection.next(GatewayOpcode.PRESENCE_UPDATE);
    expect(frame.d).toEqual({ since: null, activities: [{ name: 'testing', type: 0 }], status: 'dnd', afk: false });
  });

  it('a presence set while disconnected is sent after the RESUME', async () => {
    const gw = h.client();
    const first = await connectReady(gw);
    first.terminate();
    await gw.waitFor('reconnecting', undefined, 2000);
    expect(gw.setPresence({ status: 'idle' })).toBe(false);
    const second = await h.gateway.nextConnection();
    second.hello();
    await second.next(GatewayOpcode.RESUME);
    second.seq = 1;
    second.dispatch('RESUMED', {});
    expect((await second.next(GatewayOpcode.PRESENCE_UPDATE)).d).toMatchObject({ status: 'idle' });
  });

  it('close() ends the session with 1000, stops reconnecting and rejects a pending connect()', async () => {
    const gw = h.client();
    const first = await connectReady(gw);
    await gw.close();
    expect((await first.closed).code).toBe(1000);
    expect(gw.state).toBe('closed');
    expect(gw.session).toBeUndefined();

    const pending = gw.connect();
    const second = await h.gateway.nextConnection();
    second.hello();
    await second.next(GatewayOpcode.IDENTIFY);
    const rejected = expect(pending).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
    await gw.close();
    await rejected;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.gateway.connections).toHaveLength(2);
  });

  it('a throwing listener is reported as LISTENER_FAILED and does not break the client', async () => {
    const gw = h.client();
    gw.on('TYPING_START', () => {
      throw new Error('app bug');
    });
    const connection = await connectReady(gw);
    const failed = gw.waitFor('error', (e) => e.code === 'LISTENER_FAILED', 2000);
    const after = gw.waitFor('dispatch', (d) => d.t === 'TYPING_START', 2000);
    connection.dispatch('TYPING_START', { channel_id: '7', user_id: '9', timestamp: 1 });
    expect((await failed).message).toContain('app bug');
    await after;
  });
});
