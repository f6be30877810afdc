import { Permission, type Message } from '@concord/protocol';
import { ConcordApi } from '@concord/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliveryProblems, readChannel, waitUntil, workerIdOf } from './support/checks';
import { Cluster, type ClusterUser } from './support/cluster';
import { ClusterDevice } from './support/clusterDevice';
import type { ClusterNode } from './support/clusterNode';
import { buildScene, channelsOf, type Scene } from './support/scene';

/**
 * Three real node processes on one PostgreSQL database and one NATS: users connected to different
 * nodes talk to each other as if there were one server — messages (exactly once, in seq order, on
 * every device), typing and presence all cross nodes — and the nodes never mint the same id.
 */
let cluster: Cluster;
let scene: Scene;
const devices: ClusterDevice[] = [];

beforeAll(async () => {
  cluster = await Cluster.start();
  scene = await buildScene(cluster, cluster.node(0).baseUrl);
}, 90_000);

afterEach((context) => {
  if (context.task.result?.state === 'fail') cluster?.markFailed();
});

afterAll(async () => {
  await Promise.all(devices.map((device) => device.close().catch(() => undefined)));
  await cluster?.close();
}, 60_000);

function apiOn(node: ClusterNode, user: ClusterUser): ConcordApi {
  return new ConcordApi({ baseUrl: node.baseUrl, token: user.token });
}

/** 200 when the request succeeds, else the HTTP status it failed with. */
function statusOf(request: Promise<unknown>): Promise<number | undefined> {
  return request.then(
    () => 200,
    (error: { status?: number }) => error.status,
  );
}

/** A device pinned to `node` (REST and gateway), connected. */
async function deviceOn(name: string, user: ClusterUser, node: ClusterNode): Promise<ClusterDevice> {
  const device = new ClusterDevice(name, user, { apiBaseUrl: node.baseUrl, firstUrl: node.gatewayUrl });
  devices.push(device);
  await device.connect();
  expect(device.currentNode()).toBe(node.baseUrl);
  return device;
}

