import { afterAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { openNatsBus } from '../../packages/server/src/bus/NatsBus';
import { reconnectWaitMs } from '../../packages/server/src/nats/NatsLink';
import type { Discovery } from '../../packages/server/src/discovery/Discovery';
import { NatsDiscovery, openNatsDiscovery } from '../../packages/server/src/discovery/NatsDiscovery';
import { NatsPresenceStore, openNatsPresenceStore } from '../../packages/server/src/presence/NatsPresenceStore';
import type { SessionPresence } from '../../packages/server/src/presence/PresenceStore';
import { busContract } from './busContract';
import { discoveryContract } from './discoveryContract';
import { dropBuckets, eventually, NATS_URL, PrivateNatsServer, sleep, uniqueName } from './natsSupport';
import { presenceContract } from './presenceContract';
import { TcpProxy } from './tcpProxy';

// These suites need a broker and fail (never skip) without one: cluster mode is only tested here.
const TTL_MS = 1_500;
const target = (() => {
  const url = new URL(NATS_URL);
  return { host: url.hostname, port: Number(url.port || 4222) };
})();

afterAll(dropBuckets);

describe('NATS broker', () => {
  it(`is reachable at ${NATS_URL} with JetStream`, async () => {
    const nc = await connect({ servers: NATS_URL, name: 'concord-test-probe' });
    try {
      expect(nc.info?.jetstream).toBe(true);
    } finally {
      await nc.close();
    }
  });
});

busContract('NATS', {
  async open() {
    // Two connections are two nodes; a fresh prefix keeps concurrent runs apart.
    const prefix = uniqueName('bus');
    const a = await openNatsBus({ servers: NATS_URL, prefix });
    const b = await openNatsBus({ servers: NATS_URL, prefix });
    return {
      a,
      b,
      close: async () => {
        await a.close();
        await b.close();
      },
    };
  },
});

presenceContract('NATS', {
  open: () => openNatsPresenceStore({ servers: NATS_URL, bucket: uniqueName('presence'), ttlMs: TTL_MS }),
});

discoveryContract('NATS', {
  shared: true,
  async cluster() {
    const bucket = uniqueName('discovery');
    const open: NatsDiscovery[] = [];
    return {
      ttlMs: TTL_MS,
      async open(options = {}) {
        const d = await openNatsDiscovery({ servers: NATS_URL, bucket, ttlMs: TTL_MS, ...options });
        open.push(d);
        return d;
      },
      async crash(instance: Discovery) {
        await (instance as NatsDiscovery).abandon();
      },
      async close() {
        await Promise.all(open.map((d) => d.close()));
      },
    };
  },
});

const session = (userId: string, sessionId: string, status: SessionPresence['status'] = 'online'): SessionPresence => ({
  userId,
  sessionId,
  status,
  clientKind: 'desktop',
  activities: [],
});

const sessionIds = async (store: NatsPresenceStore, userId: string) =>
  (await store.sessionsOf(userId)).map((s) => s.sessionId).sort();

/**
 * The bucket's keys, read from outside. A KV key listing can stall when keys change while it runs
 * (seen once in CI: the test hung past its timeout), so each attempt is bounded and retried.
 */
async function bucketKeys(bucket: string): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    const nc = await connect({ servers: NATS_URL });
    let timer: NodeJS.Timeout | undefined;
    try {
      const listing = (async () => {
        const kv = await new Kvm(nc).open(bucket);
        const keys: string[] = [];
        for await (const key of await kv.keys()) if (!key.startsWith('/')) keys.push(key);
        return keys.sort();
      })();
      // Closing the connection after a stall rejects the abandoned listing: that is expected.
      listing.catch(() => undefined);
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`listing the keys of ${bucket} stalled`)), 2_000);
      });
      return await Promise.race([listing, stalled]);
    } catch (error) {
      if (attempt >= 3) throw error;
    } finally {
      clearTimeout(timer);
      await nc.close();
    }
  }
}

