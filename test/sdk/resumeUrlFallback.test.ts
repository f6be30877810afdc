import { GatewayOpcode } from '@concord/protocol';
import type { ReconnectInfo } from '@concord/sdk';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../cluster/support/clusterNode';
import { acceptIdentify, Harness, ready } from './fixtures';

/**
 * In a cluster a session lives on one node, and READY's resume_gateway_url names it. When that node
 * is gone (crashed, or draining and refusing sockets) the client must not wait for it: after two
 * attempts it asks GET /gateway for a live node and goes on there (RESUME, which that node refuses,
 * then IDENTIFY and catch-up by seq). A node that answers again in time is still resumed on.
 */
let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.stop();
});

describe('a resume URL that does not answer', () => {
  it('is tried twice, then the client asks discovery and goes on at the node it names', async () => {
    const deadUrl = `ws://127.0.0.1:${await freePort()}/gateway`;
    const gw = h.client();
    const reconnects: ReconnectInfo[] = [];
    gw.on('reconnecting', (info) => reconnects.push(info));
    const connected = gw.connect();
    const first = await h.gateway.nextConnection();
    await acceptIdentify(first, ready({ resume_gateway_url: deadUrl }));
    await connected;

    first.terminate();
    const second = await h.gateway.nextConnection();
    second.hello();
    const resume = await second.next([GatewayOpcode.RESUME, GatewayOpcode.IDENTIFY]);
    // The session is offered where discovery pointed; this node does not know it.
    expect(resume.op).toBe(GatewayOpcode.RESUME);
    expect(resume.d).toMatchObject({ session_id: 'session-1' });
    // The crash, then two misses at the dead URL, then discovery.
    expect(reconnects.map((r) => r.resume)).toEqual([true, true, true]);
    second.send({ op: GatewayOpcode.INVALID_SESSION, d: false });
    await second.next(GatewayOpcode.IDENTIFY);
  });

  it('counts a URL that accepts the connection but never says HELLO as not answering', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const gw = h.client({ handshakeTimeoutMs: 200 });
      const connected = gw.connect();
      const first = await h.gateway.nextConnection();
      await acceptIdentify(first, ready({ resume_gateway_url: `ws://127.0.0.1:${port}/gateway` }));
      await connected;
      first.terminate();
      const second = await h.gateway.nextConnection();
      second.hello();
      expect((await second.next([GatewayOpcode.RESUME, GatewayOpcode.IDENTIFY])).op).toBe(GatewayOpcode.RESUME);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('keeps resuming on the node that holds the session while it answers', async () => {
    const gw = h.client();
    const connected = gw.connect();
    const first = await h.gateway.nextConnection();
    await acceptIdentify(first, ready({ resume_gateway_url: `${h.gateway.url}/resume` }));
    await connected;
    for (let i = 0; i < 3; i++) {
      h.gateway.connections.at(-1)!.terminate();
      const next = await h.gateway.nextConnection();
      expect(next.path.startsWith('/resume')).toBe(true);
      next.hello();
      await next.next(GatewayOpcode.RESUME);
      next.dispatch('RESUMED', {});
    }
  });
});