describe('a three-node cluster', () => {
  let aliceLaptop: ClusterDevice;
  let alicePhone: ClusterDevice;
  let bobDesktop: ClusterDevice;
  let bobPhone: ClusterDevice;
  let carolPhone: ClusterDevice;

  beforeAll(async () => {
    const [n0, n1, n2] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    [aliceLaptop, alicePhone, bobDesktop, bobPhone, carolPhone] = await Promise.all([
      deviceOn('alice-laptop', scene.alice, n0),
      deviceOn('alice-phone', scene.alice, n1),
      deviceOn('bob-desktop', scene.bob, n1),
      deviceOn('bob-phone', scene.bob, n2),
      deviceOn('carol-phone', scene.carol, n2),
    ]);
  }, 30_000);

  it('delivers DMs, group DMs and guild messages sent through every node to every device once, in seq order', async () => {
    const members = new Map([
      [scene.channels.guild, [scene.alice, scene.bob, scene.carol]],
      [scene.channels.dm, [scene.alice, scene.bob]],
      [scene.channels.group, [scene.alice, scene.bob, scene.carol]],
    ]);
    const startSeq = new Map<string, number>();
    for (const channelId of members.keys()) {
      startSeq.set(channelId, (await apiOn(cluster.node(0), scene.alice).getChannel(channelId)).last_seq);
    }
    // Every member sends through every node, all at once: 3 × 3 × 8 messages per channel.
    const sent = await Promise.all(
      [...members].flatMap(([channelId, users]) =>
        users.flatMap((user) =>
          Array.from({ length: 24 }, (_, i) =>
            apiOn(cluster.node(i % 3), user).sendMessage(channelId, {
              content: `hello ${i} from ${user.username}`,
              nonce: `${user.id.slice(-6)}-${i}`,
            }),
          ),
        ),
      ),
    );
    const heads = new Map<string, number>();
    for (const message of sent)
      heads.set(message.channel_id, Math.max(heads.get(message.channel_id) ?? 0, message.seq));

    for (const device of devices) {
      for (const channelId of channelsOf(scene, device.user)) {
        await waitUntil(
          () => device.lastSeq(channelId) >= heads.get(channelId)!,
          15_000,
          `${device.name} to reach seq ${heads.get(channelId)} in ${channelId}`,
        );
      }
    }
    const reader = apiOn(cluster.node(2), scene.alice);
    const problems: string[] = [];
    for (const [channelId, users] of members) {
      const stored = await readChannel(reader, channelId, startSeq.get(channelId));
      // Exactly the acknowledged messages, each once, gap-free (I1, I4).
      expect(stored.map((m) => m.seq)).toEqual(
        Array.from({ length: users.length * 24 }, (_, i) => startSeq.get(channelId)! + 1 + i),
      );
      expect(new Set(stored.map((m) => m.id))).toEqual(
        new Set(sent.filter((m) => m.channel_id === channelId).map((m) => m.id)),
      );
      for (const device of devices) {
        if (!channelsOf(scene, device.user).includes(channelId)) {
          expect(device.deliveries.get(channelId), `${device.name} is not in ${channelId}`).toBeUndefined();
          continue;
        }
        problems.push(...deliveryProblems(device, channelId, stored, startSeq.get(channelId)!));
      }
    }
    expect(problems).toEqual([]);
  });

  it('carries TYPING_START across nodes, only to those who can see the channel', async () => {
    const [n0, n1, n2] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    // Bob (devices on nodes 1 and 2) types in the guild channel through node 1.
    await apiOn(n1, scene.bob).typing(scene.channels.guild);
    const typedIn = (device: ClusterDevice, channelId: string, user: ClusterUser) =>
      device.typing.some((t) => t.channel_id === channelId && t.user_id === user.id);
    for (const device of [aliceLaptop, alicePhone, carolPhone]) {
      await waitUntil(() => typedIn(device, scene.channels.guild, scene.bob), 5_000, `${device.name}: bob typing`);
    }
    // Alice types in her DM with bob through node 0, then in the group DM through node 2.
    await apiOn(n0, scene.alice).typing(scene.channels.dm);
    for (const device of [bobDesktop, bobPhone]) {
      await waitUntil(() => typedIn(device, scene.channels.dm, scene.alice), 5_000, `${device.name}: alice typing`);
    }
    await apiOn(n2, scene.alice).typing(scene.channels.group);
    await waitUntil(() => typedIn(carolPhone, scene.channels.group, scene.alice), 5_000, 'carol: alice typing');
    // Carol is not in the DM: she heard the later group-DM typing but never the DM's (I5).
    expect(carolPhone.typing.filter((t) => t.channel_id === scene.channels.dm)).toEqual([]);
  });

  it('carries presence across nodes: idle, offline when the last device leaves, online when one returns', async () => {
    const watchers = [aliceLaptop, alicePhone, bobDesktop, bobPhone];
    const seenAs = (device: ClusterDevice, status: string) =>
      device.presencesOf(scene.carol.id).some((p) => p.status === status);
    // Carol (one device, on node 2) goes idle: watchers on nodes 0, 1 and 2 hear it.
    carolPhone.client.setPresence({ status: 'idle' });
    for (const device of watchers) {
      await waitUntil(() => seenAs(device, 'idle'), 5_000, `${device.name}: carol idle`);
    }
    await carolPhone.close();
    for (const device of watchers) {
      await waitUntil(() => seenAs(device, 'offline'), 5_000, `${device.name}: carol offline`);
    }
    const onlineBefore = watchers.map((device) => device.presencesOf(scene.carol.id).length);
    const carolAgain = await deviceOn('carol-laptop', scene.carol, cluster.node(0));
    expect(carolAgain.currentNode()).toBe(cluster.node(0).baseUrl);
    for (const [i, device] of watchers.entries()) {
      await waitUntil(
        () =>
          device
            .presencesOf(scene.carol.id)
            .slice(onlineBefore[i])
            .some((p) => p.status === 'online'),
        5_000,
        `${device.name}: carol online again`,
      );
    }
  });
});

