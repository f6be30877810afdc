import { ConcordApi } from '@concord/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PrivateNatsServer } from '../conformance/natsSupport';
import { Balancer } from './support/balancer';
import { sleep, waitUntil } from './support/checks';
import { Cluster, type ClusterUser } from './support/cluster';
import { ClusterDevice } from './support/clusterDevice';
import type { ClusterNode } from './support/clusterNode';
import { expectHistoriesIntact } from './support/faultChecks';
import { buildScene, channelsOf, type Scene, channelHeads, nodeUrlsFrom } from './support/scene';
import { SendLoad } from './support/sendLoad';

/**
 * The broker crashes (kill -9) in the middle of a send load and comes back on the same port and
 * store, twice. NATS is only the wake-up path (RELIABILITY.md): sends keep being acknowledged from
 * the database while it is gone, and afterwards no acknowledged message is missing and none doubled,
 * in the store or on any device. The cluster's own nats-server is used — never the machine's shared one.
 */
let nats: PrivateNatsServer;
let cluster: Cluster;
let balancer: Balancer;
let scene: Scene;
const devices: ClusterDevice[] = [];
let load: SendLoad | undefined;

beforeAll(async () => {
  nats = await PrivateNatsServer.start();
  cluster = await Cluster.start({ natsUrl: nats.url });
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
  await nats?.stop();
}, 90_000);

describe('NATS crashing and restarting under load', () => {
  it('loses no acknowledged message and doubles none, in the store or on any device', async () => {
    const [n0, n1, n2] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const placement: Array<[string, ClusterUser, ClusterNode]> = [
      ['alice-laptop', scene.alice, n0],
      ['carol-laptop', scene.carol, n0],
      ['alice-phone', scene.alice, n1],
      ['bob-desktop', scene.bob, n1],
      ['bob-phone', scene.bob, n2],
      ['carol-phone', scene.carol, n2],
    ];
    for (const [name, user, node] of placement) {
      devices.push(new ClusterDevice(name, user, { apiBaseUrl: balancer.baseUrl, firstUrl: node.gatewayUrl }));
    }
    await Promise.all(devices.map((device) => device.connect()));

    const reader = new ConcordApi({ baseUrl: balancer.baseUrl, token: scene.alice.token });
    const startSeq = await channelHeads(reader, scene);
    const urls = (home: number) => nodeUrlsFrom(cluster, home);
    const sendLoad = new SendLoad(
      [
        { name: 'ag', token: scene.alice.token, channelId: scene.channels.guild, baseUrls: urls(0) },
        { name: 'cg', token: scene.carol.token, channelId: scene.channels.guild, baseUrls: urls(1) },
        { name: 'bd', token: scene.bob.token, channelId: scene.channels.dm, baseUrls: urls(1) },
        { name: 'ad', token: scene.alice.token, channelId: scene.channels.dm, baseUrls: urls(2) },
        { name: 'cp', token: scene.carol.token, channelId: scene.channels.group, baseUrls: urls(2) },
        { name: 'bp', token: scene.bob.token, channelId: scene.channels.group, baseUrls: urls(0) },
      ],
      25,
    );
    load = sendLoad;
    sendLoad.start();

    for (let round = 0; round < 2; round++) {
      await waitUntil(() => sendLoad.acks.length > 0, 10_000, 'the load to start');
      await sleep(3_000);
      await nats.crash();
      const acksAtCrash = sendLoad.acks.length;
      // The database is the acknowledgement: sends go on while the bus is gone.
      await waitUntil(() => sendLoad.acks.length > acksAtCrash + 20, 10_000, 'sends acknowledged without NATS');
      await sleep(2_000);
      await nats.restart();
      const acksAtRestart = sendLoad.acks.length;
      // Live delivery resumes: every device hears of a message sent after the broker came back.
      await waitUntil(() => sendLoad.acks.length > acksAtRestart + 20, 10_000, 'sends after the restart');
      const marker = sendLoad.acks.at(-1)!;
      for (const device of devices.filter((d) => channelsOf(scene, d.user).includes(marker.channelId))) {
        await waitUntil(
          () => device.lastSeq(marker.channelId) >= marker.seq,
          15_000,
          `${device.name} to hear of seq ${marker.seq} after NATS came back`,
        );
      }
    }
    await sleep(2_000);
    await sendLoad.stop();
    load = undefined;

    await expectHistoriesIntact({
      load: sendLoad,
      devices,
      channelsOf: (device) => channelsOf(scene, device.user),
      startSeq,
      reader,
    });
    // No node stopped (a lost worker-id lease would stop one) and every socket stayed where it was.
    expect(cluster.nodes.every((node) => node.alive)).toBe(true);
    // Nobody was told anyone went offline: every device stayed connected to a live node throughout,
    // and a node's own outage must not pass for its peers' sessions expiring.
    for (const device of devices) {
      expect(
        device.presences.filter((p) => p.status === 'offline'),
        device.name,
      ).toEqual([]);
    }
    for (const device of devices) expect(device.socketUrls.length, `${device.name} kept its socket`).toBe(1);
  }, 150_000);
});
