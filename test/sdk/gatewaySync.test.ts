import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryCursorStore, type GatewayClient } from '@concord/sdk';
import { GatewayOpcode } from '@concord/protocol';
import type { FakeConnection } from './fakeGateway';
import {
  acceptIdentify,
  collectMessages,
  dmChannel,
  guild,
  guildChannel,
  Harness,
  message,
  range,
  ready,
  tombstone,
} from './fixtures';

/**
 * The gateway client's ordered `message` stream against a scripted gateway and a fake REST: each
 * channel's messages reach the app exactly once and in seq order (I2, I3), whatever the gateway
 * drops, repeats or reorders, and the device catches up after a lost session (I6).
 */
let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.stop();
});

const DM = '7';
const GUILD = '50';
const TEXT = '51';

async function connect(gw: GatewayClient, channels: { dm?: number; text?: number }): Promise<FakeConnection> {
  const connected = gw.connect();
  const connection = await h.gateway.nextConnection();
  const privateChannels = channels.dm === undefined ? [] : [dmChannel(DM, channels.dm)];
  const guilds = channels.text === undefined ? [] : [guild(GUILD, [guildChannel(TEXT, GUILD, channels.text)])];
  const readyData = ready({
    private_channels: privateChannels,
    guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
  });
  await acceptIdentify(connection, readyData, guilds);
  await connected;
  return connection;
}

