import { ConcordApi } from '@concord/sdk';
import type { Cluster, ClusterUser } from './cluster';

export interface Scene {
  alice: ClusterUser;
  bob: ClusterUser;
  carol: ClusterUser;
  /** A guild channel all three are in, a DM of alice and bob, a group DM of all three. */
  channels: { guild: string; dm: string; group: string };
  guildId: string;
}

/** Three users sharing a guild channel, a DM and a group DM; built through `baseUrl`. */
export async function buildScene(cluster: Cluster, baseUrl: string): Promise<Scene> {
  const [alice, bob, carol] = await Promise.all([
    cluster.user('alice', baseUrl),
    cluster.user('bob', baseUrl),
    cluster.user('carol', baseUrl),
  ]);
  const api = (user: ClusterUser) => new ConcordApi({ baseUrl, token: user.token });
  const guild = await api(alice).createGuild({ name: 'Cluster' });
  const invite = await api(alice).createInvite(guild.system_channel_id!, { max_age: 0 });
  await api(bob).acceptInvite(invite.code);
  await api(carol).acceptInvite(invite.code);
  const dm = await api(alice).openDm(bob.id);
  const group = await api(alice).createGroupDm({ recipients: [bob.id, carol.id] });
  return {
    alice,
    bob,
    carol,
    channels: { guild: guild.system_channel_id!, dm: dm.id, group: group.id },
    guildId: guild.id,
  };
}

/** Which of the scene's channels a user is in. */
export function channelsOf(scene: Scene, user: ClusterUser): string[] {
  const { guild, dm, group } = scene.channels;
  return user.id === scene.carol.id ? [guild, group] : [guild, dm, group];
}

/** Each channel's head now, read through `reader`: devices must receive everything after it. */
export async function channelHeads(reader: ConcordApi, scene: Scene): Promise<Map<string, number>> {
  const heads = new Map<string, number>();
  for (const channelId of Object.values(scene.channels))
    heads.set(channelId, (await reader.getChannel(channelId)).last_seq);
  return heads;
}

/** All node URLs, starting at node `home`: a writer's first choice, then its fallbacks in order. */
export function nodeUrlsFrom(cluster: Cluster, home: number): string[] {
  return [0, 1, 2].map((i) => cluster.node((home + i) % 3).baseUrl);
}
