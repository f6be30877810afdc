import { afterAll, describe, expect, it } from 'vitest';
import { openNatsPresenceStore } from '../../packages/server/src/presence/NatsPresenceStore';
import type { RemoteChange, SessionPresence } from '../../packages/server/src/presence/PresenceStore';
import { dropBuckets, NATS_URL, sleep, uniqueName } from '../conformance/natsSupport';
import { TcpProxy } from '../conformance/tcpProxy';
import { waitUntil } from './support/checks';

/**
 * The presence store's report of other nodes' sessions that expired (their node crashed, so nobody
 * announced them offline) or came back: what lets every node tell its own devices. A node's own
 * outage must never pass for its peers' sessions expiring.
 */
const TTL_MS = 1_500;

afterAll(async () => {
  await dropBuckets();
});

function session(userId: string, sessionId: string): SessionPresence {
  return { userId, sessionId, status: 'online', clientKind: 'web', activities: [] };
}

const open = (bucket: string, servers = NATS_URL) => openNatsPresenceStore({ servers, bucket, ttlMs: TTL_MS });

function record(store: { onRemoteChange(listener: (userId: string, change: RemoteChange) => void): () => void }) {
  const changes: string[] = [];
  store.onRemoteChange((userId, change) => changes.push(`${userId} ${change}`));
  return changes;
}

describe('NATS presence: sessions that expire without being removed', () => {
  it('are reported once per user after the TTL, and again when they come back; removals and own sessions are not', async () => {
    const bucket = uniqueName('presence');
    const survivor = await open(bucket);
    const crashed = await open(bucket);
    const revived = await open(bucket);
    try {
      const changes = record(survivor);
      await survivor.set(session('own', 's0'));
      await crashed.set(session('u1', 'a'));
      await crashed.set(session('u1', 'b'));
      await crashed.set(session('u2', 'c'));
      await crashed.remove('u2', 'c');
      await waitUntil(async () => (await survivor.sessionsOf('u1')).length === 2, 2_000, 'u1 seen');
      await sleep(TTL_MS);
      expect(changes).toEqual([]);

      await crashed.abandon();
      const crashedAt = Date.now();
      await waitUntil(() => changes.length > 0, TTL_MS + 1_000, 'the expiry to be reported');
      expect(Date.now() - crashedAt).toBeLessThan(TTL_MS + 500);
      await sleep(500);
      expect(changes).toEqual(['u1 expired']);
      expect(await survivor.sessionsOf('u1')).toEqual([]);

      await revived.set(session('u1', 'a'));
      await waitUntil(() => changes.length === 2, 2_000, 'the return to be reported');
      expect(changes).toEqual(['u1 expired', 'u1 returned']);
    } finally {
      await Promise.all([survivor.close(), crashed.close(), revived.close()]);
    }
  });

  it('are not reported by a node that was itself cut off from the broker meanwhile', async () => {
    const bucket = uniqueName('presence');
    const url = new URL(NATS_URL);
    const proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 4222) });
    const owner = await open(bucket);
    const cutOff = await open(bucket, proxy.url);
    try {
      const changes = record(cutOff);
      await owner.set(session('u1', 'a'));
      await waitUntil(async () => (await cutOff.sessionsOf('u1')).length === 1, 2_000, 'u1 seen');
      // Longer than the TTL without hearing the owner's renewals, then back.
      proxy.block();
      await sleep(TTL_MS + 1_000);
      proxy.unblock();
      await sleep(TTL_MS * 2);
      expect(changes).toEqual([]);
      expect((await cutOff.sessionsOf('u1')).map((s) => s.sessionId)).toEqual(['a']);
      // A real expiry afterwards is reported.
      await owner.abandon();
      await waitUntil(() => changes.length > 0, TTL_MS + 2_000, 'the expiry to be reported');
      expect(changes).toEqual(['u1 expired']);
    } finally {
      await Promise.all([owner.close(), cutOff.close()]);
      await proxy.close();
    }
  });
});
