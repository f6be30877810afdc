import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawGateway } from '../support/rawGateway';
import { startServer, type TestServer } from '../support/testServer';

/**
 * Cross-site WebSocket hijacking: a browser sends Origin on every WebSocket upgrade. Only this
 * server's own origin (same host as the request), the public URL's origin and configured origins
 * may open a gateway socket; any other Origin is refused at the upgrade with 403, before a socket
 * exists. Clients that send no Origin (bots, Node) are let in and must IDENTIFY. Other paths are 404.
 */

let server: TestServer;
let host: string;
beforeAll(async () => {
  server = await startServer({
    publicUrl: 'https://chat.example.org',
    gateway: { heartbeatIntervalMs: 60_000, allowedOrigins: ['https://app.concord.test', 'http://localhost:5173'] },
  });
  host = new URL(server.baseUrl).host;
});
afterAll(() => server.close());

/** The raw status line of an upgrade attempt (101 when accepted). */
function upgradeStatus(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${server.baseUrl}${path}`, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
        ...headers,
      },
    });
    request.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('Origin allow-list on the upgrade', () => {
  it.each([
    ['no Origin (a bot or the SDK in Node)', undefined],
    ['the same host as the request', 'SAME'],
    ['the configured public URL', 'https://chat.example.org'],
    ['a configured origin', 'https://app.concord.test'],
    ['another configured origin', 'http://localhost:5173'],
  ])('accepts %s', async (_name, origin) => {
    const headers: Record<string, string> =
      origin === undefined ? {} : { Origin: origin === 'SAME' ? `http://${host}` : origin };
    const gw = await RawGateway.connect(server.baseUrl, '/gateway?v=10&encoding=json', headers);
    await gw.waitFor((f) => f.op === 10);
    gw.close();
    await gw.closed();
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['a configured origin on another port', 'https://app.concord.test:8443'],
    ['a configured origin over another scheme', 'http://app.concord.test'],
    ['a subdomain of a configured origin', 'https://x.app.concord.test'],
    ['a look-alike suffix', 'https://app.concord.test.evil.example'],
    ['the opaque origin "null" (sandboxed frames, file:)', 'null'],
    ['garbage', 'not a url'],
  ])('refuses %s with 403 before any socket exists', async (_name, origin) => {
    const before = server.app.gateway.stats().connections;
    expect(await upgradeStatus('/gateway?v=10&encoding=json', { Origin: origin })).toBe(403);
    await expect(RawGateway.connect(server.baseUrl, '/gateway', { Origin: origin })).rejects.toThrow(
      'upgrade refused: 403',
    );
    // (≤: a socket of an earlier test may still be finishing its close.)
    expect(server.app.gateway.stats().connections).toBeLessThanOrEqual(before);
  });

  it('answers 404 for an upgrade on any other path', async () => {
    expect(await upgradeStatus('/api/v10/gateway', {})).toBe(404);
    expect(await upgradeStatus('/gateway/extra', {})).toBe(404);
  });

  it('an accepted browser socket still has to IDENTIFY: no event flows before it', async () => {
    const gw = await RawGateway.connect(server.baseUrl, '/gateway', { Origin: 'https://app.concord.test' });
    gw.send({ op: 3, d: { status: 'online', since: null, activities: [], afk: false } });
    expect(await gw.closed()).toBe(4003);
    expect(gw.dispatches()).toEqual([]);
  });
});
