import type { Message } from '@concord/protocol';
import { ApiRequestError, ConcordApi } from '@concord/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../conformance/postgresDatabases';
import { TcpProxy } from '../conformance/tcpProxy';
import { readChannel, sleep, waitUntil } from './support/checks';
import { Cluster, type ClusterUser } from './support/cluster';

/**
 * Readiness: node0 reaches PostgreSQL through a proxy the test can cut. While its database is
 * unreachable it says so (/readyz 503) and refuses sends with 503 / 130000 instead of acknowledging
 * what it could not store; the other nodes carry on; once the database is back, node0 acknowledges
 * again, and retried nonces make exactly one message each.
 */
let proxy: TcpProxy;
let cluster: Cluster;
let alice: ClusterUser;
let channelId: string;

beforeAll(async () => {
  const target = new URL(testDatabaseUrl);
  proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
  cluster = await Cluster.start({
    databaseUrlFor: (index, databaseUrl) => {
      if (index !== 0) return databaseUrl;
      const url = new URL(databaseUrl);
      url.host = `127.0.0.1:${proxy.port}`;
      return url.toString();
    },
  });
  alice = await cluster.user('alice', cluster.node(1).baseUrl);
  const guild = await new ConcordApi({ baseUrl: cluster.node(1).baseUrl, token: alice.token }).createGuild({
    name: 'Outage',
  });
  channelId = guild.system_channel_id!;
}, 90_000);

afterEach((context) => {
  if (context.task.result?.state === 'fail') cluster?.markFailed();
});

afterAll(async () => {
  await cluster?.close();
  await proxy?.close();
}, 60_000);

async function readyz(baseUrl: string): Promise<{ status: number; body: { code?: number; status?: string } }> {
  const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(15_000) });
  return { status: response.status, body: (await response.json()) as { code?: number; status?: string } };
}

type Outcome = { nonce: string; message: Message } | { nonce: string; status: number; code: number };

/** One send, its outcome classified; anything but an acknowledgement or a 503 fails the test. */
async function send(api: ConcordApi, nonce: string): Promise<Outcome> {
  try {
    return { nonce, message: await api.sendMessage(channelId, { content: nonce, nonce }) };
  } catch (error) {
    if (!(error instanceof ApiRequestError)) throw error;
    return { nonce, status: error.status, code: error.code };
  }
}

describe('a node whose database becomes unreachable', () => {
  it('reports not ready and refuses sends with 503 until the database is back, then acknowledges once per nonce', async () => {
    const [outaged, healthy] = [cluster.node(0), cluster.node(1)];
    const api = new ConcordApi({
      baseUrl: outaged.baseUrl,
      token: alice.token,
      fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(15_000) }),
    });
    const healthyApi = new ConcordApi({ baseUrl: healthy.baseUrl, token: alice.token });
    expect(await readyz(outaged.baseUrl)).toEqual({ status: 200, body: { status: 'ready' } });
    const before = await Promise.all(Array.from({ length: 5 }, (_, i) => send(api, `before-${i}`)));
    expect(before.every((o) => 'message' in o)).toBe(true);

    // Cut while a burst is in flight: each send is acknowledged (committed) or refused, never a 500.
    const cutBurst = Array.from({ length: 20 }, (_, i) => send(api, `cut-${i}`));
    await sleep(5);
    proxy.block();
    const duringCut = await Promise.all(cutBurst);

    await waitUntil(async () => (await readyz(outaged.baseUrl)).status === 503, 15_000, '/readyz to say 503');
    expect((await readyz(outaged.baseUrl)).body.code).toBe(130000);
    expect((await readyz(healthy.baseUrl)).status).toBe(200);
    const whileDown = await Promise.all(Array.from({ length: 10 }, (_, i) => send(api, `down-${i}`)));
    for (const outcome of whileDown) expect(outcome).toEqual({ nonce: outcome.nonce, status: 503, code: 130000 });
    for (const outcome of duringCut) {
      if (!('message' in outcome)) expect(outcome).toEqual({ nonce: outcome.nonce, status: 503, code: 130000 });
    }
    // Reads fail the same way; the rest of the cluster does not notice.
    const read = await api.messages(channelId, { limit: 1 }).then(
      () => 200,
      (error: unknown) => (error instanceof ApiRequestError ? `${error.status}/${error.code}` : String(error)),
    );
    expect(read).toBe('503/130000');
    const elsewhere = await send(healthyApi, 'elsewhere-0');
    expect('message' in elsewhere).toBe(true);

    proxy.unblock();
    await waitUntil(async () => (await readyz(outaged.baseUrl)).status === 200, 15_000, '/readyz to recover');
    // Every send that was not acknowledged is retried with its nonce through the recovered node.
    const refused = [...duringCut, ...whileDown].filter((o) => !('message' in o));
    const retried = await Promise.all(refused.map((o) => send(api, o.nonce)));
    expect(retried.every((o) => 'message' in o)).toBe(true);
    // Retrying an acknowledged nonce returns the first message (I4).
    const again = await send(api, 'before-0');
    expect('message' in again && again.message.id).toBe('message' in before[0]! && before[0].message.id);

    const stored = await readChannel(healthyApi, channelId);
    const nonces = [...before, ...duringCut, ...whileDown, elsewhere].map((o) => o.nonce);
    const contents = stored.map((m) => m.content).filter((c) => nonces.includes(c));
    expect(contents.sort()).toEqual([...nonces].sort());
    const acknowledged = [...before, ...duringCut, ...retried, elsewhere].filter(
      (o): o is { nonce: string; message: Message } => 'message' in o,
    );
    for (const { message } of acknowledged) {
      expect(stored.find((m) => m.seq === message.seq)?.id, message.content).toBe(message.id);
    }
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
  }, 120_000);
});
