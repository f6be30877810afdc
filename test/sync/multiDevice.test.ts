import { afterEach, describe, expect, it } from 'vitest';
import { contiguous, Device, eventually } from '../support/devices';
import { startServer, type TestServer, type TestUser } from '../support/testServer';

/**
 * The central invariant on the real path: every device of every member sees every message of a
 * DM, a group DM and a guild channel exactly once and in seq order — live, after a RESUME, and after
 * the fallback (INVALID_SESSION → IDENTIFY → catch-up by seq over REST).
 */
interface Scene {
  server: TestServer;
  alice: TestUser;
  bob: TestUser;
  carol: TestUser;
  channels: { guild: string; dm: string; group: string };
  /** Each channel's head when the devices connected: they must receive everything after it. */
  startSeq: Record<string, number>;
  devices: Device[];
}

let scene: Scene | undefined;
afterEach(async () => {
  if (scene === undefined) return;
  await Promise.all(scene.devices.map((d) => d.close()));
  await scene.server.close();
  scene = undefined;
});

async function setUp(gateway: { resumeBufferEvents?: number } = {}): Promise<Scene> {
  const server = await startServer({ gateway: { heartbeatIntervalMs: 1_000, ...gateway } });
  const [alice, bob, carol] = await Promise.all([server.user(), server.user(), server.user()]);
  const guild = await alice.api.createGuild({ name: 'Sync' });
  const invite = await alice.api.createInvite(guild.system_channel_id!, { max_age: 0 });
  await bob.api.acceptInvite(invite.code);
  await carol.api.acceptInvite(invite.code);
  const dm = await alice.api.openDm(bob.id);
  const group = await alice.api.createGroupDm({ recipients: [bob.id, carol.id] });
  const devices = [
    new Device('alice-laptop', server, alice),
    new Device('alice-phone', server, alice),
    new Device('bob-desktop', server, bob),
  ];
  await Promise.all(devices.map((d) => d.connect()));
  const startSeq: Record<string, number> = {};
  for (const id of [guild.system_channel_id!, dm.id, group.id])
    startSeq[id] = (await alice.api.getChannel(id)).last_seq;
  scene = {
    server,
    alice,
    bob,
    carol,
    channels: { guild: guild.system_channel_id!, dm: dm.id, group: group.id },
    startSeq,
    devices,
  };
  return scene;
}

/** Sends `count` messages to each channel, alternating authors, all at once. */
async function sendBurst(s: Scene, count: number, tag: string): Promise<Record<string, number>> {
  const heads: Record<string, number> = {};
  await Promise.all(
    Object.values(s.channels).map(async (channelId) => {
      const sent = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          (i % 2 === 0 ? s.alice : s.bob).api.sendMessage(channelId, {
            content: `${tag} ${i}`,
            nonce: `${tag}-${channelId}-${i}`,
          }),
        ),
      );
      heads[channelId] = Math.max(...sent.map((m) => m.seq));
    }),
  );
  return heads;
}

describe('multi-device sync', () => {
  it('delivers every message to every device once, in seq order, in a DM, a group DM and a guild channel', async () => {
    const s = await setUp();
    const heads = await sendBurst(s, 25, 'live');
    for (const device of s.devices) {
      for (const [channelId, head] of Object.entries(heads)) {
        await device.waitForSeq(channelId, head);
        expect(device.seqs(channelId), `${device.name} in ${channelId}`).toEqual(
          contiguous(s.startSeq[channelId]! + 1, head),
        );
      }
    }
  });

  it('catches a device up by RESUME after its network drops while messages are sent', async () => {
    const s = await setUp();
    const phone = s.devices[1]!;
    let resumed = 0;
    let identified = 0;
    phone.client.on('resumed', () => (resumed += 1));
    phone.client.on('ready', () => (identified += 1));
    const before = await sendBurst(s, 4, 'before');
    for (const [channelId, head] of Object.entries(before)) await phone.waitForSeq(channelId, head);
    phone.cutNetwork();
    const heads = await sendBurst(s, 15, 'while-away');
    for (const [channelId, head] of Object.entries(heads)) {
      await phone.waitForSeq(channelId, head);
      expect(phone.seqs(channelId)).toEqual(contiguous(s.startSeq[channelId]! + 1, head));
    }
    expect(resumed).toBe(1);
    expect(identified).toBe(0);
  });

  it('catches a device up by seq over REST when the session cannot be resumed', async () => {
    const s = await setUp({ resumeBufferEvents: 10 });
    const phone = s.devices[1]!;
    let identified = 0;
    phone.client.on('ready', () => (identified += 1));
    const before = await sendBurst(s, 2, 'before');
    for (const [channelId, head] of Object.entries(before)) await phone.waitForSeq(channelId, head);
    // Kept away until the burst is acknowledged: more dispatches than the resume buffer holds are
    // sent to its session meanwhile, so RESUME must fail and the fallback take over.
    phone.cutNetwork({ keepDown: true });
    const heads = await sendBurst(s, 20, 'overflow');
    phone.restoreNetwork();
    for (const [channelId, head] of Object.entries(heads)) {
      await phone.waitForSeq(channelId, head);
      expect(phone.seqs(channelId), channelId).toEqual(contiguous(s.startSeq[channelId]! + 1, head));
    }
    expect(identified).toBe(1);
  });

  it('acknowledging on one device clears the unread state on the others', async () => {
    const s = await setUp();
    const [laptop, phone] = s.devices as [Device, Device];
    const message = await s.bob.api.sendMessage(s.channels.dm, { content: 'read me' });
    await phone.waitForSeq(s.channels.dm, message.seq);
    await s.alice.api.ack(s.channels.dm, message.id);
    for (const device of [laptop, phone]) {
      await eventually(
        () => device.client.cache.readStates.get(s.channels.dm)?.last_message_id === message.id,
        5_000,
        device.name,
      );
      expect(device.client.cache.readStates.get(s.channels.dm)).toMatchObject({ mention_count: 0 });
    }
  });
});