describe('snowflake ids in a cluster', () => {
  it('are never handed out twice by two nodes, each node minting with a worker id of its own', async () => {
    const users = [scene.alice, scene.bob, scene.carol];
    const channelIds = [scene.channels.guild, scene.channels.group];
    const minted: Array<{ node: number; message: Message }> = [];
    // 3 nodes × 120 sends, 24 at a time per node, all nodes at once, into the same two channels.
    await Promise.all(
      cluster.nodes.map(async (node, nodeIndex) => {
        for (let batch = 0; batch < 5; batch++) {
          const messages = await Promise.all(
            Array.from({ length: 24 }, (_, i) =>
              apiOn(node, users[i % 3]!).sendMessage(channelIds[i % 2]!, { content: `id test ${batch}.${i}` }),
            ),
          );
          for (const message of messages) minted.push({ node: nodeIndex, message });
        }
      }),
    );
    const ids = minted.map((m) => m.message.id);
    expect(new Set(ids).size).toBe(ids.length);
    const workers = cluster.nodes.map(
      (_, nodeIndex) => new Set(minted.filter((m) => m.node === nodeIndex).map((m) => workerIdOf(m.message.id))),
    );
    for (const workerIds of workers) expect(workerIds.size).toBe(1);
    expect(new Set(workers.map((w) => [...w][0])).size).toBe(3);
    // Within a channel, ids grow with seq even though three workers mint them.
    for (const channelId of channelIds) {
      const stored = await readChannel(apiOn(cluster.node(1), scene.alice), channelId);
      const byId = [...stored].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      expect(byId.map((m) => m.seq)).toEqual(stored.map((m) => m.seq));
    }
  });
});