/** Waits until the client has delivered `count` messages in `channel` (or fails after 5 s). */
async function delivered(gw: GatewayClient, seen: Map<string, number[]>, channel: string, count: number) {
  const deadline = Date.now() + 5000;
  while ((seen.get(channel)?.length ?? 0) < count) {
    if (Date.now() > deadline) throw new Error(`only ${String(seen.get(channel))} delivered in ${channel}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await gw.sync?.idle();
}

describe('ordered, exactly-once messages', () => {
  it('INVALID_SESSION → IDENTIFY → READY heads → REST gap-fill delivers each missed message once, in order', async () => {
    h.rest.put(...range(1, 9).map((s) => (s === 6 ? tombstone(DM, s) : message(DM, s))));
    const gw = h.client();
    const seen = collectMessages(gw);
    const first = await connect(gw, { dm: 2 });
    first.dispatch('MESSAGE_CREATE', message(DM, 3));
    first.dispatch('MESSAGE_CREATE', message(DM, 4));
    await delivered(gw, seen, DM, 2);

    // The node dies; the session cannot be resumed.
    first.terminate();
    const second = await h.gateway.nextConnection();
    second.hello();
    await second.next(GatewayOpcode.RESUME);
    second.send({ op: GatewayOpcode.INVALID_SESSION, d: false });
    await second.next(GatewayOpcode.IDENTIFY);
    second.seq = 0;
    second.dispatch('READY', ready({ session_id: 'session-2', private_channels: [dmChannel(DM, 9)] }));
    await delivered(gw, seen, DM, 6);
    // Live events that overlap the fill are dropped; new ones go straight through.
    second.dispatch('MESSAGE_CREATE', message(DM, 8));
    h.rest.put(message(DM, 10));
    second.dispatch('MESSAGE_CREATE', message(DM, 10));
    await delivered(gw, seen, DM, 7);

    expect(seen.get(DM)).toEqual([3, 4, 5, 7, 8, 9, 10]);
    expect(h.rest.requests).toEqual([{ channelId: DM, afterSeq: 4, limit: 100 }]);
    expect(gw.sync?.cursor(DM)).toBe(10);
  });

  it('delivers duplicated and reordered live events once, in order, even while a fill is in flight', async () => {
    h.rest.put(...range(1, 5).map((s) => message(TEXT, s, { guild_id: GUILD })));
    const gw = h.client();
    const seen = collectMessages(gw);
    let raw = 0;
    gw.on('MESSAGE_CREATE', () => raw++);
    const connection = await connect(gw, { text: 0 });
    let release = (): void => {};
    h.rest.gate = new Promise((resolve) => (release = resolve));
    for (const s of [1, 1, 3, 2, 2, 5, 4, 3])
      connection.dispatch('MESSAGE_CREATE', message(TEXT, s, { guild_id: GUILD }));
    await gw.waitFor('dispatch', (d) => d.s === 10, 2000);
    release();
    await delivered(gw, seen, TEXT, 5);
    expect(seen.get(TEXT)).toEqual([1, 2, 3, 4, 5]);
    expect(raw).toBe(8);
  });

  it('fills a gap in the live stream page by page', async () => {
    h.rest.put(...range(1, 250).map((s) => message(DM, s)));
    const gw = h.client();
    const seen = collectMessages(gw);
    const connection = await connect(gw, { dm: 0 });
    connection.dispatch('MESSAGE_CREATE', message(DM, 1));
    connection.dispatch('MESSAGE_CREATE', message(DM, 250));
    await delivered(gw, seen, DM, 250);
    expect(seen.get(DM)).toEqual(range(1, 250));
    expect(h.rest.requests.map((r) => r.afterSeq)).toEqual([1, 101, 201]);
  });

  it('tombstones and deletions of held messages advance the cursor without a message', async () => {
    h.rest.put(message(DM, 1), tombstone(DM, 2), message(DM, 3), message(DM, 4));
    const gw = h.client();
    const seen = collectMessages(gw);
    const deletes: number[] = [];
    gw.on('messageDelete', (e) => deletes.push(e.seq));
    const connection = await connect(gw, { dm: 0 });
    let release = (): void => {};
    h.rest.gate = new Promise((resolve) => (release = resolve));
    connection.dispatch('MESSAGE_CREATE', message(DM, 4));
    connection.dispatch('MESSAGE_DELETE', { id: message(DM, 3).id, channel_id: DM, seq: 3 });
    await gw.waitFor('MESSAGE_DELETE', undefined, 2000);
    release();
    await delivered(gw, seen, DM, 2);
    expect(seen.get(DM)).toEqual([1, 4]);
    expect(gw.sync?.cursor(DM)).toBe(4);
    // A deletion of a delivered message is passed on.
    connection.dispatch('MESSAGE_DELETE', { id: message(DM, 4).id, channel_id: DM, seq: 4 });
    await gw.waitFor('messageDelete', undefined, 2000);
    expect(deletes).toEqual([4]);
  });

  it('a RESUME replay of already delivered messages is not delivered twice', async () => {
    const gw = h.client();
    const seen = collectMessages(gw);
    const first = await connect(gw, { dm: 0 });
    first.dispatch('MESSAGE_CREATE', message(DM, 1));
    first.dispatch('MESSAGE_CREATE', message(DM, 2));
    await delivered(gw, seen, DM, 2);
    first.send({ op: GatewayOpcode.RECONNECT, d: null });
    const second = await h.gateway.nextConnection();
    second.hello();
    const resume = await second.next(GatewayOpcode.RESUME);
    // The replay overlaps what was already delivered (the bus may repeat too).
    expect(resume.d).toMatchObject({ seq: 3 });
    second.seq = 1;
    second.dispatch('MESSAGE_CREATE', message(DM, 1));
    second.dispatch('MESSAGE_CREATE', message(DM, 2));
    second.dispatch('MESSAGE_CREATE', message(DM, 3));
    second.dispatch('RESUMED', {});
    await gw.waitFor('resumed', undefined, 2000);
    await delivered(gw, seen, DM, 3);
    expect(seen.get(DM)).toEqual([1, 2, 3]);
  });

  it('a device that restarts with its cursor store catches up from where it was', async () => {
    h.rest.put(...range(1, 6).map((s) => message(DM, s)));
    const cursors = new MemoryCursorStore();
    const before = h.client({ cursors });
    const seenBefore = collectMessages(before);
    const first = await connect(before, { dm: 0 });
    for (const s of [1, 2, 3]) first.dispatch('MESSAGE_CREATE', message(DM, s));
    await delivered(before, seenBefore, DM, 3);
    await before.close();

    const after = h.client({ cursors });
    const seenAfter = collectMessages(after);
    await connect(after, { dm: 6 });
    await delivered(after, seenAfter, DM, 3);
    expect(seenAfter.get(DM)).toEqual([4, 5, 6]);
    expect(cursors.get(DM)).toBe(6);
  });

  it('a new channel (CHANNEL_CREATE) and a new DM first seen through a message are synced from their start', async () => {
    h.rest.put(message('60', 1), message('60', 2), message('61', 1));
    const gw = h.client();
    const seen = collectMessages(gw);
    const connection = await connect(gw, {});
    connection.dispatch('CHANNEL_CREATE', guildChannel('60', GUILD, 0));
    connection.dispatch('MESSAGE_CREATE', message('60', 2));
    // A DM opened by someone else: its first message may be the first thing the client hears of it.
    connection.dispatch('MESSAGE_CREATE', message('61', 1));
    await delivered(gw, seen, '60', 2);
    await delivered(gw, seen, '61', 1);
    expect(seen.get('60')).toEqual([1, 2]);
    expect(seen.get('61')).toEqual([1]);
  });

  it('with sync: false, only raw dispatches flow', async () => {
    const gw = h.client({ sync: false });
    const seen = collectMessages(gw);
    const connection = await connect(gw, { dm: 0 });
    const raw = gw.waitFor('MESSAGE_CREATE', (m) => m.seq === 5, 2000);
    connection.dispatch('MESSAGE_CREATE', message(DM, 5));
    await raw;
    expect(gw.sync).toBeUndefined();
    expect(seen.size).toBe(0);
    expect(h.rest.requests).toEqual([]);
  });
});
