import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, TestUser } from '../support/testServer';
import { startServer } from '../support/testServer';
import {
  connectReady,
  expectContiguous,
  joinGuild,
  makeGuild,
  messageWith,
  resumeOn,
  resumeReading,
  sessionIdOf,
  type TestGuild,
} from './support/gateway';

/**
 * A client that stops reading must not make the server buffer without bound, nor slow anyone else:
 * once its socket holds more than maxBufferedBytes unsent, the server closes it with 4900 and stops
 * writing to it. Dispatches keep going to its (bounded) resume buffer, so it can RESUME on a new
 * socket and get exactly what it missed — or INVALID_SESSION when the buffer had to drop some.
 */

const MAX_BUFFERED = 65_536;
/** ~12 KB per MESSAGE_CREATE: ~4000 three-byte characters (under the 4000-character limit with its prefix). */
const BIG = '漢'.repeat(3990);
const MAX_MESSAGES = 3_000;

interface ServerLink {
  session: { userId: string } | null;
  connection: { isOpen: boolean; bufferedAmount: number };
}

/**
 * The server side of a user's socket. Reached through the gateway's private state on purpose: the
 * client under test is not reading, so it cannot tell when the server gave up on it, and the bytes
 * the server holds for it are exactly what this test bounds.
 */
function serverLinkOf(server: TestServer, userId: string): ServerLink | undefined {
  const links = (server.app.gateway as unknown as { links: Set<ServerLink> }).links;
  return [...links].find((link) => link.session?.userId === userId);
}

interface Flood {
  /** Every message id sent, in order. */
  sent: string[];
  /** The most the server ever held unsent for the slow socket. */
  maxBuffered: number;
}

/** Sends big messages until the server has closed the slow user's socket (or the cap is reached). */
async function floodUntilClosed(server: TestServer, setup: TestGuild, slow: TestUser): Promise<Flood> {
  const sent: string[] = [];
  let maxBuffered = 0;
  for (let i = 0; i < MAX_MESSAGES; i++) {
    const message = await setup.owner.api.sendMessage(setup.channelId, { content: `${i} ${BIG}` });
    sent.push(message.id);
    // Let the bus hand the event to the gateway before looking at the socket.
    await new Promise((resolve) => setImmediate(resolve));
    const link = serverLinkOf(server, slow.id);
    if (link === undefined) throw new Error('the slow socket vanished');
    maxBuffered = Math.max(maxBuffered, link.connection.bufferedAmount);
    if (!link.connection.isOpen) return { sent, maxBuffered };
  }
  throw new Error(`the server was still writing to a stalled socket after ${MAX_MESSAGES} messages`);
}

const messageIds = (frames: Array<{ t?: string | null; d: unknown }>) =>
  frames.filter((f) => f.t === 'MESSAGE_CREATE').map((f) => (f.d as { id: string }).id);

describe('slow consumer, resume buffer large enough', () => {
  let server: TestServer;
  let setup: TestGuild;
  beforeAll(async () => {
    server = await startServer({ gateway: { heartbeatIntervalMs: 60_000, maxBufferedBytes: MAX_BUFFERED } });
    setup = await makeGuild(server);
  });
  afterAll(() => server.close());

  it('is closed with 4900, never buffers far past the limit, does not slow others, and resumes exactly', async () => {
    const [slow, fast] = [await server.user(), await server.user()];
    await joinGuild(setup, slow, fast);
    const slowGw = await connectReady(server, slow.token);
    const fastGw = await connectReady(server, fast.token);
    const sessionId = sessionIdOf(slowGw.dispatches('READY')[0]!);
    slowGw.pauseReading();

    const flood = await floodUntilClosed(server, setup, slow);
    // One dispatch may land on top of the limit before the check; never more.
    expect(flood.maxBuffered).toBeLessThanOrEqual(MAX_BUFFERED + 16 * 1024);
    // After the close, the session keeps numbering into its resume buffer only.
    const after: string[] = [];
    for (let i = 0; i < 5; i++) {
      after.push((await setup.owner.api.sendMessage(setup.channelId, { content: `after ${i}` })).id);
    }
    const link = serverLinkOf(server, slow.id);
    expect(link?.connection.bufferedAmount ?? 0).toBeLessThanOrEqual(MAX_BUFFERED + 16 * 1024);

    // The reader kept up with everything, in order.
    await fastGw.waitFor(messageWith('after 4'));
    expect(messageIds(fastGw.dispatches())).toEqual([...flood.sent, ...after]);
    expectContiguous(fastGw);
    expect(fastGw.closeCode).toBeUndefined();

    // The stalled client wakes up: it reads what was written before the close, then the close.
    resumeReading(slowGw);
    expect(await slowGw.closed(20_000)).toBe(4900);
    const received = messageIds(slowGw.dispatches());
    expect(received.length).toBeGreaterThan(0);
    expect(received).toEqual([...flood.sent, ...after].slice(0, received.length));

    const { gw, outcome } = await resumeOn(server, {
      token: slow.token,
      session_id: sessionId,
      seq: slowGw.lastSeq(),
    });
    expect(outcome).toBe('RESUMED');
    // Exactly the rest: nothing twice, nothing skipped, numbering continues.
    expect([...received, ...messageIds(gw.dispatches())]).toEqual([...flood.sent, ...after]);
    const all = [...slowGw.dispatches(), ...gw.dispatches()].map((f) => f.s as number);
    expect(all).toEqual(all.map((_, i) => i + 1));
    gw.close();
    fastGw.close();
  });
});

describe('slow consumer, resume buffer too small', () => {
  let server: TestServer;
  let setup: TestGuild;
  beforeAll(async () => {
    server = await startServer({
      gateway: { heartbeatIntervalMs: 60_000, maxBufferedBytes: MAX_BUFFERED, resumeBufferEvents: 10 },
    });
    setup = await makeGuild(server);
  });
  afterAll(() => server.close());

  it('is closed with 4900 and, having missed more than the buffer holds, gets INVALID_SESSION', async () => {
    const slow = await server.user();
    await joinGuild(setup, slow);
    const slowGw = await connectReady(server, slow.token);
    const sessionId = sessionIdOf(slowGw.dispatches('READY')[0]!);
    slowGw.pauseReading();
    await floodUntilClosed(server, setup, slow);
    // More than the 10-entry buffer holds arrive after the close.
    for (let i = 0; i < 12; i++) await setup.owner.api.sendMessage(setup.channelId, { content: `lost ${i}` });
    resumeReading(slowGw);
    expect(await slowGw.closed(20_000)).toBe(4900);
    const { gw, outcome } = await resumeOn(server, { token: slow.token, session_id: sessionId, seq: slowGw.lastSeq() });
    expect(outcome).toBe('INVALID_SESSION');
    // The client starts over and catches up from the channel's seq (the store has every message).
    await gw.ready(slow.token);
    const channel = (
      gw.dispatches('GUILD_CREATE')[0]!.d as { channels: Array<{ id: string; last_seq: number }> }
    ).channels.find((c) => c.id === setup.channelId)!;
    const latest = await slow.api.messages(setup.channelId, { limit: 1 });
    expect(channel.last_seq).toBe(latest[0]!.seq);
    gw.close();
  });
});