describe('NATS reconnect backoff', () => {
  it('starts fast, grows with the outage, stays bounded, and is jittered', () => {
    expect(reconnectWaitMs(0, 0)).toBe(250);
    expect(reconnectWaitMs(4_000, 0)).toBe(1_250);
    expect(reconnectWaitMs(3_600_000, 0)).toBe(5_000);
    expect(reconnectWaitMs(3_600_000, 0.999)).toBeLessThan(7_500);
    expect(reconnectWaitMs(0, 0.5)).toBeGreaterThan(reconnectWaitMs(0, 0));
  });
});

describe('NATS bus: faults', () => {
  it('delivers again after the subscriber’s connection is reset, and a cut-off publisher never throws', async () => {
    const proxy = await TcpProxy.start(target);
    const prefix = uniqueName('bus');
    const publisher = await openNatsBus({ servers: NATS_URL, prefix });
    const subscriber = await openNatsBus({ servers: proxy.url, prefix });
    const cutOff = await openNatsBus({ servers: proxy.url, prefix });
    try {
      const got: string[] = [];
      subscriber.subscribe('guild.1', (p) => got.push(p));
      await sleep(100);
      publisher.publish('guild.1', 'before');
      await eventually(() => got.includes('before'), 2_000, 'delivered before the cut');
      proxy.block();
      await sleep(200);
      // Nobody is connected through the proxy now: publishing is dropped, not thrown or buffered.
      expect(() => cutOff.publish('guild.1', 'into the void')).not.toThrow();
      proxy.unblock();
      // nats.js resubscribes after reconnecting; keep publishing until the subscription is back.
      await eventually(
        () => {
          publisher.publish('guild.1', 'after');
          return got.includes('after');
        },
        5_000,
        'delivered after the reconnect',
      );
      expect(got).not.toContain('into the void');
    } finally {
      await Promise.all([publisher.close(), subscriber.close(), cutOff.close()]);
      await proxy.close();
    }
  });

  it('keeps other clusters’ subjects apart and survives a throwing handler', async () => {
    const ours = await openNatsBus({ servers: NATS_URL, prefix: uniqueName('bus') });
    const theirs = await openNatsBus({ servers: NATS_URL, prefix: uniqueName('bus') });
    try {
      const got: string[] = [];
      const leaked: string[] = [];
      ours.subscribe('user.1', (p) => {
        got.push(p);
        if (p === 'boom') throw new Error('handler bug');
      });
      theirs.subscribe('user.1', (p) => leaked.push(p));
      await sleep(100);
      ours.publish('user.1', 'boom');
      ours.publish('user.1', 'still here');
      await eventually(() => got.length === 2, 2_000, 'both delivered');
      expect(got).toEqual(['boom', 'still here']);
      await sleep(100);
      expect(leaked).toEqual([]);
    } finally {
      await ours.close();
      await theirs.close();
    }
  });

  it('carries non-ASCII text unchanged', async () => {
    const prefix = uniqueName('bus');
    const a = await openNatsBus({ servers: NATS_URL, prefix });
    const b = await openNatsBus({ servers: NATS_URL, prefix });
    try {
      const got: string[] = [];
      b.subscribe('guild.5', (p) => got.push(p));
      await sleep(100);
      const text = '{"content":"héllo 👋 — 日本語"}';
      a.publish('guild.5', text);
      await eventually(() => got.length === 1, 2_000, 'delivered');
      expect(got[0]).toBe(text);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('NATS presence: across nodes and faults', () => {
  const open = (bucket: string, servers = NATS_URL) => openNatsPresenceStore({ servers, bucket, ttlMs: TTL_MS });

  it('shows each node’s sessions on the other, and removals', async () => {
    const bucket = uniqueName('presence');
    const a = await open(bucket);
    const b = await open(bucket);
    try {
      await a.set(session('u1', 'sa'));
      await b.set(session('u1', 'sb', 'idle'));
      for (const store of [a, b]) {
        await eventually(async () => (await sessionIds(store, 'u1')).join() === 'sa,sb', 2_000, 'both sessions seen');
      }
      const many = await b.sessionsOfMany(['u1', 'u2']);
      expect(many.get('u1')?.find((s) => s.sessionId === 'sa')?.status).toBe('online');
      expect(many.has('u2')).toBe(false);
      await a.remove('u1', 'sa');
      expect(await sessionIds(a, 'u1')).toEqual(['sb']);
      await eventually(async () => (await sessionIds(b, 'u1')).join() === 'sb', 2_000, 'removal seen');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a node’s entries outlive the TTL while it runs, and expire within it once it stops renewing', async () => {
    const bucket = uniqueName('presence');
    const survivor = await open(bucket);
    const crashed = await open(bucket);
    try {
      await survivor.set(session('u1', 'alive'));
      await crashed.set(session('u1', 'doomed'));
      await crashed.set(session('u2', 'doomed2'));
      await eventually(async () => (await sessionIds(survivor, 'u1')).length === 2, 2_000, 'both seen');
      await sleep(TTL_MS * 1.5);
      expect(await sessionIds(survivor, 'u1')).toEqual(['alive', 'doomed']);
      await crashed.abandon();
      const crashedAt = Date.now();
      await eventually(async () => (await sessionIds(survivor, 'u1')).join() === 'alive', TTL_MS + 1_500, 'expired');
      expect(Date.now() - crashedAt).toBeGreaterThan(TTL_MS / 3);
      expect(await survivor.sessionsOf('u2')).toEqual([]);
      // On the broker too, not only in the survivor's copy.
      await eventually(async () => (await bucketKeys(bucket)).join() === 'u1.alive', 1_500, 'gone from the bucket');
    } finally {
      await survivor.close();
      await crashed.close();
    }
  });

  it('a node whose connection was reset keeps its sessions and sees new ones', async () => {
    const bucket = uniqueName('presence');
    const proxy = await TcpProxy.start(target);
    const direct = await open(bucket);
    const proxied = await open(bucket, proxy.url);
    try {
      await proxied.set(session('u1', 'p1'));
      await eventually(async () => (await sessionIds(direct, 'u1')).join() === 'p1', 2_000, 'seen');
      proxy.block();
      // Cut off for longer than the TTL: the broker drops p1; the node still knows it is online.
      await sleep(TTL_MS + 500);
      await direct.set(session('u1', 'd1'));
      expect(await sessionIds(proxied, 'u1')).toEqual(['p1']);
      await eventually(async () => (await sessionIds(direct, 'u1')).join() === 'd1', 2_000, 'p1 expired');
      proxy.unblock();
      // Back: p1 is rewritten at once, and the copy is rebuilt with what changed meanwhile.
      await eventually(async () => (await sessionIds(direct, 'u1')).join() === 'd1,p1', 4_000, 'p1 back');
      await eventually(async () => (await sessionIds(proxied, 'u1')).join() === 'd1,p1', 4_000, 'd1 seen');
      await direct.remove('u1', 'd1');
      await eventually(async () => (await sessionIds(proxied, 'u1')).join() === 'p1', 2_000, 'removal seen');
    } finally {
      await direct.close();
      await proxied.close();
      await proxy.close();
    }
  });

  it('close deletes the node’s entries at once', async () => {
    const bucket = uniqueName('presence');
    const a = await open(bucket);
    const b = await open(bucket);
    try {
      await a.set(session('u1', 's1'));
      await eventually(async () => (await sessionIds(b, 'u1')).length === 1, 2_000, 'seen');
      await a.close();
      await eventually(async () => (await sessionIds(b, 'u1')).length === 0, 500, 'gone well before the TTL');
    } finally {
      await b.close();
    }
  });

  it('keeps ids with dots and odd characters apart', async () => {
    const store = await open(uniqueName('presence'));
    try {
      await store.set(session('a.b', 'x'));
      await store.set(session('a', 'b.x'));
      await store.set(session('ü*>', 's 1'));
      expect(await sessionIds(store, 'a.b')).toEqual(['x']);
      expect(await sessionIds(store, 'a')).toEqual(['b.x']);
      expect(await sessionIds(store, 'ü*>')).toEqual(['s 1']);
    } finally {
      await store.close();
    }
  });
});

describe('NATS discovery: faults', () => {
  const open = (bucket: string, servers = NATS_URL) =>
    openNatsDiscovery({ servers, bucket, ttlMs: TTL_MS, workerIds: { min: 9, max: 9 } });

  it('a node cut off past the TTL takes its worker id back when nobody took it', async () => {
    const bucket = uniqueName('discovery');
    const proxy = await TcpProxy.start(target);
    const d = await open(bucket, proxy.url);
    const lost: number[] = [];
    d.onWorkerIdLost((id) => lost.push(id));
    try {
      expect(await d.leaseWorkerId()).toBe(9);
      proxy.block();
      await eventually(async () => !(await bucketKeys(bucket)).includes('worker.9'), TTL_MS + 1_500, 'lease expired');
      proxy.unblock();
      await eventually(async () => (await bucketKeys(bucket)).includes('worker.9'), 4_000, 'lease taken back');
      const other = await open(bucket);
      try {
        await expect(other.leaseWorkerId()).rejects.toMatchObject({ code: 'NO_FREE_WORKER_ID' });
        expect(lost).toEqual([]);
        expect(await d.leaseWorkerId()).toBe(9);
      } finally {
        await other.close();
      }
    } finally {
      await d.close();
      await proxy.close();
    }
  });

  it('a node cut off past the TTL whose id was taken is told it lost it', async () => {
    const bucket = uniqueName('discovery');
    const proxy = await TcpProxy.start(target);
    const d = await open(bucket, proxy.url);
    const lost: number[] = [];
    d.onWorkerIdLost((id) => lost.push(id));
    const other = await open(bucket);
    try {
      expect(await d.leaseWorkerId()).toBe(9);
      proxy.block();
      await eventually(async () => (await other.leaseWorkerId().catch(() => -1)) === 9, TTL_MS + 2_000, 'id taken');
      proxy.unblock();
      await eventually(() => lost.length === 1, 4_000, 'loss reported');
      expect(lost).toEqual([9]);
    } finally {
      await d.close();
      await other.close();
      await proxy.close();
    }
  });
});

describe('NATS broker crash and restart (a private nats-server, kill -9)', () => {
  it('bus, presence and discovery come back by themselves, keeping sessions and the worker id', async () => {
    const broker = await PrivateNatsServer.start();
    const servers = broker.url;
    const bus = { a: await openNatsBus({ servers }), b: await openNatsBus({ servers }) };
    const presence = {
      a: await openNatsPresenceStore({ servers, ttlMs: TTL_MS }),
      b: await openNatsPresenceStore({ servers, ttlMs: TTL_MS }),
    };
    const discovery = {
      a: await openNatsDiscovery({ servers, ttlMs: TTL_MS }),
      b: await openNatsDiscovery({ servers, ttlMs: TTL_MS }),
    };
    const lost: number[] = [];
    discovery.a.onWorkerIdLost((id) => lost.push(id));
    try {
      const got: string[] = [];
      bus.b.subscribe('guild.1', (p) => got.push(p));
      let gaps = 0;
      bus.b.onGap(() => (gaps += 1));
      await presence.a.set(session('u1', 'sa'));
      await discovery.a.register({ id: 'a', url: 'http://a.test', connections: 1, load: 0.5 });
      const workerId = await discovery.a.leaseWorkerId();
      await eventually(async () => (await sessionIds(presence.b, 'u1')).join() === 'sa', 2_000, 'presence seen');
      await eventually(async () => (await discovery.b.liveNodes()).length === 1, 2_000, 'node seen');

      await broker.crash();
      await sleep(500);
      await broker.restart();

      await eventually(
        () => {
          bus.a.publish('guild.1', 'after restart');
          return got.includes('after restart');
        },
        10_000,
        'bus delivers after the restart',
      );
      // Messages published while b was cut off are gone: b said so, so its bus-fed caches start over.
      expect(gaps).toBeGreaterThanOrEqual(1);
      await presence.b.set(session('u2', 'sb'));
      await eventually(async () => (await sessionIds(presence.a, 'u2')).join() === 'sb', 10_000, 'new presence seen');
      await sleep(TTL_MS * 1.5);
      // Past a TTL after the restart: still there, because the owners rewrote them.
      expect(await sessionIds(presence.b, 'u1')).toEqual(['sa']);
      expect((await discovery.b.liveNodes()).map((n) => n.id)).toEqual(['a']);
      expect(await discovery.a.leaseWorkerId()).toBe(workerId);
      expect(lost).toEqual([]);
    } finally {
      await Promise.all([bus.a.close(), bus.b.close(), presence.a.close(), presence.b.close()]);
      await Promise.all([discovery.a.close(), discovery.b.close()]);
      await broker.stop();
    }
  });
});
