import { ConcordApi } from '@concord/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RawGateway } from '../support/rawGateway';
import { Balancer } from './support/balancer';
import { sleep, waitUntil } from './support/checks';
import { Cluster, type ClusterUser } from './support/cluster';
import { ClusterDevice } from './support/clusterDevice';
import type { ClusterNode } from './support/clusterNode';
import { expectHistoriesIntact } from './support/faultChecks';
import { buildScene, channelsOf, type Scene, channelHeads, nodeUrlsFrom } from './support/scene';
import { SendLoad } from './support/sendLoad';

/**
 * kill -9 of a node under a steady send load, three times (each node once), restarting it after:
 * no acknowledged message is lost or doubled, every device — those on the killed node reconnecting
 * to another one — gets every message once and in order, and the killed node's users go offline for
 * the others within the presence TTL, with nobody left to say so but the expiry itself.
 */
const PRESENCE_TTL_MS = 3_000;

let cluster: Cluster;
let balancer: Balancer;
let scene: Scene;
let dave: ClusterUser;
const devices: ClusterDevice[] = [];
const lurkers: RawGateway[] = [];
let load: SendLoad | undefined;

beforeAll(async () => {
  cluster = await Cluster.start({ env: { CONCORD_PRESENCE_TTL_MS: String(PRESENCE_TTL_MS) } });
  balancer = await Balancer.start(cluster.nodes.map((node) => node.port));
  scene = await buildScene(cluster, balancer.baseUrl);
  dave = await cluster.user('dave', balancer.baseUrl);
  const invite = await new ConcordApi({ baseUrl: balancer.baseUrl, token: scene.alice.token }).createInvite(
    scene.channels.guild,
    { max_age: 0 },
  );
  await new ConcordApi({ baseUrl: balancer.baseUrl, token: dave.token }).acceptInvite(invite.code);
}, 90_000);

afterEach((context) => {
  if (context.task.result?.state === 'fail') cluster?.markFailed();
});

afterAll(async () => {
  await load?.stop();
  for (const lurker of lurkers) lurker.close();
  await Promise.all(devices.map((device) => device.close().catch(() => undefined)));
  await balancer?.close();
  await cluster?.close();
}, 90_000);

/** Dave, on `node` only, with a raw socket that never reconnects: only his presence is watched. */
async function lurkOn(node: ClusterNode): Promise<RawGateway> {
  const lurker = await RawGateway.connect(node.baseUrl);
  lurkers.push(lurker);
  await lurker.waitFor((frame) => frame.op === 10);
  lurker.startHeartbeats(1_000);
  await lurker.ready(dave.token);
  return lurker;
}

describe('kill -9 of a node under load, three rounds', () => {
  it('loses no acknowledged message, doubles none, and every device converges exactly once, in order', async () => {
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
    for (const [i, [, , node]] of placement.entries()) expect(devices[i]!.currentNode()).toBe(node.baseUrl);

    // Read back through node0: by the end it is not the node killed last.
    const reader = new ConcordApi({ baseUrl: n0.baseUrl, token: scene.alice.token });
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

    const offlineAfterMs: number[] = [];
    const moved = new Set<ClusterDevice>();
    for (let round = 0; round < 3; round++) {
      const victim = cluster.node(round);
      const lurker = await lurkOn(victim);
      const observer = devices.find((device) => device.currentNode() !== victim.baseUrl)!;
      const daveOnline = () => observer.presencesOf(dave.id).at(-1)?.status === 'online';
      await waitUntil(daveOnline, 5_000, `${observer.name} to see dave online on ${victim.name}`);
      await sleep(1_500);
      const acksBefore = sendLoad.acks.length;
      const onVictim = devices.filter((device) => device.currentNode() === victim.baseUrl);
      expect(onVictim.length, `devices on ${victim.name} when it is killed`).toBeGreaterThan(0);
      for (const device of onVictim) moved.add(device);
      const killedAt = Date.now();
      await victim.kill();
      await waitUntil(
        () => observer.presencesOf(dave.id).at(-1)?.status === 'offline',
        PRESENCE_TTL_MS + 3_000,
        `${observer.name} to see dave offline after ${victim.name} died`,
      );
      offlineAfterMs.push(observer.presencesOf(dave.id).at(-1)!.at - killedAt);
      expect(lurker.closeCode).toBeDefined();
      // The killed node's devices moved to live nodes and are in sessions there.
      await waitUntil(
        () => onVictim.every((d) => d.client.state === 'ready' && d.currentNode() !== victim.baseUrl),
        10_000,
        `devices of ${victim.name} to reconnect elsewhere`,
      );
      // The load went on through the survivors while the node was down.
      await waitUntil(() => sendLoad.acks.length > acksBefore + 20, 10_000, 'sends to be acknowledged meanwhile');
      await victim.start();
      await sleep(2_000);
    }
    await sendLoad.stop();
    load = undefined;
    expect(sendLoad.unknownOutcomes, 'kills interrupted some sends').toBeGreaterThan(0);

    await expectHistoriesIntact({
      load: sendLoad,
      devices,
      channelsOf: (device) => channelsOf(scene, device.user),
      startSeq,
      reader,
    });
    expect(cluster.nodes.every((node) => node.alive)).toBe(true);
    // Each moved device got messages through the killed node and then through another one.
    for (const device of moved) {
      const via = new Set([...device.deliveries.values()].flat().map((d) => d.via));
      expect(via.size, `${device.name} delivered through ${[...via].join(', ')}`).toBeGreaterThan(1);
    }
    // Offline within the TTL of the crash (plus the expiry sweep and a loaded machine's lag),
    // though no node announced it.
    for (const elapsed of offlineAfterMs) expect(elapsed).toBeLessThan(PRESENCE_TTL_MS + 1_500);
  }, 150_000);
});
