import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_INBOUND_FRAME_BYTES } from '../../packages/server/src/gateway/GatewayServer';
import { RawGateway } from '../support/rawGateway';
import { startServer, type TestServer, type TestUser } from '../support/testServer';
import { connectReady, resumeOn, sessionIdOf } from './support/gateway';

/**
 * Every way a client can break the protocol ends in Discord's close code for it (4000–4014), or in
 * the WebSocket code `ws` itself uses (1007 bad UTF-8, 1009 frame too large). A rate-limited
 * session (4008) may resume; an authentication failure (4004) may not.
 */

let server: TestServer;
let alice: TestUser;
beforeAll(async () => {
  server = await startServer({ gateway: { heartbeatIntervalMs: 60_000 } });
  alice = await server.user();
});
afterAll(() => server.close());

async function hello(path?: string): Promise<RawGateway> {
  const gw = await RawGateway.connect(server.baseUrl, path);
  await gw.waitFor((f) => f.op === 10);
  return gw;
}

/** Sends one frame on a fresh socket (after HELLO) and resolves the close code. */
async function closeCodeFor(frame: string | Buffer, binary = false): Promise<number> {
  const gw = await hello();
  gw.sendRaw(frame, binary);
  return gw.closed();
}

describe('decode and opcode errors', () => {
  it.each([
    ['not JSON', '{"op":1,'],
    ['JSON that is not an object', '[1,2,3]'],
    ['a string', '"hello"'],
    ['no op', '{"d":null}'],
    ['a non-integer op', '{"op":"1","d":null}'],
    ['a fractional op', '{"op":1.5,"d":null}'],
    ['a heartbeat with a negative seq', '{"op":1,"d":-1}'],
    ['a heartbeat with a string seq', '{"op":1,"d":"7"}'],
    ['an IDENTIFY without properties', '{"op":2,"d":{"token":"x"}}'],
    ['an IDENTIFY with an oversized token', JSON.stringify({ op: 2, d: { token: 'x'.repeat(600), properties: {} } })],
    ['a RESUME without session_id', '{"op":6,"d":{"token":"x","seq":1}}'],
    ['a PRESENCE_UPDATE with an unknown status', '{"op":3,"d":{"status":"busy"}}'],
    ['JSON nested too deep', `{"op":1,"d":${'['.repeat(40)}${']'.repeat(40)}}`],
    ['a __proto__ key', '{"op":1,"d":null,"__proto__":{"polluted":true}}'],
  ])('%s → 4002', async (_name, frame) => {
    expect(await closeCodeFor(frame)).toBe(4002);
  });

  it('a binary frame → 4002', async () => {
    expect(await closeCodeFor(Buffer.from('{"op":1,"d":null}'), true)).toBe(4002);
  });

  it.each([0, 5, 7, 9, 10, 11, 12, 31, 50, 51, 99, 1_000_000])('op %i (not a client opcode) → 4001', async (op) => {
    expect(await closeCodeFor(JSON.stringify({ op, d: null }))).toBe(4001);
  });

  it('invalid UTF-8 in a text frame → 1007 (ws)', async () => {
    const gw = await hello();
    gw.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false);
    expect(await gw.closed()).toBe(1007);
  });

  it(`a frame over ${MAX_INBOUND_FRAME_BYTES} bytes → 1009 (ws); one of exactly that size is read`, async () => {
    const exact = await hello();
    const padding = ' '.repeat(MAX_INBOUND_FRAME_BYTES - '{"op":1,"d":null}'.length);
    exact.sendRaw(`{"op":1,"d":null}${padding}`);
    await exact.waitFor((f) => f.op === 11);
    exact.close();
    expect(await closeCodeFor(`{"op":1,"d":null}${padding} `)).toBe(1009);
  });
});

describe('session state errors', () => {
  it('PRESENCE_UPDATE, REQUEST_GUILD_MEMBERS or VOICE_STATE_UPDATE before IDENTIFY → 4003', async () => {
    expect(await closeCodeFor('{"op":3,"d":{"status":"online","since":null,"activities":[],"afk":false}}')).toBe(4003);
    expect(await closeCodeFor('{"op":8,"d":{"guild_id":"1234567890123","query":"","limit":0}}')).toBe(4003);
    expect(await closeCodeFor('{"op":4,"d":{}}')).toBe(4003);
  });

  it('IDENTIFY with a wrong token → 4004', async () => {
    const gw = await hello();
    gw.identify('definitely-not-a-token');
    expect(await gw.closed()).toBe(4004);
  });

  it('a second IDENTIFY, or a RESUME after IDENTIFY, → 4005', async () => {
    const gw = await connectReady(server, alice.token);
    gw.identify(alice.token);
    expect(await gw.closed()).toBe(4005);
    const other = await connectReady(server, alice.token);
    other.send({ op: 6, d: { token: alice.token, session_id: sessionIdOf(other.dispatches('READY')[0]!), seq: 1 } });
    expect(await other.closed()).toBe(4005);
  });

  it('IDENTIFY sent twice back to back (before the first is done) → 4005', async () => {
    const gw = await hello();
    gw.identify(alice.token);
    gw.identify(alice.token);
    expect(await gw.closed()).toBe(4005);
  });
});

describe('connection parameters', () => {
  it.each([
    ['/gateway?v=8&encoding=json', 4012],
    ['/gateway?v=11', 4012],
    ['/gateway?v=10&encoding=etf', 4002],
    ['/gateway?v=10&encoding=json&compress=zlib-stream', 4002],
  ])('%s → %i', async (path, code) => {
    const gw = await RawGateway.connect(server.baseUrl, path);
    expect(await gw.closed()).toBe(code);
  });

  it('v=9, v=10 and no query at all are served on /, /gateway and /gateway/', async () => {
    for (const path of ['/?v=9&encoding=json', '/gateway/?v=10', '/gateway']) {
      const gw = await hello(path);
      gw.close();
    }
  });
});

describe('inbound rate limit: 120 events per 60 s per connection', () => {
  it('the 121st event closes the connection with 4008', async () => {
    const gw = await hello();
    for (let i = 0; i < 121; i++) gw.send({ op: 1, d: null });
    expect(await gw.closed()).toBe(4008);
    expect(gw.frames.filter((f) => f.op === 11)).toHaveLength(120);
  });

  it('a rate-limited session can be resumed on a new connection', async () => {
    const gw = await connectReady(server, alice.token);
    const sessionId = sessionIdOf(gw.dispatches('READY')[0]!);
    const seq = gw.lastSeq();
    // IDENTIFY was the first event of this connection.
    for (let i = 0; i < 120; i++) gw.send({ op: 1, d: seq });
    expect(await gw.closed()).toBe(4008);
    const { gw: next, outcome } = await resumeOn(server, { token: alice.token, session_id: sessionId, seq });
    expect(outcome).toBe('RESUMED');
    next.close();
  });

  it('the limit is per connection: another socket of the same user is unaffected', async () => {
    const noisy = await hello();
    const quiet = await connectReady(server, alice.token);
    for (let i = 0; i < 121; i++) noisy.send({ op: 1, d: null });
    expect(await noisy.closed()).toBe(4008);
    quiet.send({ op: 1, d: quiet.lastSeq() });
    await quiet.waitFor((f) => f.op === 11);
    quiet.close();
  });
});
