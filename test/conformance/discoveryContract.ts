import { describe, expect, it } from 'vitest';
import { DiscoveryError, type Discovery, type NodeInfo } from '../../packages/server/src/discovery/Discovery';

/** Instances opened from one cluster share a registry (one bucket); each test gets a fresh one. */
export interface DiscoveryCluster {
  open(options?: { workerIds?: { min: number; max: number } }): Promise<Discovery>;
  /** Stops an instance as a crash would: no deregister, no release; what it wrote expires with the TTL. */
  crash(instance: Discovery): Promise<void>;
  ttlMs: number;
  /** Closes what is still open and drops the registry. */
  close(): Promise<void>;
}

export interface DiscoveryFactory {
  /** Whether separate instances form one cluster; false for the embedded engine, which is one node. */
  shared: boolean;
  cluster(): Promise<DiscoveryCluster>;
}

const node = (id: string, load = 0, connections = 0): NodeInfo => ({
  id,
  url: `http://${id}.test:8080`,
  connections,
  load,
});

async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const ids = async (d: Discovery) => (await d.liveNodes()).map((n) => n.id);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What every Discovery implementation must do (see the contract on the `Discovery` interface). */
export function discoveryContract(engine: string, factory: DiscoveryFactory): void {
  describe(`Discovery conformance: ${engine}`, () => {
    it('lists a registered node with its stats, updates them, and drops it on deregister', async () => {
      const cluster = await factory.cluster();
      try {
        const d = await cluster.open();
        await expect(d.update({ connections: 1, load: 1 })).rejects.toMatchObject({ code: 'NOT_REGISTERED' });
        await d.register(node('n1', 0.5, 3));
        expect(await d.liveNodes()).toEqual([node('n1', 0.5, 3)]);
        await d.update({ connections: 7, load: 0.25 });
        expect(await d.liveNodes()).toEqual([node('n1', 0.25, 7)]);
        await d.deregister();
        expect(await d.liveNodes()).toEqual([]);
        await d.deregister();
        await d.register(node('n1', 0.1, 0));
        expect(await ids(d)).toEqual(['n1']);
        await d.close();
        await d.close();
      } finally {
        await cluster.close();
      }
    });

    it('holds one worker id in 0..1023, the same on every call', async () => {
      const cluster = await factory.cluster();
      try {
        const d = await cluster.open();
        const [first, second] = await Promise.all([d.leaseWorkerId(), d.leaseWorkerId()]);
        expect(Number.isInteger(first) && first >= 0 && first <= 1023).toBe(true);
        expect(second).toBe(first);
        await d.register(node('n1'));
        await d.deregister();
        // A draining node still mints ids: deregistering keeps the lease.
        expect(await d.leaseWorkerId()).toBe(first);
        await d.close();
      } finally {
        await cluster.close();
      }
    });

    // Defined only for engines shared between nodes: an in-process instance is the whole cluster by
    // design, so these cases do not apply to it (and CI runs no skipped tests).
    if (!factory.shared) return;
    describe('several instances', () => {
      it('instances see each other, least loaded first, and follow updates', async () => {
        const cluster = await factory.cluster();
        try {
          const a = await cluster.open();
          const b = await cluster.open();
          await a.register(node('a', 0.5, 10));
          await b.register(node('b', 0.2, 40));
          for (const d of [a, b]) {
            await eventually(async () => (await ids(d)).length === 2, 2_000, 'both nodes listed');
            expect(await d.liveNodes()).toEqual([node('b', 0.2, 40), node('a', 0.5, 10)]);
          }
          await a.update({ connections: 11, load: 0.1 });
          await eventually(async () => (await ids(b)).join() === 'a,b', 2_000, 'new order seen by the other');
          expect((await b.liveNodes())[0]).toEqual(node('a', 0.1, 11));
          // Equal load: fewer connections first.
          await b.update({ connections: 5, load: 0.1 });
          await eventually(async () => (await ids(a)).join() === 'b,a', 2_000, 'tie broken by connections');
        } finally {
          await cluster.close();
        }
      });

      it('a deregistered node drops out of the others’ lists', async () => {
        const cluster = await factory.cluster();
        try {
          const a = await cluster.open();
          const b = await cluster.open();
          await a.register(node('a'));
          await b.register(node('b'));
          await eventually(async () => (await ids(b)).length === 2, 2_000, 'both listed');
          await a.deregister();
          expect(await ids(a)).toEqual(['b']);
          await eventually(async () => (await ids(b)).join() === 'b', 2_000, 'deregistered node gone');
        } finally {
          await cluster.close();
        }
      });

      it('a live node stays listed past the TTL by itself; a crashed one drops out within it', async () => {
        const cluster = await factory.cluster();
        try {
          const a = await cluster.open();
          const b = await cluster.open();
          const crashed = await cluster.open();
          await a.register(node('a'));
          await b.register(node('b'));
          await crashed.register(node('crashed'));
          await eventually(async () => (await ids(a)).length === 3, 2_000, 'all listed');
          await sleep(cluster.ttlMs * 1.5);
          expect(await ids(a)).toEqual(['a', 'b', 'crashed']);
          await cluster.crash(crashed);
          const crashedAt = Date.now();
          await eventually(async () => !(await ids(a)).includes('crashed'), cluster.ttlMs + 1_500, 'crashed node gone');
          expect(Date.now() - crashedAt).toBeGreaterThan(cluster.ttlMs / 3);
          expect(await ids(b)).toEqual(['a', 'b']);
        } finally {
          await cluster.close();
        }
      });

      it('20 instances leasing at once get 20 different worker ids', async () => {
        const cluster = await factory.cluster();
        try {
          const instances = await Promise.all(Array.from({ length: 20 }, () => cluster.open()));
          const leased = await Promise.all(instances.map((d) => d.leaseWorkerId()));
          expect(new Set(leased).size).toBe(20);
        } finally {
          await cluster.close();
        }
      });

      it('instances racing for a range just big enough for them each get one', async () => {
        const cluster = await factory.cluster();
        try {
          const range = { workerIds: { min: 100, max: 107 } };
          const instances = await Promise.all(Array.from({ length: 8 }, () => cluster.open(range)));
          const leased = await Promise.all(instances.map((d) => d.leaseWorkerId()));
          expect([...leased].sort((x, y) => x - y)).toEqual([100, 101, 102, 103, 104, 105, 106, 107]);
        } finally {
          await cluster.close();
        }
      });

      it('a live lease is never taken; a crashed holder’s id frees up after the TTL', async () => {
        const cluster = await factory.cluster();
        try {
          const only = { workerIds: { min: 7, max: 7 } };
          const holder = await cluster.open(only);
          const other = await cluster.open(only);
          expect(await holder.leaseWorkerId()).toBe(7);
          const refused = await other.leaseWorkerId().catch((error: unknown) => error);
          expect(refused).toBeInstanceOf(DiscoveryError);
          expect(refused).toMatchObject({ code: 'NO_FREE_WORKER_ID' });
          await sleep(cluster.ttlMs * 1.5);
          await expect(other.leaseWorkerId()).rejects.toMatchObject({ code: 'NO_FREE_WORKER_ID' });
          await cluster.crash(holder);
          await eventually(
            async () => (await other.leaseWorkerId().catch(() => -1)) === 7,
            cluster.ttlMs + 1_500,
            'crashed holder’s id leased by another',
          );
        } finally {
          await cluster.close();
        }
      });

      it('close releases the worker id at once', async () => {
        const cluster = await factory.cluster();
        try {
          const only = { workerIds: { min: 3, max: 3 } };
          const first = await cluster.open(only);
          expect(await first.leaseWorkerId()).toBe(3);
          await first.close();
          const second = await cluster.open(only);
          expect(await second.leaseWorkerId()).toBe(3);
        } finally {
          await cluster.close();
        }
      });
    });
  });
}