describe('per-node caches in a cluster', () => {
  it('a session revoked or a profile changed through one node takes effect on every node at once', async () => {
    const [n0, n1, n2] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const dana = await cluster.user('dana');
    const laptop = new ConcordApi({ baseUrl: n1.baseUrl });
    const { token: laptopToken } = await laptop.login(dana.username, `pw-${dana.username}-secret`, 'laptop');
    // Every node has just resolved (and may cache) both tokens.
    for (const node of [n0, n1, n2]) {
      expect((await apiOn(node, dana).me()).username).toBe(dana.username);
      expect((await new ConcordApi({ baseUrl: node.baseUrl, token: laptopToken }).me()).id).toBe(dana.id);
    }
    const renamed = `${dana.username}_x`;
    await apiOn(n0, dana).updateMe({ username: renamed, password: `pw-${dana.username}-secret` });
    const laptopSession = (
      await new ConcordApi({ baseUrl: n0.baseUrl, token: laptopToken }).sessions()
    ).user_sessions.find((s) => s.current);
    await apiOn(n0, dana).revokeSession(laptopSession!.id);
    // Well inside the caches' 30 s backstop: the invalidation crossed the bus.
    for (const node of [n1, n2]) {
      await waitUntil(
        async () => {
          const status = await new ConcordApi({ baseUrl: node.baseUrl, token: laptopToken }).me().then(
            () => 200,
            (error: { status?: number }) => error.status,
          );
          return status === 401;
        },
        5_000,
        `revoked token refused on ${node.baseUrl}`,
      );
      await waitUntil(
        async () => (await apiOn(node, dana).me()).username === renamed,
        5_000,
        `new username on ${node.baseUrl}`,
      );
    }
  });

  it('a permission change or a kick through one node takes effect on every node at once', async () => {
    const [n0, n1, n2] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const owner = await cluster.user('owner');
    const erin = await cluster.user('erin');
    const guild = await apiOn(n0, owner).createGuild({ name: 'cache coherence' });
    const channelId = guild.system_channel_id!;
    const invite = await apiOn(n0, owner).createInvite(channelId, { max_age: 0 });
    await apiOn(n1, erin).acceptInvite(invite.code);
    const sendStatus = (node: ClusterNode, text: string) =>
      statusOf(apiOn(node, erin).sendMessage(channelId, { content: text }));
    // Warm every node's access cache for erin in this guild.
    for (const node of [n0, n1, n2]) expect(await sendStatus(node, 'warm')).toBe(200);
    await apiOn(n0, owner).modifyRole(guild.id, guild.id, {
      permissions: String(Permission.VIEW_CHANNEL | Permission.READ_MESSAGE_HISTORY),
    });
    for (const node of [n1, n2]) {
      await waitUntil(async () => (await sendStatus(node, 'muted?')) === 403, 5_000, `403 on ${node.baseUrl}`);
    }
    await apiOn(n0, owner).modifyRole(guild.id, guild.id, {
      permissions: String(Permission.VIEW_CHANNEL | Permission.READ_MESSAGE_HISTORY | Permission.SEND_MESSAGES),
    });
    for (const node of [n1, n2]) {
      await waitUntil(async () => (await sendStatus(node, 'back')) === 200, 5_000, `200 on ${node.baseUrl}`);
    }
    await apiOn(n2, owner).kick(guild.id, erin.id);
    for (const node of [n0, n1]) {
      await waitUntil(async () => (await sendStatus(node, 'kicked?')) === 404, 5_000, `404 on ${node.baseUrl}`);
    }
  });

  it("a channel's overwrites or a group DM's recipients changed through one node take effect on every node", async () => {
    const [n0, n1, n2] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const owner = await cluster.user('chanowner');
    const gina = await cluster.user('gina');
    const hal = await cluster.user('hal');
    const guild = await apiOn(n0, owner).createGuild({ name: 'channel coherence' });
    const channelId = guild.system_channel_id!;
    const invite = await apiOn(n0, owner).createInvite(channelId, { max_age: 0 });
    await apiOn(n1, gina).acceptInvite(invite.code);
    await apiOn(n2, hal).acceptInvite(invite.code);
    const sendAs = (node: ClusterNode, user: ClusterUser, channel: string, text: string) =>
      statusOf(apiOn(node, user).sendMessage(channel, { content: text }));

    // Every node has the channel cached for gina, then the channel is hidden from her on one node.
    for (const node of [n0, n1, n2]) expect(await sendAs(node, gina, channelId, 'warm')).toBe(200);
    await apiOn(n0, owner).editChannelPermissions(channelId, gina.id, {
      type: 1,
      deny: String(Permission.VIEW_CHANNEL),
    });
    for (const node of [n1, n2]) {
      await waitUntil(async () => (await sendAs(node, gina, channelId, 'hidden?')) === 404, 5_000, node.baseUrl);
    }
    await apiOn(n2, owner).deleteChannelPermission(channelId, gina.id);
    for (const node of [n0, n1]) {
      await waitUntil(async () => (await sendAs(node, gina, channelId, 'back')) === 200, 5_000, node.baseUrl);
    }

    // A group DM cached on every node; hal is removed through one node, then added back through another.
    const group = await apiOn(n0, owner).createGroupDm({ recipients: [gina.id, hal.id] });
    for (const node of [n0, n1, n2]) expect(await sendAs(node, hal, group.id, 'warm')).toBe(200);
    await apiOn(n1, owner).removeRecipient(group.id, hal.id);
    for (const node of [n0, n2]) {
      await waitUntil(async () => (await sendAs(node, hal, group.id, 'removed?')) === 404, 5_000, node.baseUrl);
      expect(await statusOf(apiOn(node, hal).messages(group.id))).toBe(404);
    }
    await apiOn(n2, owner).addRecipient(group.id, hal.id);
    for (const node of [n0, n1]) {
      await waitUntil(async () => (await sendAs(node, hal, group.id, 'added?')) === 200, 5_000, node.baseUrl);
    }
  });
});
