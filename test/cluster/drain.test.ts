import type { Message } from '@concord/protocol';
import { ApiRequestError, ConcordApi } from '@concord/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Balancer } from './support/balancer';
import { readChannel, sleep, waitUntil } from './support/checks';
import { Cluster, type ClusterUser } from './support/cluster';
import { ClusterDevice } from './support/clusterDevice';
import type { ClusterNode } from './support/clusterNode';
import { expectHistoriesIntact } from './support/faultChecks';
import { buildScene, channelsOf, type Scene, channelHeads, nodeUrlsFrom } from './support/scene';
import { SendLoad } from './support/sendLoad';

/**
 * SIGTERM, as a rolling deploy stops a node: it leaves discovery first (GET /gateway on the others
 * stops naming it), asks its sessions to move (RECONNECT, op 7), finishes the requests it had
 * accepted, and exits 0. Its devices carry on at another node with nothing lost or doubled.
 */
let cluster: Cluster;
let balancer: Balancer;
let scene: Scene;
const devices: ClusterDevice[] = [];
let load: SendLoad | undefined;

beforeAll(async () => {
  cluster = await Cluster.start();
  balancer = await Balancer.start(cluster.nodes.map((node) => node.port));
  scene = await buildScene(cluster, balancer.baseUrl);
}, 90_000);

afterEach((context) => {
  if (context.task.result?.state === 'fail') cluster?.markFailed();
});

afterAll(async () => {
  await load?.stop();
  await Promise.all(devices.map((device) => device.close().catch(() => undefined)));
  await balancer?.close();
  await cluster?.close();
}, 90_000);

type Outcome = { nonce: string; message: Message } | { nonce: string; error: unknown };

describe('SIGTERM of a node under load', () => {
  it('deregisters, sends RECONNECT, finishes in-flight sends, and its devices continue elsewhere', async () => {
    const [n0, victim, n2] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    // The victim holds the fewest sockets, so it is the node GET /gateway names before it stops.
    const placement: Array<[string, ClusterUser, ClusterNode]> = [
      ['alice-laptop', scene.alice, n0],
      ['carol-laptop', scene.carol, n0],
      ['bob-desktop', scene.bob, victim],
      ['bob-phone', scene.bob, n2],
      ['carol-phone', scene.carol, n2],
    ];
    for (const [name, user, node] of placement) {
      devices.push(new ClusterDevice(name, user, { apiBaseUrl: balancer.baseUrl, firstUrl: node.gatewayUrl }));
    }
    await Promise.all(devices.map((device) => device.connect()));
    const onVictim = devices.filter((device) => device.currentNode() === victim.baseUrl);
    expect(onVictim.map((d) => d.name)).toEqual(['bob-desktop']);
    const gatewayNamedBy = async (node: ClusterNode) =>
      (await new ConcordApi({ baseUrl: node.baseUrl }).rest.get<{ url: string }>('/gateway')).url;
    await waitUntil(
      async () => (await gatewayNamedBy(n0)) === victim.gatewayUrl && (await gatewayNamedBy(n2)) === victim.gatewayUrl,
      10_000,
      'GET /gateway to name the least-loaded node',
    );
    expect((await cluster.registeredNodes()).map((n) => n.url).sort()).toEqual(
      cluster.nodes.map((n) => n.baseUrl).sort(),
    );

    // Read back (and retry) through a node that stays up.
    const reader = new ConcordApi({ baseUrl: n0.baseUrl, token: scene.alice.token });
    const startSeq = await channelHeads(reader, scene);
    const urls = (home: number) => nodeUrlsFrom(cluster, home);
    const sendLoad = new SendLoad(
      [
        { name: 'ad', token: scene.alice.token, channelId: scene.channels.dm, baseUrls: urls(1) },
        { name: 'bd', token: scene.bob.token, channelId: scene.channels.dm, baseUrls: urls(1) },
        { name: 'cp', token: scene.carol.token, channelId: scene.channels.group, baseUrls: urls(2) },
        { name: 'bp', token: scene.bob.token, channelId: scene.channels.group, baseUrls: urls(0) },
      ],
      25,
    );
    load = sendLoad;
    sendLoad.start();
    await waitUntil(() => sendLoad.acks.length > 30, 15_000, 'the load to run');

    // A burst straight at the victim, then SIGTERM while it is being served. Nothing else is sent to
    // the guild channel but retries: devices learn of the burst only from the events the stopping
    // node publishes for the requests it finishes.
    const direct = new ConcordApi({ baseUrl: victim.baseUrl, token: scene.alice.token });
    const burst: Array<Promise<Outcome>> = Array.from({ length: 30 }, (_, i) => {
      const nonce = `inflight-${i}`;
      return direct.sendMessage(scene.channels.guild, { content: nonce, nonce }).then(
        (message) => ({ nonce, message }),
        (error: unknown) => ({ nonce, error }),
      );
    });
    await sleep(20);
    const stoppedAt = Date.now();
    const exit = victim.terminate();
    const outcomes = await Promise.all(burst);
    expect(await exit).toBe(0);
    // Draining takes as long as the requests it finishes, not a keep-alive timeout (72 s).
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);

    // Accepted requests were finished; the rest were refused whole (503 or a closed socket), never a 500.
    const acknowledged = outcomes.filter((o): o is { nonce: string; message: Message } => 'message' in o);
    expect(acknowledged.length, 'in-flight sends the stopping node completed').toBeGreaterThan(0);
    for (const outcome of outcomes) {
      if ('error' in outcome && outcome.error instanceof ApiRequestError) {
        expect(outcome.error.status, outcome.nonce).toBe(503);
      }
    }
    // A refused send retried elsewhere with its nonce makes one message (I4).
    const retried = await Promise.all(
      outcomes
        .filter((o) => 'error' in o)
        .map((o) => reader.sendMessage(scene.channels.guild, { content: o.nonce, nonce: o.nonce })),
    );

    // Its session got RECONNECT and moved to a live node; discovery no longer lists it.
    for (const device of onVictim) {
      expect(device.reconnectRequests.length, `${device.name} got RECONNECT`).toBe(1);
      await waitUntil(
        () => device.client.state === 'ready' && device.currentNode() !== victim.baseUrl,
        10_000,
        `${device.name} to continue on another node`,
      );
    }
    expect((await cluster.registeredNodes()).map((n) => n.url).sort()).toEqual([n0.baseUrl, n2.baseUrl].sort());
    for (let i = 0; i < 10; i++) {
      for (const node of [n0, n2]) expect(await gatewayNamedBy(node)).not.toBe(victim.gatewayUrl);
      await sleep(100);
    }

    await sleep(1_000);
    await sendLoad.stop();
    load = undefined;
    const { stored } = await expectHistoriesIntact({
      load: sendLoad,
      devices,
      channelsOf: (device) => channelsOf(scene, device.user),
      startSeq,
      reader,
    });
    // The burst's messages too: each acknowledged one stored as acknowledged, each nonce once.
    const guild = stored.get(scene.channels.guild)!;
    for (const message of [...acknowledged.map((a) => a.message), ...retried]) {
      expect(guild.find((m) => m.seq === message.seq)?.id, message.content).toBe(message.id);
    }
    const burstStored = guild.filter((m) => m.content.startsWith('inflight-'));
    expect(burstStored.map((m) => m.content).sort()).toEqual(outcomes.map((o) => o.nonce).sort());
    // Channel history read back through the survivors matches what the devices hold.
    expect((await readChannel(reader, scene.channels.guild, startSeq.get(scene.channels.guild))).length).toBe(
      guild.length,
    );
  }, 150_000);
});
